// Uncertain inputs (model/uncertain_input.hpp, input/uncertain_fields.cpp): the posteriors that
// observed evidence gives, against their closed forms, and each distribution's moments,
// quantiles and CDF against a second method (Boost.Math's own moments, numerical integration).
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "nines/input/structure_parser.hpp"
#include "nines/model/uncertain_input.hpp"
#include "support/input_errors.hpp"

namespace {

using nines::UncertainInput;
using nines::UncertainQuantity;
using nines::UncertainShape;

nines::StructureModel one_component(const std::string& reliability, const std::string& extra = "") {
  return nines::parse_structure_model(
      "format_version: 2\nname: t\ncomponents:\n  - name: a\n"
      "    reliability: " +
          reliability + "\n" + extra,
      "t.yaml");
}

nines::StructureModel one_outage(const std::string& every) {
  return nines::parse_structure_model(
      "format_version: 3\nname: t\ntime: {horizon: 365d, histories: 10}\ncomponents:\n"
      "  - name: a\n    reliability: 1\n    outages: {every: " +
          every + ", repair: 1h}\n",
      "t.yaml");
}

bool close(double x, double y, double relative) {
  return std::abs(x - y) <= relative * std::abs(y);
}

// E[X] and E[X^2] of `in` by the midpoint rule over its quantile function: the mean is the
// integral of Q(p) over p in (0, 1). 2^16 points on a grid in p that is fine near both ends.
std::pair<double, double> moments_by_quantiles(const UncertainInput& in) {
  constexpr int kPoints = 1 << 16;
  long double m1 = 0, m2 = 0;
  for (int i = 0; i < kPoints; ++i) {
    // p = (1 - cos(pi t)) / 2 crowds the points at both ends; weight dp/dt.
    const double t = (i + 0.5) / kPoints;
    const double p = (1 - std::cos(M_PI * t)) / 2;
    const double w = M_PI / 2 * std::sin(M_PI * t) / kPoints;
    const double q = in.quantile(p);
    m1 += w * q;
    m2 += w * q * q;
  }
  return {static_cast<double>(m1), static_cast<double>(m2)};
}

}  // namespace

TEST_CASE("observed failures give the Beta posterior with Jeffreys' prior", "[uncertain_input]") {
  const auto m = one_component("{observed: {failures: 12, requests: 3.1M}}");
  const auto& in = *m.components[0].reliability_input;
  CHECK(in.quantity == UncertainQuantity::reliability);
  CHECK(in.shape == UncertainShape::beta);
  CHECK(in.a == 12.5);
  CHECK(in.b == 3'100'000 - 12 + 0.5);
  const double n = 3.1e6, f = 12;
  // Closed forms of Beta(f + 1/2, n - f + 1/2): mean (f + 1/2) / (n + 1), variance
  // mean (1 - mean) / (n + 2).
  const double mean = (f + 0.5) / (n + 1);
  CHECK(close(in.mean(), mean, 1e-12));
  CHECK(close(in.variance(), mean * (1 - mean) / (n + 2), 1e-12));
  CHECK(close(m.components[0].reliability, 1 - mean, 1e-12));
  const boost::math::beta_distribution<> beta(in.a, in.b);
  CHECK(close(in.mean(), boost::math::mean(beta), 1e-12));
  CHECK(close(in.variance(), boost::math::variance(beta), 1e-12));
  CHECK(in.origin == "observed 12 failures in 3,100,000 requests, Jeffreys prior Beta(0.5, 0.5)");
}

TEST_CASE("a Beta prior on the failure probability is updated by the evidence",
          "[uncertain_input]") {
  const auto m = one_component(
      "{observed: {failures: 0, requests: 1000, prior: {beta: {alpha: 1, beta: 9}}}}");
  const auto& in = *m.components[0].reliability_input;
  CHECK(in.a == 1);
  CHECK(in.b == 1009);
  CHECK(close(in.mean(), 1.0 / 1010, 1e-12));
  CHECK(close(in.variance(), 1.0 * 1009 / (1010.0 * 1010 * 1011), 1e-12));
}

TEST_CASE("observed outages give the Gamma posterior on the rate", "[uncertain_input]") {
  const double year = 365 * 86400.0;
  SECTION("Jeffreys' prior") {
    const auto m = one_outage("{observed: {outages: 4, over: 365d}}");
    const auto& outages = *m.time->components[0].outages;
    const auto& in = *outages.rate_input;
    CHECK(in.quantity == UncertainQuantity::outage_rate);
    CHECK(in.a == 4.5);
    CHECK(in.b == year);
    CHECK(close(in.mean(), 4.5 / year, 1e-12));
    CHECK(close(in.variance(), 4.5 / (year * year), 1e-12));
    // The point value: an exponential time to failure at the mean rate.
    CHECK(outages.failure.shape == nines::DurationShape::exponential);
    CHECK(close(outages.failure.a, year / 4.5, 1e-12));
    const boost::math::gamma_distribution<> gamma(in.a, 1 / in.b);
    CHECK(close(in.mean(), boost::math::mean(gamma), 1e-12));
    CHECK(close(in.variance(), boost::math::variance(gamma), 1e-12));
  }
  SECTION("a Gamma prior of 1 outage over 180 days") {
    const auto m =
        one_outage("{observed: {outages: 0, over: 365d, prior: {gamma: {shape: 1, over: 180d}}}}");
    const auto& in = *m.time->components[0].outages->rate_input;
    CHECK(in.a == 1);
    CHECK(in.b == year + 180 * 86400.0);
  }
  SECTION("a lognormal mean time between outages") {
    const auto m = one_outage("{uncertain: {lognormal: {median: 90d, error_factor: 3}}}");
    const auto& in = *m.time->components[0].outages->rate_input;
    CHECK(in.shape == UncertainShape::lognormal);
    CHECK(close(in.quantile(0.5), 1 / (90 * 86400.0), 1e-12));
    CHECK(close(in.quantile(0.95) / in.quantile(0.5), 3, 1e-9));
  }
}

