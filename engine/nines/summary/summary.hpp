#pragma once
// Everything a run concludes, computed in one place from the counts and the analytic model.
// The text table, the JSON and the HDF5 attributes all print from this struct.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nines/exact/chain_analytics.hpp"
#include "nines/stats/statistics.hpp"

namespace nines {

inline constexpr double kDefaultCiLevel = 0.95;
// Significance level of the verdict: the simulation "agrees" with the analytic model unless
// the exact binomial test of the failure count or the attribution chi-square test rejects at
// this level.
inline constexpr double kVerdictAlpha = 1e-3;

// How a run with --target-precision ended (stats/precision.hpp, run/checkpoints.hpp).
struct PrecisionOutcome {
  double target = 0;               // relative half-width of the unreliability's interval
  double achieved = 0;             // the same at the end (+inf without failures)
  bool reached = false;            // false: the cap came first
  std::uint64_t checkpoint = 0;    // checkpoints evaluated; the run ended at the last (from 1)
  std::uint64_t requests_cap = 0;  // -n: the most requests the run could take
  std::uint64_t requests_sampled = 0;
};

struct Summary {
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  std::vector<std::uint64_t> component_failures;  // observed first failures per component
  std::vector<double> expected_failures;          // requests * q_k

  double reliability_empirical = 0;
  double reliability_analytic = 0;
  double unreliability_empirical = 0;
  double unreliability_analytic = 0;
  double ci_level = kDefaultCiLevel;
  Interval reliability_ci;  // Wilson interval for the empirical reliability
  double z_score = 0;       // empirical vs analytic reliability
  double z_p_value = 1;     // normal approximation: P(|Z| >= |z|)
  // Exact two-sided binomial test of the failure count (binomial_two_sided_p_value): what the
  // verdict uses, as it stays right when only a few failures are expected.
  double reliability_p_value = 1;
  ChiSquareResult attribution;  // per-component attribution among failed requests

  bool agrees = true;
  std::string verdict;  // one line a person reads

  // Presentation units, analytic and empirical.
  double nines_empirical = 0, nines_analytic = 0;
  double dpmo_empirical = 0, dpmo_analytic = 0;
  double sigma_empirical = 0, sigma_analytic = 0;

  std::optional<PrecisionOutcome> precision;  // runs with --target-precision only
};

// requests > 0; component_failures.size() == model.size().
Summary summarize(const ChainAnalytics& model, std::uint64_t requests,
                  std::vector<std::uint64_t> component_failures, double ci_level = kDefaultCiLevel);

}  // namespace nines
