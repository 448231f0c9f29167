#include "nines/summary/summary.hpp"

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "nines/base/number_format.hpp"

namespace nines {

namespace {

// ASCII only: the verdict is also stored as an HDF5 string attribute.
using number_format::fixed_ascii;
using number_format::p_clause;

std::string make_verdict(const Summary& s) {
  const bool z_ok = s.reliability_p_value >= kVerdictAlpha;
  const bool attribution_tested = s.attribution.dof > 0;
  const bool attribution_ok = !attribution_tested || s.attribution.p_value >= kVerdictAlpha;
  if (z_ok && attribution_ok) {
    std::string text = "agrees with the analytic model (z = " + fixed_ascii(s.z_score, 2) + ", ";
    text += attribution_tested ? "attribution " + p_clause(s.attribution.p_value)
                               : std::string("attribution n/a");
    return text + ")";
  }
  std::string text = "DISAGREES with the analytic model: ";
  if (!z_ok) {
    text += "reliability z = " + fixed_ascii(s.z_score, 2) + " (exact binomial " +
            p_clause(s.reliability_p_value) + ")";
  }
  if (!attribution_ok) {
    if (!z_ok) text += "; ";
    text += "attribution chi-square = " + fixed_ascii(s.attribution.statistic, 2) + ", dof " +
            std::to_string(s.attribution.dof) + " (" + p_clause(s.attribution.p_value) + ")";
  }
  return text;
}

}  // namespace

Summary summarize(const ChainAnalytics& model, std::uint64_t requests,
                  std::vector<std::uint64_t> component_failures, double ci_level) {
  if (requests == 0) throw std::invalid_argument("summarize: requests must be > 0");
  if (component_failures.size() != model.size()) {
    throw std::invalid_argument("summarize: one failure count per component is required");
  }
  const std::uint64_t failures =
      std::accumulate(component_failures.begin(), component_failures.end(), std::uint64_t{0});
  if (failures > requests) throw std::invalid_argument("summarize: more failures than requests");

  Summary s;
  s.requests = requests;
  s.failures = failures;
  s.component_failures = std::move(component_failures);

  const double n = static_cast<double>(requests);
  s.expected_failures.reserve(model.size());
  for (double q : model.first_failure_probability()) s.expected_failures.push_back(n * q);

  // Empirical values from the integer counts; both are exact to one rounding.
  s.reliability_empirical = static_cast<double>(requests - failures) / n;
  s.unreliability_empirical = static_cast<double>(failures) / n;
  s.reliability_analytic = model.reliability();
  s.unreliability_analytic = model.unreliability();

  s.ci_level = ci_level;
  s.reliability_ci = wilson_interval(requests - failures, requests, ci_level);

  // z of the reliability, computed on the failure side where both proportions are small and
  // keep their digits: (R_hat - R) / sd = (u - u_hat) / sd, with the same sd sqrt(u(1-u)/n).
  // "0.0 -" rather than unary minus so that a perfect match prints as 0, not -0.
  s.z_score = 0.0 - binomial_z_score(failures, requests, s.unreliability_analytic);
  s.z_p_value = two_sided_normal_p_value(s.z_score);
  s.reliability_p_value = binomial_two_sided_p_value(failures, requests, s.unreliability_analytic);

  if (failures > 0) {
    s.attribution =
        chi_square_goodness_of_fit(s.component_failures, model.first_failure_probability());
  } else {
    s.attribution = ChiSquareResult{0, 0, std::numeric_limits<double>::quiet_NaN(), 0};
  }

  s.agrees = s.reliability_p_value >= kVerdictAlpha &&
             (s.attribution.dof == 0 || s.attribution.p_value >= kVerdictAlpha);
  s.verdict = make_verdict(s);

  s.nines_empirical = nines_of(s.unreliability_empirical);
  s.nines_analytic = nines_of(s.unreliability_analytic);
  s.dpmo_empirical = dpmo_of(s.unreliability_empirical);
  s.dpmo_analytic = dpmo_of(s.unreliability_analytic);
  s.sigma_empirical = sigma_level_of(s.unreliability_empirical);
  s.sigma_analytic = sigma_level_of(s.unreliability_analytic);
  return s;
}

}  // namespace nines