TEST_CASE("each distribution's moments agree with integration of its quantile function",
          "[uncertain_input]") {
  const auto check = [](const UncertainInput& in) {
    const auto [m1, m2] = moments_by_quantiles(in);
    CHECK(close(in.mean(), m1, 1e-6));
    CHECK(close(in.variance(), m2 - m1 * m1, 1e-4));
    for (const double p : {0.001, 0.05, 0.5, 0.95, 0.999})
      CHECK(close(in.cdf(in.quantile(p)), p, 1e-9));
  };
  SECTION("beta") {
    check(*one_component("{beta: {alpha: 2, beta: 2000}}").components[0].reliability_input);
  }
  SECTION("uniform") {
    const auto in =
        *one_component("{uniform: {low: 0.001, high: 0.01}}").components[0].reliability_input;
    CHECK(in.mean() == Approx(0.0055).epsilon(1e-12));
    check(in);
  }
  SECTION("lognormal, truncated at 1 for a failure probability") {
    // A wide lognormal whose median is 0.05: about 6% of its mass lies above 1 and is cut off.
    const auto in =
        *one_component("{lognormal: {median: 0.05, sigma: 1.9}}").components[0].reliability_input;
    CHECK(in.quantile(1) == 1);
    CHECK(in.mean() < std::exp(std::log(0.05) + 1.9 * 1.9 / 2));  // below the untruncated mean
    check(in);
  }
  SECTION("lognormal by error factor") {
    const auto in = *one_component("{lognormal: {median: 1e-4, error_factor: 3}}")
                         .components[0]
                         .reliability_input;
    CHECK(close(in.quantile(0.5), 1e-4, 1e-9));
    CHECK(close(in.quantile(0.95), 3e-4, 1e-6));
    check(in);
  }
  SECTION("gamma rate") {
    UncertainInput in;
    in.quantity = UncertainQuantity::outage_rate;
    in.shape = UncertainShape::gamma;
    in.a = 4.5;
    in.b = 2.0;
    check(in);
  }
}

TEST_CASE("populations group uncertain inputs", "[uncertain_input]") {
  const auto m = nines::parse_structure_model(
      "format_version: 2\nname: t\ncomponents:\n"
      "  - {name: a, reliability: {observed: {failures: 1, requests: 1000}}, population: pods}\n"
      "  - {name: b, reliability: {observed: {failures: 1, requests: 1000}}, population: pods, "
      "replicas: 2}\n",
      "t.yaml");
  CHECK(m.components[0].reliability_input->population == "pods");
  CHECK(m.components[2].reliability_input->population == "pods");  // b[2]
  CHECK(m.uncertain_declarations() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("bad uncertain inputs are errors with file, line and column", "[uncertain_input]") {
  using nines::test::structure_error_of;
  const auto error = [](const std::string& reliability, const std::string& extra = "") {
    return structure_error_of(
        "format_version: 2\nname: t\ncomponents:\n  - name: a\n"
        "    reliability: " +
        reliability + "\n" + extra);
  };
  CHECK(error("{observed: {failures: 13, requests: 12}}") ==
        "t.yaml:5:40: components[0].reliability.observed.failures: \"13\" is more than the "
        "requests observed (12); write how many of the observed requests failed");
  CHECK(error("{observed: {failures: 1}}").find("missing required key \"requests\"") !=
        std::string::npos);
  CHECK(error("{observed: {failures: -1, requests: 10}}").find("is not a whole number") !=
        std::string::npos);
  CHECK(error("{beta: {alpha: 0, beta: 2}}").find("\"0\" is not positive") != std::string::npos);
  CHECK(error("{lognormal: {median: 2, error_factor: 3}}").find("is outside [0, 1]") !=
        std::string::npos);
  CHECK(error("{lognormal: {median: 0.001, error_factor: 1}}").find("is not above 1") !=
        std::string::npos);
  CHECK(error("{uniform: {low: 0.01, high: 0.001}}").find("is not above low") != std::string::npos);
  CHECK(error("{gamma: {shape: 1, over: 1d}}").find("unknown key \"gamma\"") != std::string::npos);
  CHECK(error("{beta: {alpha: 1, beta: 2}, uniform: {low: 0, high: 1}}").find("has 2 keys") !=
        std::string::npos);
  CHECK(error("0.99\n    population: pods")
            .find("groups uncertain inputs, and this component "
                  "has none") != std::string::npos);
}
