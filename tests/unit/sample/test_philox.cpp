#include <boost/random/uniform_int_distribution.hpp>
#include <catch2/catch.hpp>
#include <concepts>
#include <random>

#include "nines/sample/philox.hpp"
#include "nines/sample/philox_bulk.hpp"
#include "nines/sample/random_streams.hpp"

using nines::philox4x32_10;
using nines::Philox4x32Engine;

// Known-answer vectors from Random123's kat_vectors (philox4x32 with 10 rounds):
// counter[4] key[2] -> output[4].
TEST_CASE("philox4x32_10 matches the Random123 known-answer vectors", "[philox]") {
  CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) ==
        nines::PhiloxCounter{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
        nines::PhiloxCounter{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
        nines::PhiloxCounter{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("philox4x32_10 is usable at compile time", "[philox]") {
  static_assert(philox4x32_10({0, 0, 0, 0}, {0, 0})[0] == 0x6627e8d5);
  SUCCEED();
}

TEST_CASE("Philox4x32Engine is a uniform random bit generator shaped like Boost.Random's engines",
          "[philox]") {
  static_assert(std::uniform_random_bit_generator<Philox4x32Engine>);
  Philox4x32Engine engine(0);
  // The engine's first block is the block function at counter 0.
  CHECK(engine() == 0x6627e8d5);
  CHECK(engine() == 0xe169c58d);
  CHECK(engine() == 0xbc57ac4c);
  CHECK(engine() == 0x9b00dbd8);

  boost::random::uniform_int_distribution<int> die(1, 6);
  Philox4x32Engine a(42), b(42);
  for (int i = 0; i < 100; ++i) CHECK(die(a) == die(b));
}

TEST_CASE("Philox4x32Engine::discard equals drawing and dropping", "[philox]") {
  for (std::uint64_t skip : {0u, 1u, 3u, 4u, 5u, 17u, 1000u}) {
    Philox4x32Engine drawn(7, 3), skipped(7, 3);
    drawn();  // start mid-block
    skipped();
    for (std::uint64_t i = 0; i < skip; ++i) drawn();
    skipped.discard(skip);
    CHECK(drawn == skipped);
    CHECK(drawn() == skipped());
  }
}

TEST_CASE("Philox4x32Engine streams and seeds are distinct", "[philox]") {
  Philox4x32Engine s0(5, 0), s1(5, 1), t0(6, 0);
  CHECK(s0() != s1());
  CHECK(Philox4x32Engine(5, 0)() != t0());
}

TEST_CASE("request_uniform packs two 64-bit draws per block", "[philox]") {
  const std::uint64_t seed = 0x0123456789abcdefULL;
  const auto x = philox4x32_10({5, 0, 0, 0}, {0x89abcdef, 0x01234567});
  CHECK(nines::request_uniform(seed, 10) == (std::uint64_t{x[1]} << 32 | x[0]));
  CHECK(nines::request_uniform(seed, 11) == (std::uint64_t{x[3]} << 32 | x[2]));
}

TEST_CASE("every bulk Philox variant equals the scalar block function", "[philox]") {
  nines::PhiloxBulkVariant variants[8];
  const std::size_t count = nines::philox_bulk_variants(variants, 8);
  REQUIRE(count >= 1);
  for (std::size_t v = 0; v < count; ++v) {
    INFO("variant " << variants[v].name);
    for (const std::uint64_t first :
         {std::uint64_t{0}, std::uint64_t{12345}, std::uint64_t{0xfffffffffffffff0ULL},
          std::uint64_t{0xfffffff8}}) {
      for (const nines::PhiloxKey key :
           {nines::PhiloxKey{0xdeadbeef, 0x01234567}, nines::PhiloxKey{0xffffffff, 0xffffffff}}) {
        std::uint64_t out[2 * nines::kPhiloxBulkBlocks];
        variants[v].function(key, 7, first, out);
        for (std::size_t j = 0; j < nines::kPhiloxBulkBlocks; ++j) {
          const std::uint64_t block = first + j;
          const auto x = philox4x32_10(
              {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), 7, 0},
              key);
          REQUIRE(out[2 * j] == (std::uint64_t{x[1]} << 32 | x[0]));
          REQUIRE(out[2 * j + 1] == (std::uint64_t{x[3]} << 32 | x[2]));
        }
      }
    }
  }
  CHECK(nines::philox_bulk_function() == variants[count - 1].function);
}

TEST_CASE("every gather Philox variant equals the scalar block function", "[philox]") {
  nines::PhiloxBulkVariant variants[8];
  const std::size_t count = nines::philox_bulk_variants(variants, 8);
  REQUIRE(count >= 1);
  // Counters of every shape, the upper halves of the 64-bit lanes set to show they are ignored.
  nines::PhiloxCounterBlocks counters{};
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (auto& word : counters.words)
    for (std::uint64_t& lane : word) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      lane = state;
    }
  counters.words[0][0] = counters.words[1][0] = counters.words[2][0] = counters.words[3][0] = 0;
  counters.words[0][1] = counters.words[1][1] = counters.words[2][1] = counters.words[3][1] =
      0xffffffffffffffffULL;
  for (std::size_t v = 0; v < count; ++v) {
    INFO("variant " << variants[v].name);
    for (const nines::PhiloxKey key :
         {nines::PhiloxKey{0xdeadbeef, 0x01234567}, nines::PhiloxKey{0xffffffff, 0xffffffff}}) {
      std::uint64_t out[2 * nines::kPhiloxBulkBlocks];
      variants[v].gather(key, counters, out);
      for (std::size_t j = 0; j < nines::kPhiloxBulkBlocks; ++j) {
        const auto x = philox4x32_10({static_cast<std::uint32_t>(counters.words[0][j]),
                                      static_cast<std::uint32_t>(counters.words[1][j]),
                                      static_cast<std::uint32_t>(counters.words[2][j]),
                                      static_cast<std::uint32_t>(counters.words[3][j])},
                                     key);
        REQUIRE(out[2 * j] == (std::uint64_t{x[1]} << 32 | x[0]));
        REQUIRE(out[2 * j + 1] == (std::uint64_t{x[3]} << 32 | x[2]));
      }
    }
  }
  CHECK(nines::philox_gather_function() == variants[count - 1].gather);
}
