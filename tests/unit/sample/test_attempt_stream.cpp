// The pieces every structure kernel shares: 64-bit thresholds, the per-(request, attempt)
// draws of stream structure_attempt, and the open unit interval for geometric gaps.
#include "nines/sample/attempt_stream.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "nines/sample/structure_sampler.hpp"

using nines::AttemptStream;
using nines::kAlways;
using nines::threshold_of;

TEST_CASE("threshold_of scales a probability to the 64-bit draw space", "[attempt_stream]") {
  CHECK(threshold_of(0.0L) == 0);
  CHECK(threshold_of(-0.5L) == 0);
  CHECK(threshold_of(std::numeric_limits<long double>::quiet_NaN()) == 0);
  CHECK(threshold_of(0.5L) == std::uint64_t{1} << 63);
  CHECK(threshold_of(0.25L) == std::uint64_t{1} << 62);
  // One draw in 2^64, and rounding to nearest below it.
  CHECK(threshold_of(std::ldexp(1.0L, -64)) == 1);
  CHECK(threshold_of(std::ldexp(1.0L, -66)) == 0);
  CHECK(threshold_of(std::ldexp(3.0L, -66)) == 1);  // 0.75 rounds up
  // Exactly 1 is "always"; anything below stays a count the draws can exceed.
  CHECK(threshold_of(1.0L) == kAlways);
  CHECK(threshold_of(2.0L) == kAlways);
  CHECK(threshold_of(1.0L - std::ldexp(1.0L, -53)) ==
        std::numeric_limits<std::uint64_t>::max() - 2047);
  CHECK(threshold_of(1.0L - std::ldexp(1.0L, -60)) == kAlways - 15);
  // The largest double below 1 scales to at most 2^64 - 2^11, as the header says.
  CHECK(threshold_of(std::nextafter(1.0, 0.0)) == std::numeric_limits<std::uint64_t>::max() - 2047);
}

TEST_CASE("below(u, t) is u < t, except that kAlways takes every draw", "[attempt_stream]") {
  CHECK(nines::below(0, 1));
  CHECK_FALSE(nines::below(1, 1));
  CHECK_FALSE(nines::below(0, 0));  // probability 0: never
  CHECK(nines::below(kAlways - 1, kAlways));
  CHECK(nines::below(kAlways, kAlways));  // probability 1: even the largest draw
  CHECK_FALSE(nines::below(kAlways, kAlways - 1));
}

TEST_CASE("AttemptStream draws index i from block i/2 of its request and attempt",
          "[attempt_stream]") {
  const std::uint64_t seed = 0x0123456789abcdefULL;
  const nines::PhiloxKey key = {0x89abcdef, 0x01234567};
  const std::uint64_t request = (std::uint64_t{7} << 32) | 11;
  for (const std::uint32_t attempt : {0u, 1u, 100u}) {
    AttemptStream stream(seed, request, attempt);
    for (const std::uint32_t index : {0u, 1u, 2u, 3u, 17u, 2000u, (1u << 20) - 1}) {
      const nines::PhiloxCounter x =
          nines::philox4x32_10({11, 7, 17, attempt << 20 | index / 2}, key);
      const std::uint64_t expected =
          index % 2 == 0 ? (std::uint64_t{x[1]} << 32 | x[0]) : (std::uint64_t{x[3]} << 32 | x[2]);
      INFO("attempt " << attempt << ", index " << index);
      CHECK(stream(index) == expected);
      CHECK(nines::StructureSampler::attempt_draw(seed, request, attempt, index) == expected);
    }
  }
  // Pinned values.
  CHECK(AttemptStream(2026, 5, 0)(0) == 0x93f1c7698696b2c2ULL);
  CHECK(AttemptStream(2026, 5, 3)(3) == 0x7ce7a227d0e773beULL);
}

TEST_CASE("AttemptStream's cached block never leaks into another index", "[attempt_stream]") {
  // Draw in an order that jumps between blocks and back; each value must equal a fresh
  // stream's.
  AttemptStream stream(99, 12345, 2);
  for (const std::uint32_t index : {5u, 4u, 0u, 5u, 1u, 9u, 8u, 0u, 4u}) {
    INFO("index " << index);
    CHECK(stream(index) == AttemptStream(99, 12345, 2)(index));
  }
  // Attempts and requests are distinct streams.
  CHECK(AttemptStream(99, 12345, 2)(0) != AttemptStream(99, 12345, 3)(0));
  CHECK(AttemptStream(99, 12345, 2)(0) != AttemptStream(99, 12346, 2)(0));
  CHECK(AttemptStream(99, 12345, 2)(0) != AttemptStream(98, 12345, 2)(0));
  CHECK(AttemptStream(99, 12345, 2)(0) != AttemptStream(99, 12345, 2)(1));
}

TEST_CASE("AttemptStream fill gives the draws operator() gives, odd counts included",
          "[attempt_stream]") {
  for (const std::uint32_t count : {1u, 2u, 7u, 64u, 301u}) {
    std::vector<std::uint64_t> filled(count + 1, 0xdeadbeef);
    nines::AttemptStream(99, (std::uint64_t{1} << 40) + 3, 2).fill(count, filled.data());
    nines::AttemptStream one_by_one(99, (std::uint64_t{1} << 40) + 3, 2);
    for (std::uint32_t i = 0; i < count; ++i) CHECK(filled[i] == one_by_one(i));
    CHECK(filled[count] == 0xdeadbeef);  // nothing written past the count
  }
}

TEST_CASE("open_unit maps a draw into the unit interval, never to 0", "[attempt_stream]") {
  CHECK(nines::open_unit(0) == 0x1.0p-53);
  CHECK(nines::open_unit(2047) == 0x1.0p-53);  // the low 11 bits do not count
  CHECK(nines::open_unit(2048) == 0x1.0p-52);
  CHECK(nines::open_unit(std::numeric_limits<std::uint64_t>::max()) == 1.0);
  CHECK(nines::open_unit(std::uint64_t{1} << 63) == 0.5 + 0x1.0p-53);
  CHECK(std::isfinite(std::log(nines::open_unit(0))));
  // Monotone in the draw.
  std::uint64_t u = 1;
  for (int i = 0; i < 63; ++i, u = u * 2 + 1)
    CHECK(nines::open_unit(u) <= nines::open_unit(u * 2 + 1));
}
