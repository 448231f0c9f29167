// nines uncertainty's analysis (uncertainty/uncertainty_analysis.hpp) on cases solvable by
// hand: one component with a Beta input (the service distribution is that Beta), one
// component whose outage rate has a Gamma posterior (the availability is a monotone function
// of it), and a mix of single-component request kinds (an additive response, whose Sobol
// indices are known); plus populations, determinism across thread counts, and the limits.
#include <tbb/global_control.h>

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/input/structure_parser.hpp"
#include "nines/uncertainty/uncertainty_analysis.hpp"

namespace {

nines::StructureModel model_of(const std::string& yaml) {
  return nines::parse_structure_model(yaml, "t.yaml");
}

// With a Latin hypercube, the i-th smallest of N draws of a monotone function of one input lies
// in the i-th stratum of that input: CDF(x_(i)) in [i/N, (i+1)/N].
template <class Cdf>
void check_strata(std::vector<double> values, Cdf cdf) {
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double p = cdf(values[i]);
    const auto at = static_cast<double>(i);
    INFO("draw " << i << ": CDF " << p);
    REQUIRE(p >= at / n - 1e-6);  // the quantile tables are exact to 1e-6 (relative)
    REQUIRE(p <= (at + 1) / n + 1e-6);
  }
}

const char* kAdditive = R"(format_version: 2
name: additive
components:
  - {name: a, reliability: {uniform: {low: 0.001, high: 0.003}}}
  - {name: b, reliability: {uniform: {low: 0.001, high: 0.011}}}
  - {name: c, reliability: {uniform: {low: 0.002, high: 0.004}}}
  - {name: d, reliability: 0.999}
request_kinds:
  - {name: ka, weight: 1, path: a}
  - {name: kb, weight: 2, path: b}
  - {name: kc, weight: 3, path: [c, d]}
)";

}  // namespace

TEST_CASE("one component with a Beta input: the service distribution is that Beta",
          "[uncertainty_analysis]") {
  const auto model = model_of(
      "format_version: 2\nname: one\ncomponents:\n"
      "  - {name: a, reliability: {observed: {failures: 3, requests: 500}}}\n");
  nines::UncertaintySettings settings;
  settings.draws = 2000;
  settings.seed = 9;
  settings.target = 0.99;
  const auto r = nines::analyse_uncertainty(model, settings);
  REQUIRE(r.factors.size() == 1);
  const boost::math::beta_distribution<> beta(3.5, 497.5);
  check_strata(r.shortfall, [&](double q) { return boost::math::cdf(beta, q); });
  // The draws' factor value is the shortfall itself.
  for (std::size_t i = 0; i < r.shortfall.size(); ++i) CHECK(r.factor_values[i] == r.shortfall[i]);
  // Mean within 5 standard errors of plain sampling (the hypercube does far better).
  const double se = boost::math::standard_deviation(beta) / std::sqrt(2000.0);
  CHECK(std::abs(r.value.mean_shortfall - boost::math::mean(beta)) < 5 * se);
  CHECK(r.point_shortfall == Approx(3.5 / 501).epsilon(1e-12));
  // P(reliability >= 99%) = P(q <= 0.01).
  const double p = boost::math::cdf(beta, 0.01);
  CHECK(std::abs(static_cast<double>(r.meets) / 2000 - p) <= 1.0 / 2000 + 1e-12);
  CHECK(r.meet_probability->low <= p);
  CHECK(r.meet_probability->high >= p);
  // One factor explains everything.
  CHECK(r.sobol.at(0).first_order == Approx(1).margin(5 * r.sobol[0].first_order_error + 1e-3));
  CHECK(r.sobol.at(0).total == Approx(1).margin(5 * r.sobol[0].total_error + 1e-3));
}

TEST_CASE("format 3: an outage rate with a Gamma posterior gives the availability's distribution",
          "[uncertainty_analysis]") {
  const auto model = model_of(
      "format_version: 3\nname: outages\ntime: {horizon: 365d, histories: 10}\ncomponents:\n"
      "  - name: db\n    reliability: 1\n"
      "    outages: {every: {observed: {outages: 4, over: 365d}}, repair: {fixed: 1h}}\n");
  nines::UncertaintySettings settings;
  settings.draws = 1000;
  const auto r = nines::analyse_uncertainty(model, settings);
  CHECK(r.measure == nines::ServiceMeasure::availability);
  // Unavailability s = lambda R / (1 + lambda R), R = 1 h: lambda = s / (R (1 - s)).
  const double repair = 3600, year = 365 * 86400.0;
  const boost::math::gamma_distribution<> gamma(4.5, 1 / year);
  check_strata(r.shortfall,
               [&](double s) { return boost::math::cdf(gamma, s / (repair * (1 - s))); });
  const double rate = 4.5 / year;
  CHECK(r.point_shortfall == Approx(rate * repair / (1 + rate * repair)).epsilon(1e-12));
}

