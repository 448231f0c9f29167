#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "nines/exact/chain_analytics.hpp"

using nines::ChainAnalytics;

TEST_CASE("the analytic reliability is the product of the parts", "[chain_analytics]") {
  // The essay's example: eight parts at 99% give 92.3%.
  const ChainAnalytics eight(std::vector<double>(8, 0.99));
  CHECK(eight.reliability() == Approx(std::pow(0.99, 8)).epsilon(1e-15));
  CHECK(eight.unreliability() == Approx(1 - std::pow(0.99, 8)).epsilon(1e-13));
  const ChainAnalytics two({0.9, 0.9});
  CHECK(two.reliability() == Approx(0.81).epsilon(1e-15));
}

TEST_CASE("first-failure probabilities: components before k work and k fails",
          "[chain_analytics]") {
  const ChainAnalytics m({0.9, 0.8, 0.5});
  const auto& q = m.first_failure_probability();
  REQUIRE(q.size() == 3);
  CHECK(q[0] == Approx(0.1).epsilon(1e-15));
  CHECK(q[1] == Approx(0.9 * 0.2).epsilon(1e-15));
  CHECK(q[2] == Approx(0.9 * 0.8 * 0.5).epsilon(1e-15));
  CHECK(q[0] + q[1] + q[2] == Approx(m.unreliability()).epsilon(1e-15));
}

TEST_CASE("unreliability keeps its digits for highly reliable chains", "[chain_analytics]") {
  const double r = 1 - 1e-15;
  const double f = 1 - r;  // exact (Sterbenz), about 0.999e-15
  const ChainAnalytics m(std::vector<double>(100, r));
  // 1 - r^100 = 100 f - 4950 f^2 + ..., and the naive 1 - prod would have only ~3 digits left.
  CHECK(m.unreliability() == Approx(100 * f - 4950 * f * f).epsilon(1e-12));
}

TEST_CASE("thresholds are cumulative failure probabilities scaled to 2^64", "[chain_analytics]") {
  const ChainAnalytics m({0.75, 0.5});
  // P(first fails) = 1/4, P(some fails) = 1 - 3/8 = 5/8: exact binary fractions.
  REQUIRE(m.thresholds().size() == 2);
  CHECK(m.thresholds()[0] == std::uint64_t{1} << 62);
  CHECK(m.thresholds()[1] == (std::uint64_t{5} << 61));
}

TEST_CASE("perfect and dead components", "[chain_analytics]") {
  const ChainAnalytics perfect({1.0, 1.0});
  CHECK(perfect.reliability() == 1);
  CHECK(perfect.unreliability() == 0);
  CHECK(perfect.thresholds()[1] == 0);

  const ChainAnalytics dead({0.9, 0.0, 0.9});
  CHECK(dead.reliability() == 0);
  CHECK(dead.unreliability() == 1);
  CHECK(dead.first_failure_probability()[1] == Approx(0.9));
  CHECK(dead.first_failure_probability()[2] == 0);
  CHECK(dead.thresholds()[1] == std::numeric_limits<std::uint64_t>::max());
}
