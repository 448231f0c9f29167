#pragma once
// Importance measures of components (and common-cause events) for the service: which part,
// fixed, buys the most reliability. Definitions on the service unreliability U (the weighted
// mix, retries and common causes included), with U+ = U when the element is perfect (a
// component's own calls always succeed; an event never fires), U- = U when it always fails
// (always fires), and q its own per-attempt failure probability (Rausand & Hoyland, "System
// Reliability Theory", ch. 6; RAW/RRW as in NUREG/CR-5485):
//   Birnbaum               B   = U- - U+      (with retries, a difference, not dU/dq)
//   criticality            C   = q B / U      (P(element failed and critical | failure) for one
//   attempt) Fussell-Vesely         FV  = (U - U+) / U (the share of failures that disappear if
//   perfect) risk achievement worth RAW = U- / U risk reduction worth   RRW = U / U+      (infinite
//   when the element is the only way to fail) improvement potential  IP  = U - U+ = R(perfect) - R
// Without retries U is linear in q, so FV equals C; with retries the two differ.
//
// Analytic values come from StructureAnalytics with the element's probability forced to 0 or
// 1. Simulation estimates come from the common-random-numbers counterfactual counts of
// structure_sampler.hpp: per request, "fails even if j perfect" (F+) and "fails if j always
// fails" (F-), nested as F+ <= F <= F- request by request. Differences of nested indicators are
// indicators, so B and IP get Wilson intervals; the ratios get delta-method intervals that use
// the joint counts the nesting gives.
#include <cstdint>
#include <vector>

#include "nines/exact/structure_analytics.hpp"
#include "nines/stats/statistics.hpp"

namespace nines {

struct ImportanceMeasures {
  double unreliability_if_perfect = 0;  // U+
  double unreliability_if_failed = 0;   // U-
  double birnbaum = 0;
  double criticality = 0;
  double fussell_vesely = 0;
  double raw = 0;
  double rrw = 0;
  double improvement_potential = 0;
};

// One measure estimated from a run, with its interval at the run's confidence level.
struct ImportanceEstimate {
  ImportanceMeasures value, low, high;
};

// The measures from U, U+, U- and q (shared by the analytic and simulated paths). Ratios with a
// zero denominator are +inf when the numerator is positive and NaN when it is zero too.
ImportanceMeasures importance_from(double u, double u_perfect, double u_failed, double q);

// Per model component / per common-cause event, in model order.
std::vector<ImportanceMeasures> analytic_component_importance(const StructureAnalytics& analytics);
std::vector<ImportanceMeasures> analytic_common_cause_importance(
    const StructureAnalytics& analytics);

// The service-level counterfactual counts of a run, per component.
struct ImportanceCounts {
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  std::vector<std::uint64_t> fail_if_perfect;  // F+
  std::vector<std::uint64_t> fail_if_failed;   // F-
};

// q per component (effective per-attempt unreliability) and the counts -> estimates.
std::vector<ImportanceEstimate> estimate_component_importance(const ImportanceCounts& counts,
                                                              const std::vector<double>& q,
                                                              double ci_level);

// Ratio a/b of two per-request indicator means with joint mean ab (all counts over n), with a
// delta-method interval: var = (s_a^2 - 2 R s_ab + R^2 s_b^2) / (n mu_b^2).
struct RatioEstimate {
  double value, low, high;
};
RatioEstimate ratio_estimate(std::uint64_t a, std::uint64_t b, std::uint64_t ab, std::uint64_t n,
                             double ci_level);

}  // namespace nines
