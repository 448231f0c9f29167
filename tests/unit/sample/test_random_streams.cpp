// The layout of nines' random numbers: which Philox counter each stream's draw uses. A change
// here changes every run's results, so the stream numbers, the counter words and a few values
// are pinned. The block function itself is held to Random123's vectors in test_philox.cpp.
#include "nines/sample/random_streams.hpp"

#include <catch2/catch.hpp>
#include <cstdint>

#include "nines/sample/philox.hpp"
#include "nines/sample/structure_sampler.hpp"

using nines::philox4x32_10;
using nines::PhiloxCounter;
using nines::RandomStream;

namespace {
std::uint64_t low_half(const PhiloxCounter& x) {
  return std::uint64_t{x[1]} << 32 | x[0];
}
std::uint64_t high_half(const PhiloxCounter& x) {
  return std::uint64_t{x[3]} << 32 | x[2];
}
}  // namespace

TEST_CASE("stream numbers are fixed", "[random_streams]") {
  CHECK(static_cast<std::uint32_t>(RandomStream::request_outcome) == 0);
  CHECK(static_cast<std::uint32_t>(RandomStream::failure_skip) == 1);
  CHECK(static_cast<std::uint32_t>(RandomStream::structure_request) == 16);
  CHECK(static_cast<std::uint32_t>(RandomStream::structure_attempt) == 17);
  CHECK(static_cast<std::uint32_t>(RandomStream::structure_counterfactual) == 18);
  CHECK(static_cast<std::uint32_t>(RandomStream::structure_skip) == 19);
  CHECK(static_cast<std::uint32_t>(RandomStream::structure_skip_kinds) == 20);
}

TEST_CASE("the key is the seed and the counter is {block low, block high, stream, 0}",
          "[random_streams]") {
  static_assert(nines::philox_key(0x0123456789abcdefULL) ==
                nines::PhiloxKey{0x89abcdef, 0x01234567});
  static_assert(nines::philox_key(0) == nines::PhiloxKey{0, 0});
  static_assert(nines::philox_counter(RandomStream::structure_attempt, 0xfedcba9876543210ULL) ==
                PhiloxCounter{0x76543210, 0xfedcba98, 17, 0});
  static_assert(nines::philox_counter(RandomStream::request_outcome, 5) ==
                PhiloxCounter{5, 0, 0, 0});
  SUCCEED();
}

TEST_CASE("request_uniform: request i is block i/2, low half if even, high half if odd",
          "[random_streams]") {
  for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{2026}, ~std::uint64_t{0}}) {
    for (const std::uint64_t request :
         {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{10}, std::uint64_t{11},
          (std::uint64_t{1} << 40) + 3, ~std::uint64_t{0} - 1, ~std::uint64_t{0}}) {
      const std::uint64_t block = request / 2;
      const PhiloxCounter x = philox4x32_10(
          {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), 0, 0},
          {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
      INFO("seed " << seed << ", request " << request);
      CHECK(nines::request_uniform(seed, request) ==
            (request % 2 == 0 ? low_half(x) : high_half(x)));
    }
  }
  // Pinned values (any change to the layout changes every run).
  CHECK(nines::request_uniform(2026, 0) == 0x85b7be5b6e5b28e3ULL);
  CHECK(nines::request_uniform(2026, 1) == 0x4be9bf2cb3ceb6b8ULL);
  CHECK(nines::request_uniform(~std::uint64_t{0}, (std::uint64_t{1} << 40) + 3) ==
        0x840c317454a575c1ULL);
}

TEST_CASE("structure streams use the same layout on their own stream numbers", "[random_streams]") {
  const std::uint64_t seed = 0x5eed5eed12345678ULL;
  const nines::PhiloxKey key = nines::philox_key(seed);
  for (const std::uint64_t request :
       {std::uint64_t{0}, std::uint64_t{7}, (std::uint64_t{3} << 33) + 1}) {
    const std::uint64_t block = request / 2;
    const auto lo = static_cast<std::uint32_t>(block), hi = static_cast<std::uint32_t>(block >> 32);
    const PhiloxCounter r = philox4x32_10({lo, hi, 16, 0}, key);
    const PhiloxCounter v = philox4x32_10({lo, hi, 18, 0}, key);
    INFO("request " << request);
    CHECK(nines::StructureSampler::request_draw(seed, request) ==
          (request % 2 == 0 ? low_half(r) : high_half(r)));
    CHECK(nines::StructureSampler::counterfactual_draw(seed, request) ==
          (request % 2 == 0 ? low_half(v) : high_half(v)));
    // Distinct streams give unrelated draws for the same request.
    CHECK(nines::StructureSampler::request_draw(seed, request) !=
          nines::request_uniform(seed, request));
    CHECK(nines::StructureSampler::request_draw(seed, request) !=
          nines::StructureSampler::counterfactual_draw(seed, request));
  }
  // structure_attempt: {request low, request high, 17, attempt << 20 | block}.
  const std::uint64_t request = (std::uint64_t{5} << 32) + 9;
  const PhiloxCounter a = philox4x32_10({9, 5, 17, (3u << 20) | 2u}, key);
  CHECK(nines::StructureSampler::attempt_draw(seed, request, 3, 4) == low_half(a));
  CHECK(nines::StructureSampler::attempt_draw(seed, request, 3, 5) == high_half(a));
}
