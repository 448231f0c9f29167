#pragma once
// Everything a structure run concludes, computed in one place from the integer tallies and the
// exact analytics: the format-1 comparison (Wilson CI, z-score, attribution chi-square) for every
// request kind and for the mix, the importance measures analytic and simulated, and one
// verdict. The text report, the JSON and the HDF5 file all print from this struct.
//
// Verdict: every kind with requests and the mix get a z-test of the reliability, and every
// attribution chi-square that can be formed (dof > 0) is a test too. With several tests the
// verdict uses Bonferroni's correction, rejecting at kVerdictAlpha / (number of tests), so the
// family-wise false-alarm rate stays at kVerdictAlpha (1e-3) however many kinds there are.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nines/exact/importance.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/sample/structure_sampler.hpp"
#include "nines/stats/statistics.hpp"
#include "nines/summary/summary.hpp"

namespace nines {

struct KindSummary {
  std::string name;
  double weight = 0;
  std::uint32_t retries = 0;
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  std::uint64_t attempts = 0;  // total attempts made by this kind's requests
  std::uint64_t retried = 0;   // requests that needed more than one attempt
  double expected_attempts = 1;
  double reliability_empirical = 0, reliability_analytic = 0;
  double unreliability_empirical = 0, unreliability_analytic = 0;
  Interval reliability_ci;
  double z_score = 0, z_p_value = 1;
  double reliability_p_value = 1;             // exact binomial test of the failures (the verdict's)
  ChiSquareResult attribution;                // over primary culprits
  std::vector<std::uint64_t> culprit_counts;  // per model component
  std::vector<double> expected_culprits;      // requests * P(fail, culprit = c)
};

// Failed requests by the exact set of common-cause events that fired (a bit set over the
// model's events), with the exact expectation.
struct FiredSetCount {
  std::uint64_t events = 0;  // bit e: event e fired
  std::uint64_t failures = 0;
  double expected_failures = 0;
};

struct StructureSummary {
  double ci_level = kDefaultCiLevel;
  std::vector<KindSummary> kinds;
  KindSummary mix;  // name "mix"; weight = the sum of weights
  // Per event: failed requests in which it fired (every event that was part of the failure,
  // whatever the file order), and the exact expectation n P(fail, event fired).
  std::vector<std::uint64_t> common_cause_failures;
  std::vector<double> expected_common_cause_failures;
  // Failed requests by the exact set of events that fired, over the kinds that count them
  // (kMaxTalliedEvents), every set with failures or a positive expectation; and Pearson's
  // chi-square of those counts against their exact distribution (a test of the verdict).
  std::vector<FiredSetCount> fired_sets;
  ChiSquareResult fired_set_attribution;
  std::vector<ImportanceMeasures> importance;               // analytic, per component
  std::vector<ImportanceEstimate> importance_simulated;     // empty unless --importance simulated
  std::vector<ImportanceMeasures> common_cause_importance;  // analytic, per event
  ImportanceCounts importance_counts;
  int tests = 0;          // hypothesis tests behind the verdict
  double test_alpha = 0;  // kVerdictAlpha / tests
  bool agrees = true;
  std::string verdict;
  double nines_empirical = 0, nines_analytic = 0;
  double dpmo_empirical = 0, dpmo_analytic = 0;
  double sigma_empirical = 0, sigma_analytic = 0;
  std::optional<PrecisionOutcome> precision;  // runs with --target-precision only
};

// tally is StructureSimulationResult::tally for `requests` requests (> 0).
StructureSummary summarize_structure(const StructureAnalytics& analytics,
                                     const StructureSampler& sampler, std::uint64_t requests,
                                     const std::vector<std::uint64_t>& tally,
                                     double ci_level = kDefaultCiLevel);

}  // namespace nines
