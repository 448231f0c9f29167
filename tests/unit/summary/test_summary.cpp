#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "nines/exact/chain_analytics.hpp"
#include "nines/summary/summary.hpp"

namespace {
bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}
}  // namespace

TEST_CASE("summarize: counts exactly as expected agree", "[summary]") {
  // R = 0.99 * 0.98 = 0.9702; q = {0.01, 0.0198}; 10,000 requests expect {100, 198}.
  const nines::ChainAnalytics model({0.99, 0.98});
  const nines::Summary s = nines::summarize(model, 10'000, {100, 198});
  CHECK(s.requests == 10'000);
  CHECK(s.failures == 298);
  CHECK(s.reliability_empirical == Approx(0.9702).epsilon(1e-15));
  CHECK(s.unreliability_empirical == Approx(0.0298).epsilon(1e-15));
  CHECK(s.reliability_analytic == Approx(0.9702).epsilon(1e-15));
  CHECK(s.unreliability_analytic == Approx(0.0298).epsilon(1e-12));
  REQUIRE(s.expected_failures.size() == 2);
  CHECK(s.expected_failures[0] == Approx(100));
  CHECK(s.expected_failures[1] == Approx(198));
  CHECK(s.z_score == Approx(0).margin(1e-9));
  CHECK(s.z_p_value == Approx(1).margin(1e-9));
  CHECK(s.attribution.dof == 1);
  CHECK(s.attribution.statistic == Approx(0).margin(1e-9));
  CHECK(s.agrees);
  CHECK(starts_with(s.verdict, "agrees with the analytic model (z = 0.00, attribution p = 1.0)"));
  CHECK(s.ci_level == nines::kDefaultCiLevel);
  CHECK(s.reliability_ci.low < s.reliability_empirical);
  CHECK(s.reliability_ci.high > s.reliability_empirical);
  CHECK(s.nines_empirical == Approx(-std::log10(0.0298)));
  CHECK(s.dpmo_analytic == Approx(29'800));
  CHECK(s.sigma_empirical == Approx(s.sigma_analytic).epsilon(1e-9));
}

TEST_CASE("summarize: too many failures disagree on reliability", "[summary]") {
  const nines::ChainAnalytics model({0.99, 0.98});
  const nines::Summary s = nines::summarize(model, 10'000, {300, 198});
  // z = (0.0298 - 0.0498) / sqrt(0.0298 * 0.9702 / 10000) = -11.76...
  CHECK(s.z_score == Approx(-0.02 / std::sqrt(0.0298 * 0.9702 / 10'000)).epsilon(1e-9));
  CHECK(s.z_p_value < 1e-20);
  CHECK_FALSE(s.agrees);
  CHECK(s.reliability_p_value < 1e-20);
  CHECK(starts_with(
      s.verdict, "DISAGREES with the analytic model: reliability z = -11.76 (exact binomial p = "));
}

TEST_CASE("summarize: one failure where 0.01 were expected agrees", "[summary]") {
  // The z-score's normal approximation fails when few failures are expected: z = -9.9 would
  // reject at any level, but one failure in a run expecting 0.01 happens 1% of the time.
  const nines::ChainAnalytics model({1 - 1e-11});
  const std::uint64_t n = 1'000'000'000;
  const nines::Summary s = nines::summarize(model, n, {1});
  const double u = model.unreliability();
  // The reliability's z: too many failures make it negative.
  CHECK(s.z_score == Approx((u - 1 / static_cast<double>(n)) / std::sqrt(u * (1 - u) / n)));
  CHECK(s.z_score < -9);
  CHECK(s.z_p_value < 1e-20);
  // P(X >= 1) = 1 - (1 - u)^n, doubled.
  CHECK(s.reliability_p_value ==
        Approx(-2 * std::expm1(static_cast<double>(n) * std::log1p(-u))).epsilon(1e-9));
  CHECK(s.agrees);
  CHECK(starts_with(s.verdict, "agrees with the analytic model (z = -9.90, "));
}

TEST_CASE("summarize: right total but wrong component disagrees on attribution", "[summary]") {
  const nines::ChainAnalytics model({0.99, 0.98});
  const nines::Summary s = nines::summarize(model, 10'000, {198, 100});
  CHECK(s.z_score == Approx(0).margin(1e-9));
  // X^2 = 98^2 / 100 + 98^2 / 198.
  CHECK(s.attribution.statistic == Approx(98.0 * 98 / 100 + 98.0 * 98 / 198).epsilon(1e-9));
  CHECK(s.attribution.dof == 1);
  CHECK_FALSE(s.agrees);
  INFO(s.verdict);
  CHECK(starts_with(
      s.verdict,
      "DISAGREES with the analytic model: attribution chi-square = 144.55, dof 1 (p = "));
}

TEST_CASE("summarize: a perfect chain with no failures", "[summary]") {
  const nines::ChainAnalytics model({1.0, 1.0});
  const nines::Summary s = nines::summarize(model, 1'000, {0, 0});
  CHECK(s.failures == 0);
  CHECK(s.reliability_empirical == 1);
  CHECK(s.z_score == 0);
  CHECK_FALSE(std::signbit(s.z_score));
  CHECK(s.z_p_value == 1);
  CHECK(s.reliability_p_value == 1);
  CHECK(s.attribution.dof == 0);
  CHECK(s.attribution.statistic == 0);
  CHECK(std::isnan(s.attribution.p_value));
  CHECK(s.agrees);
  CHECK(s.verdict == "agrees with the analytic model (z = 0.00, attribution n/a)");
  CHECK(std::isinf(s.nines_empirical));
  CHECK(std::isinf(s.nines_analytic));
  CHECK(s.dpmo_empirical == 0);
  CHECK(s.sigma_analytic == std::numeric_limits<double>::infinity());
  CHECK(s.reliability_ci.high == 1);
  CHECK(s.reliability_ci.low < 1);
}

TEST_CASE("summarize: failures of a component that cannot fail", "[summary]") {
  const nines::ChainAnalytics model({1.0, 0.9});
  const nines::Summary s = nines::summarize(model, 1'000, {1, 100});
  CHECK_FALSE(s.agrees);
  CHECK(s.attribution.p_value == 0);
  CHECK(starts_with(s.verdict, "DISAGREES"));
}

TEST_CASE("summarize: highly reliable chain keeps its digits", "[summary]") {
  const nines::ChainAnalytics model({1 - 1e-12});
  const nines::Summary s = nines::summarize(model, 1'000'000'000'000, {1});
  CHECK(s.unreliability_empirical == 1e-12);
  CHECK(s.z_score == Approx(0).margin(1e-3));
  CHECK(s.nines_empirical == Approx(12).epsilon(1e-12));
  CHECK(s.agrees);
}

TEST_CASE("summarize rejects inconsistent counts", "[summary]") {
  const nines::ChainAnalytics model({0.9, 0.9});
  CHECK_THROWS(nines::summarize(model, 0, {0, 0}));
  CHECK_THROWS(nines::summarize(model, 10, {1}));
  CHECK_THROWS(nines::summarize(model, 10, {6, 5}));
}
