#include "nines/exact/importance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/math/special_functions/gamma.hpp>

namespace nines {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

double ratio(double a, double b) {
  if (b > 0) return a / b;
  return a > 0 ? kInf : kNaN;
}

double reciprocal(double x) {
  return x > 0 ? 1 / x : kInf;
}

}  // namespace

ImportanceMeasures importance_measures(double u, double u_perfect, double u_failed,
                                       double p_critical) {
  ImportanceMeasures m;
  m.unreliability_if_perfect = u_perfect;
  m.unreliability_if_failed = u_failed;
  // Rounding can leave -1e-18 where the exact difference is 0; the measures are non-negative.
  m.birnbaum = std::max(0.0, u_failed - u_perfect);
  m.improvement_potential = std::max(0.0, u - u_perfect);
  m.criticality = ratio(std::max(0.0, p_critical), u);
  m.fussell_vesely = ratio(m.improvement_potential, u);
  m.raw = ratio(u_failed, u);
  m.rrw = ratio(u, u_perfect);
  return m;
}

std::vector<ImportanceMeasures> analytic_component_importance(const StructureAnalytics& analytics) {
  const double u = analytics.unreliability();
  std::vector<ImportanceMeasures> out;
  for (std::size_t c = 0; c < analytics.unreliability_if_perfect().size(); ++c) {
    ImportanceMeasures m;
    m.unreliability_if_perfect = analytics.unreliability_if_perfect()[c];
    m.unreliability_if_failed = analytics.unreliability_if_failed()[c];
    // The two differences come computed on their own (no cancellation).
    m.birnbaum = analytics.birnbaum()[c];
    m.improvement_potential = analytics.improvement_potential()[c];
    m.criticality = ratio(analytics.critical_probability()[c], u);
    m.fussell_vesely = ratio(m.improvement_potential, u);
    m.raw = ratio(m.unreliability_if_failed, u);
    m.rrw = ratio(u, m.unreliability_if_perfect);
    out.push_back(m);
  }
  return out;
}

std::vector<ImportanceMeasures> analytic_common_cause_importance(
    const StructureAnalytics& analytics) {
  const StructureProbabilities& base = analytics.base();
  const double u = analytics.unreliability();
  std::vector<ImportanceMeasures> out;
  for (std::size_t e = 0; e < base.event_fires.size(); ++e) {
    const double never = analytics.unreliability_if_quiet()[e];
    const double always = analytics.unreliability_if_fires()[e];
    // Drawn once per request: P(fired and critical) = p_e (U(fires) - U(quiet)).
    out.push_back(
        importance_measures(u, never, always, base.event_fires[e] * std::max(0.0, always - never)));
  }
  return out;
}

Interval share_interval(std::uint64_t successes, std::uint64_t trials, double level) {
  if (successes > trials) throw std::invalid_argument("share_interval: successes > trials");
  if (!(level > 0 && level < 1)) throw std::invalid_argument("share_interval: level not in (0, 1)");
  if (trials == 0) return {0, 1};
  Interval out = wilson_interval(successes, trials, level);
  // Wilson's bound at x = 1 is near 0.18 / n where the exact one is near 0.025 / n, so its
  // coverage dips to ~0.90 when 0.1 to 0.5 successes are expected; the Poisson bound fixes it.
  const std::uint64_t small = trials <= 50 ? 2 : 3;
  const double tail = (1 - level) / 2;
  const double n = static_cast<double>(trials);
  const auto poisson_low = [&](std::uint64_t x) {
    return boost::math::gamma_p_inv(static_cast<double>(x), tail) / n;
  };
  if (successes >= 1 && successes <= small) out.low = std::min(out.low, poisson_low(successes));
  const std::uint64_t failures = trials - successes;
  if (failures >= 1 && failures <= small) out.high = std::max(out.high, 1 - poisson_low(failures));
  out.low = std::clamp(out.low, 0.0, 1.0);
  out.high = std::clamp(out.high, 0.0, 1.0);
  return out;
}

RatioEstimate share_estimate(std::uint64_t part, std::uint64_t whole, double level) {
  const Interval i = share_interval(part, whole, level);
  return {ratio(static_cast<double>(part), static_cast<double>(whole)), i.low, i.high};
}

RatioEstimate inverse_share_estimate(std::uint64_t part, std::uint64_t whole, double level) {
  const Interval i = share_interval(part, whole, level);
  return {ratio(static_cast<double>(whole), static_cast<double>(part)), reciprocal(i.high),
          reciprocal(i.low)};
}

std::vector<ImportanceEstimate> estimate_component_importance(const ImportanceCounts& counts,
                                                              double ci_level) {
  const std::uint64_t n = counts.requests;
  const std::uint64_t f = counts.failures;
  if (n == 0) throw std::invalid_argument("estimate_component_importance: no requests");
  const double nn = static_cast<double>(n);
  const bool have_critical = counts.critical_last_attempt.size() == counts.fail_if_perfect.size();
  std::vector<ImportanceEstimate> out;
  for (std::size_t c = 0; c < counts.fail_if_perfect.size(); ++c) {
    const std::uint64_t fp = std::min(counts.fail_if_perfect[c], f);
    const std::uint64_t ff = std::max(counts.fail_if_failed[c], f);
    ImportanceEstimate e;
    const auto over_requests = [&](std::uint64_t k, double& value, double& low, double& high) {
      const Interval i = wilson_interval(k, n, ci_level);
      value = static_cast<double>(k) / nn;
      low = i.low;
      high = i.high;
    };
    const auto set = [](double& value, double& low, double& high, RatioEstimate r) {
      value = r.value;
      low = r.low;
      high = r.high;
    };
    over_requests(fp, e.value.unreliability_if_perfect, e.low.unreliability_if_perfect,
                  e.high.unreliability_if_perfect);
    over_requests(ff, e.value.unreliability_if_failed, e.low.unreliability_if_failed,
                  e.high.unreliability_if_failed);
    // Nested indicators: F- minus F+ and F minus F+ count requests, so they are binomial.
    const std::uint64_t saved = f - fp;
    over_requests(ff - fp, e.value.birnbaum, e.low.birnbaum, e.high.birnbaum);
    over_requests(saved, e.value.improvement_potential, e.low.improvement_potential,
                  e.high.improvement_potential);
    // Given the failures, the saved ones are a binomial share (FV); F+ of F is 1 - FV, whose
    // reciprocal is RRW; F of F- is U / U-, whose reciprocal is RAW.
    set(e.value.fussell_vesely, e.low.fussell_vesely, e.high.fussell_vesely,
        share_estimate(saved, f, ci_level));
    set(e.value.rrw, e.low.rrw, e.high.rrw, inverse_share_estimate(fp, f, ci_level));
    set(e.value.raw, e.low.raw, e.high.raw, inverse_share_estimate(f, ff, ci_level));
    if (have_critical) {
      set(e.value.criticality, e.low.criticality, e.high.criticality,
          share_estimate(std::min(counts.critical_last_attempt[c], f), f, ci_level));
    } else {
      e.value.criticality = e.low.criticality = e.high.criticality = kNaN;
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace nines
