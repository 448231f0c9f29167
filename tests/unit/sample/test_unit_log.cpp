// unit_log (sample/unit_log.hpp), the logarithm behind every exponential and Weibull duration
// of a time run, against std::log; its SIMD batch against itself; and the cycle blocks built on
// them against the scalar Philox definition.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "nines/sample/outage_streams.hpp"
#include "nines/sample/unit_log.hpp"

using namespace nines;

namespace {

// How many units in the last place of `exact` separate it from `x`.
double ulps(double x, double exact) {
  const double ulp =
      std::nextafter(std::fabs(exact), std::numeric_limits<double>::infinity()) - std::fabs(exact);
  return std::fabs(x - exact) / ulp;
}

}  // namespace

TEST_CASE("unit_log is within one ulp of std::log over (0, 1)") {
  Philox4x32Engine engine(20261202, 7);
  double worst = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    const std::uint64_t bits = std::uint64_t{engine()} << 32 | engine();
    double u = uniform_from_bits(bits);
    if (i % 3 == 1) u = std::ldexp(u, -static_cast<int>(engine() % 1000));  // tiny arguments
    worst = std::max(worst, ulps(unit_log(u), std::log(u)));
  }
  CHECK(worst <= 1.0);
  // Where the reduction switches (sqrt 2), the ends of the range, and exact powers of two.
  for (const double u : {0.5, 0.25, 1.0, 0x1.6a09e667f3bcdp-1, 0x1.6a09e667f3bccp-1,
                         0x1.fffffffffffffp-1, 0x1.0p-1022, 0x1.0p-54, 0.1, 0.9})
    CHECK(ulps(unit_log(u), std::log(u)) <= 1.0);
  CHECK(unit_log(1.0) == 0.0);
}

TEST_CASE("exponential_variates is -unit_log of each word's uniform, bit for bit") {
  // The batch runs in whichever SIMD clone this CPU picks; the inline scalar function is the
  // definition every clone must reproduce.
  Philox4x32Engine engine(1, 2);
  std::vector<std::uint64_t> words(1000);
  for (auto& w : words) w = std::uint64_t{engine()} << 32 | engine();
  words[0] = 0;                                          // the smallest uniform, 2^-53
  words[1] = std::numeric_limits<std::uint64_t>::max();  // the largest, 1 - 2^-53
  std::vector<double> out(words.size());
  exponential_variates(words.data(), out.data(), words.size());
  for (std::size_t i = 0; i < words.size(); ++i)
    REQUIRE(out[i] == -unit_log(uniform_from_bits(words[i])));
  CHECK(uniform_from_bits(0) == 0x1.0p-53);
  CHECK(uniform_from_bits(std::numeric_limits<std::uint64_t>::max()) == 1 - 0x1.0p-53);
  CHECK(out[1] > 0);
}

TEST_CASE("cycle blocks hold cycle_block's uniforms as exponentials, in any order asked") {
  CycleBlocks blocks;
  const std::uint64_t seed = 0x0123456789abcdefull;
  blocks.start_history(seed, 42, 5);
  for (const std::uint32_t cycle : {0u, 1u, 31u, 32u, 33u, 5u, 100u, 99u, 64u, 0u}) {
    for (std::uint32_t process = 0; process < 5; ++process) {
      const PhiloxCounter b = cycle_block(seed, 42, cycle, process);
      const double failure = -unit_log(uniform_from_bits(std::uint64_t{b[1]} << 32 | b[0]));
      const double repair = -unit_log(uniform_from_bits(std::uint64_t{b[3]} << 32 | b[2]));
      CHECK(blocks.exponential(process, cycle, CycleHalf::failure) == failure);
      CHECK(blocks.exponential(process, cycle, CycleHalf::repair) == repair);
    }
  }
}
