#pragma once
// Importance measures of components (and common-cause events) for the service: which part,
// fixed, buys the most reliability. Definitions on the service unreliability U (the weighted
// mix, retries and common causes included), with U+ = U when the element is perfect (a
// component's own calls always succeed; an event never fires) and U- = U when it always fails
// (always fires) (Rausand & Hoyland, "System Reliability Theory", ch. 6; RAW/RRW as in
// NUREG/CR-5485):
//   Birnbaum               B   = U- - U+      (with retries, a difference, not dU/dq)
//   criticality            C   = P(element failed and was critical | request failed), below
//   Fussell-Vesely         FV  = (U - U+) / U (the share of failures that disappear if perfect)
//   risk achievement worth RAW = U- / U
//   risk reduction worth   RRW = U / U+      (infinite when the element is the only way to fail)
//   improvement potential  IP  = U - U+ = R(perfect) - R
//
// Criticality is a share of the failed requests, in [0, 1]. For a component: the request
// failed, and in its last attempt the component's own calls failed and were critical (that
// attempt would have succeeded had they succeeded). For an event, drawn once per request: it
// fired and was critical (the request would have succeeded had it not fired), p_e B / U.
// Without retries a component's criticality is the textbook q B / U, and equals FV. With
// retries q B / U is not a share (a component at 0.9 with one retry alone in series: U =
// 0.01, B = 1, q B / U = 10); the last-attempt share is 1 there, as it should be, while FV
// (all attempts) also stays a share.
//
// Analytic values come from StructureAnalytics (linear passes over each kind's diagram).
// Simulation estimates come from the common-random-numbers counterfactual counts of
// structure_sampler.hpp: per request, "fails even if j perfect" (F+) and "fails if j always
// fails" (F-), nested as F+ <= F <= F- request by request, so the counts are a multinomial
// over {F+, F and not F+, F- and not F, neither}. Differences of nested indicators are
// indicators: B and IP (and U+, U-) get Wilson intervals over the requests. The ratios are
// binomial shares given their denominator: given the f failures, the saved ones (F and not
// F+) are Binomial(f, FV), so FV gets a binomial interval on (f - f+) of f, RRW = 1 / (1 -
// FV) the transformed interval of f+ of f, and RAW = 1 / (U / U-) that of f of f-. The
// binomial interval is Wilson's with Brown, Cai & DasGupta's (2001) Poisson correction at 1 to
// 3 successes or failures, which removes Wilson's coverage dips when about 0.1 to 0.5
// successes are expected; it is never of zero width, and with no denominator it is [0, 1].
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

// The measures from U, U+, U- and P(request fails and the element was critical), the
// numerator of criticality. Ratios with a zero denominator are +inf when the numerator is
// positive and NaN when it is zero too.
ImportanceMeasures importance_measures(double u, double u_perfect, double u_failed,
                                       double p_critical);

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
  // Failed requests whose last attempt had the component's own calls failing, and would have
  // succeeded had they succeeded. Optional: when empty, the simulated criticality is NaN.
  // (Without retries it is F - F+ exactly.)
  std::vector<std::uint64_t> critical_last_attempt;
};

// The counts -> estimates, with intervals at ci_level.
std::vector<ImportanceEstimate> estimate_component_importance(const ImportanceCounts& counts,
                                                              double ci_level);
// The same; q (per-component unreliability) is no longer needed and is ignored.
inline std::vector<ImportanceEstimate> estimate_component_importance(
    const ImportanceCounts& counts, const std::vector<double>& /*q*/, double ci_level) {
  return estimate_component_importance(counts, ci_level);
}

// Interval for a binomial share successes/trials at `level`: Wilson's score interval, with
// the lower bound lowered to the Poisson bound gamma_p_inv(x, (1 - level) / 2) / trials at x
// = 1..3 successes (1..2 when trials <= 50), and the upper bound raised likewise at 1..3
// failures (Brown, Cai & DasGupta 2001, section 4.1.1). [0, 1] when trials == 0.
Interval share_interval(std::uint64_t successes, std::uint64_t trials, double level);

// Ratios of two nested counts, `part` of the requests counted in `whole` (part <= whole):
// the share part / whole with share_interval, and its reciprocal whole / part with the
// reciprocal interval [1 / high, 1 / low]. Values with a zero denominator are +inf for a
// positive numerator and NaN for 0 / 0; with whole = 0 the share interval is [0, 1] (no
// request informs it) and the reciprocal one [1, +inf].
struct RatioEstimate {
  double value, low, high;
};
RatioEstimate share_estimate(std::uint64_t part, std::uint64_t whole, double level);
RatioEstimate inverse_share_estimate(std::uint64_t part, std::uint64_t whole, double level);

}  // namespace nines