TEST_CASE("an additive mix of kinds: Sobol indices are the weighted variance shares",
          "[uncertainty_analysis]") {
  // Shortfall = sum_k w_k q_k / sum_k w_k (kind c also fails through d, a constant), so
  // S_k = ST_k = w_k^2 Var(q_k) / sum_j w_j^2 Var(q_j), Var = (high - low)^2 / 12.
  const auto model = model_of(kAdditive);
  nines::UncertaintySettings settings;
  settings.draws = 20'000;
  settings.seed = 3;
  const auto r = nines::analyse_uncertainty(model, settings);
  REQUIRE(r.factors.size() == 3);
  const double var[] = {1 * 0.002 * 0.002, 4 * 0.01 * 0.01, 9 * 0.002 * 0.002};
  const double sum = var[0] + var[1] + var[2];
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& s = r.sobol[k];
    INFO(r.factors[k].name << ": S " << s.first_order << " ± " << s.first_order_error << ", ST "
                           << s.total << " ± " << s.total_error << ", exact " << var[k] / sum);
    CHECK(std::abs(s.first_order - var[k] / sum) < 5 * s.first_order_error + 1e-9);
    CHECK(std::abs(s.total - var[k] / sum) < 5 * s.total_error + 1e-9);
  }
  // The point value is the exact engine's at the means.
  CHECK(r.point_shortfall == nines::StructureAnalytics(model).unreliability());
}

TEST_CASE("members of a population share each draw", "[uncertainty_analysis]") {
  const auto model = model_of(
      "format_version: 2\nname: pods\ncomponents:\n"
      "  - {name: a, reliability: {beta: {alpha: 2, beta: 1000}}, population: pods}\n"
      "  - {name: b, reliability: {beta: {alpha: 2, beta: 1000}}, population: pods}\n"
      "  - {name: c, reliability: {beta: {alpha: 2, beta: 1000}}}\n"
      "request_kinds:\n  - {name: r, path: {parallel: [a, b]}}\n  - {name: s, path: c}\n");
  nines::UncertaintySettings settings;
  settings.draws = 500;
  const auto r = nines::analyse_uncertainty(model, settings);
  REQUIRE(r.factors.size() == 2);
  CHECK(r.factors[0].name == "pods");
  CHECK(r.factors[0].members.size() == 2);
  // Kind r fails when a and b both fail: with a shared draw q, its unreliability is q^2.
  // Kind s: c's own draw q_c. The mix: (q^2 + q_c) / 2.
  for (std::size_t i = 0; i < 500; ++i) {
    const double q = r.factor_values[i * 2], qc = r.factor_values[i * 2 + 1];
    CHECK(r.shortfall[i] == Approx((q * q + qc) / 2).epsilon(1e-12));
  }
}

TEST_CASE("the analysis is bit-identical for any thread count", "[uncertainty_analysis]") {
  const auto model = model_of(kAdditive);
  nines::UncertaintySettings settings;
  settings.draws = 3000;
  settings.target = 0.996;
  const auto run = [&](std::size_t threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    return nines::analyse_uncertainty(model, settings);
  };
  const auto one = run(1), two = run(2);
  CHECK(one.shortfall == two.shortfall);
  CHECK(one.meets == two.meets);
  for (std::size_t k = 0; k < one.sobol.size(); ++k) {
    CHECK(one.sobol[k].first_order == two.sobol[k].first_order);
    CHECK(one.sobol[k].total_error == two.sobol[k].total_error);
  }
}

TEST_CASE("limits and models without uncertainty are input errors", "[uncertainty_analysis]") {
  nines::UncertaintySettings settings;
  const auto certain =
      model_of("format_version: 2\nname: t\ncomponents:\n  - {name: a, reliability: 0.9}\n");
  CHECK_THROWS_AS(nines::analyse_uncertainty(certain, settings), nines::InputError);
  std::string many = "format_version: 2\nname: many\ncomponents:\n";
  for (int c = 0; c < 12; ++c)
    many += "  - {name: c" + std::to_string(c) + ", reliability: {beta: {alpha: 1, beta: 99}}}\n";
  settings.draws = 10'000'000;  // x (12 factors + 2) evaluations is above the limit
  CHECK_THROWS_WITH(nines::analyse_uncertainty(model_of(many), settings),
                    Catch::Contains("more than 134,217,728 exact evaluations"));
  const auto model = model_of(kAdditive);
  settings.draws = 1;
  CHECK_THROWS_AS(nines::analyse_uncertainty(model, settings), nines::InputError);
}
