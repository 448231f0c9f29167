#include "nines/exact/importance.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nines {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

double ratio(double a, double b) {
  if (b > 0) return a / b;
  return a > 0 ? kInf : kNaN;
}

}  // namespace

ImportanceMeasures importance_from(double u, double u_perfect, double u_failed, double q) {
  ImportanceMeasures m;
  m.unreliability_if_perfect = u_perfect;
  m.unreliability_if_failed = u_failed;
  // Rounding can leave -1e-18 where the exact difference is 0; the measures are non-negative.
  m.birnbaum = std::max(0.0, u_failed - u_perfect);
  m.improvement_potential = std::max(0.0, u - u_perfect);
  m.criticality = ratio(q * m.birnbaum, u);
  m.fussell_vesely = ratio(m.improvement_potential, u);
  m.raw = ratio(u_failed, u);
  m.rrw = ratio(u, u_perfect);
  return m;
}

std::vector<ImportanceMeasures> analytic_component_importance(const StructureAnalytics& analytics) {
  const StructureProbabilities& base = analytics.base();
  const double u = analytics.unreliability();
  std::vector<ImportanceMeasures> out;
  for (std::size_t c = 0; c < base.component_up.size(); ++c) {
    StructureProbabilities p = base;
    p.component_up[c] = 1;
    p.component_down[c] = 0;
    const double perfect = analytics.mix_unreliability(p);
    p.component_up[c] = 0;
    p.component_down[c] = 1;
    const double failed = analytics.mix_unreliability(p);
    out.push_back(importance_from(u, perfect, failed, base.component_down[c]));
  }
  return out;
}

std::vector<ImportanceMeasures> analytic_common_cause_importance(
    const StructureAnalytics& analytics) {
  const StructureProbabilities& base = analytics.base();
  const double u = analytics.unreliability();
  std::vector<ImportanceMeasures> out;
  for (std::size_t e = 0; e < base.event_fires.size(); ++e) {
    StructureProbabilities p = base;
    p.event_fires[e] = 0;
    p.event_quiet[e] = 1;
    const double never = analytics.mix_unreliability(p);
    p.event_fires[e] = 1;
    p.event_quiet[e] = 0;
    const double always = analytics.mix_unreliability(p);
    out.push_back(importance_from(u, never, always, base.event_fires[e]));
  }
  return out;
}

RatioEstimate ratio_estimate(std::uint64_t a, std::uint64_t b, std::uint64_t ab, std::uint64_t n,
                             double ci_level) {
  if (n == 0) throw std::invalid_argument("ratio_estimate: n must be > 0");
  if (b == 0) return {a > 0 ? kInf : kNaN, kNaN, kNaN};
  const double nn = static_cast<double>(n);
  const double ma = static_cast<double>(a) / nn, mb = static_cast<double>(b) / nn;
  const double mab = static_cast<double>(ab) / nn;
  const double r = ma / mb;
  const double var =
      (ma * (1 - ma) - 2 * r * (mab - ma * mb) + r * r * mb * (1 - mb)) / (nn * mb * mb);
  const double half = two_sided_normal_quantile(ci_level) * std::sqrt(std::max(0.0, var));
  return {r, std::max(0.0, r - half), r + half};
}

std::vector<ImportanceEstimate> estimate_component_importance(const ImportanceCounts& counts,
                                                              const std::vector<double>& q,
                                                              double ci_level) {
  const std::uint64_t n = counts.requests;
  const std::uint64_t f = counts.failures;
  const double nn = static_cast<double>(n);
  std::vector<ImportanceEstimate> out;
  for (std::size_t c = 0; c < counts.fail_if_perfect.size(); ++c) {
    const std::uint64_t fp = counts.fail_if_perfect[c], ff = counts.fail_if_failed[c];
    ImportanceEstimate e;
    e.value = importance_from(static_cast<double>(f) / nn, static_cast<double>(fp) / nn,
                              static_cast<double>(ff) / nn, q[c]);
    const auto wilson = [&](std::uint64_t k, double& value, double& low, double& high) {
      const Interval i = wilson_interval(k, n, ci_level);
      value = static_cast<double>(k) / nn;
      low = i.low;
      high = i.high;
    };
    wilson(fp, e.value.unreliability_if_perfect, e.low.unreliability_if_perfect,
           e.high.unreliability_if_perfect);
    wilson(ff, e.value.unreliability_if_failed, e.low.unreliability_if_failed,
           e.high.unreliability_if_failed);
    // Nested indicators: F- minus F+ and F minus F+ count requests, so they are binomial.
    const std::uint64_t critical = ff >= fp ? ff - fp : 0;
    const std::uint64_t saved = f >= fp ? f - fp : 0;
    wilson(critical, e.value.birnbaum, e.low.birnbaum, e.high.birnbaum);
    wilson(saved, e.value.improvement_potential, e.low.improvement_potential,
           e.high.improvement_potential);
    const auto set = [](double& value, double& low, double& high, RatioEstimate r) {
      value = r.value;
      low = r.low;
      high = r.high;
    };
    // Joint counts from the nesting F+ <= F <= F-: critical AND failed = saved.
    set(e.value.fussell_vesely, e.low.fussell_vesely, e.high.fussell_vesely,
        ratio_estimate(saved, f, saved, n, ci_level));
    set(e.value.raw, e.low.raw, e.high.raw, ratio_estimate(ff, f, f, n, ci_level));
    set(e.value.rrw, e.low.rrw, e.high.rrw, ratio_estimate(f, fp, fp, n, ci_level));
    RatioEstimate crit = ratio_estimate(critical, f, saved, n, ci_level);
    set(e.value.criticality, e.low.criticality, e.high.criticality,
        {q[c] * crit.value, q[c] * crit.low, q[c] * crit.high});
    out.push_back(e);
  }
  return out;
}

}  // namespace nines
