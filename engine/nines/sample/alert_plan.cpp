// The per-run part of alert evaluation (sample/alert_evaluator.hpp): each policy's scope,
// quiet error probability and budget, and per rule the slice ends where the quiet bound does
// not hold; and the Chernoff exponent of that bound.
#include <cmath>
#include <limits>

#include "nines/sample/alert_evaluator.hpp"
#include "nines/sample/slice_ranges.hpp"

namespace nines {
namespace {
using namespace slice_ranges;
}  // namespace

double quiet_exponent(double p, double threshold) noexcept {
  if (!(threshold > p) || p <= 0) return p <= 0 ? -std::numeric_limits<double>::infinity() : 0;
  const double s = std::log(threshold * (1 - p) / (p * (1 - threshold)));
  const double g = p * std::expm1(s * (1 - threshold)) + (1 - p) * std::expm1(-s * threshold);
  return std::min(g, 0.0);
}

double fire_exponent(double a, double b, double threshold) noexcept {
  const double t = threshold;
  // P(F (1 - t) - t G > 0) <= E exp(s (F (1 - t) - t G)) for s >= 0, least at
  // e^s = t b / ((1 - t) a) when that exceeds 1.
  if (!(a > 0)) return -std::numeric_limits<double>::infinity();
  if (!(t * b > (1 - t) * a)) return 0;
  const double s = std::log(t * b / ((1 - t) * a));
  return std::min(0.0, a * std::expm1(s * (1 - t)) + b * std::expm1(-s * t));
}

double miss_exponent(double a, double b, double threshold) noexcept {
  const double t = threshold;
  // P(t G - (1 - t) F >= 0) <= E exp(s (t G - (1 - t) F)), least at e^s = a (1 - t) / (t b).
  if (!(b > 0)) return -a;  // F = 0, the only way not to fire, has probability e^-a
  if (!((1 - t) * a > t * b)) return 0;
  const double s = std::log((1 - t) * a / (t * b));
  return std::min(0.0, a * std::expm1(-s * (1 - t)) + b * std::expm1(s * t));
}

// ---- the per-run plan ----

AlertPlan::AlertPlan(const StructureModel& model, const std::vector<double>& kind_share,
                     const std::vector<double>& base_unreliability, double horizon) {
  const TimeModel& time = *model.time;
  const std::size_t kinds = model.kinds.size();
  watched.assign(model.components.size(), 0);
  specs = time.alerting;
  user_policies = specs.size();
  for (const SloObjective& slo : time.slos) {
    if (slo.budgeting != SloBudgeting::timeslices) {
      slo_spec.push_back(static_cast<std::uint32_t>(-1));
      continue;
    }
    slo_spec.push_back(static_cast<std::uint32_t>(specs.size()));
    AlertPolicy spec;
    spec.name = slo.name;
    spec.slice_seconds = slo.time_slice_seconds;
    spec.kind = slo.kind;
    AlertRule bad;
    bad.name = "bad-slice";
    bad.severity = AlertSeverity::ticket;
    bad.threshold = 1 - slo.time_slice_target;
    bad.long_slices = 1;
    spec.rules.push_back(bad);
    specs.push_back(std::move(spec));
  }
  any = !specs.empty();
  for (const ComponentTiming& c : time.components)
    detects = detects || (c.outages && c.detection.by_alert());
  const TrafficProfile& traffic = time.traffic;
  const double log_bound = std::log(kQuietFiringBound);
  for (const AlertPolicy& policy : specs) {
    for (const std::uint32_t c : policy.needs_components) watched[c] = 1;
    for (const std::uint32_t c : policy.delivery_components) watched[c] = 1;
    AlertPolicyPlan pp;
    pp.scope = policy.kind ? *policy.kind : static_cast<std::uint32_t>(kinds);
    pp.kind_weight.assign(kinds, 0);
    pp.scope_share = policy.kind ? kind_share[*policy.kind] : 1.0;
    for (std::size_t k = 0; k < kinds; ++k)
      if (!policy.kind || *policy.kind == k) pp.kind_weight[k] = kind_share[k] / pp.scope_share;
    for (std::size_t k = 0; k < kinds; ++k) pp.quiet_p += pp.kind_weight[k] * base_unreliability[k];
    pp.slice = policy.slice_seconds;
    pp.slices = static_cast<std::uint64_t>(std::ceil(horizon / pp.slice));
    if (time.slo)
      pp.budget_requests = (1 - time.slo->target) * traffic.rate_per_second * pp.scope_share *
                           time.slo->window_seconds;
    // Expected scope requests up to each slice end, over the first windows and one period of
    // the traffic profile; the pattern of unsafe ends repeats with the period after that.
    std::uint64_t widest = 0;
    for (const AlertRule& r : policy.rules) widest = std::max<std::uint64_t>(widest, r.long_slices);
    const double period_seconds = traffic.daily_declared ? 7 * kSecondsPerDay : kSecondsPerDay;
    const auto period = static_cast<std::uint64_t>(std::llround(period_seconds / pp.slice));
    const std::uint64_t explicit_ends = std::min(pp.slices, widest + period);
    std::vector<double> cumulative(explicit_ends + 1, 0.0);
    for (std::uint64_t e = 1; e <= explicit_ends; ++e)
      cumulative[e] = cumulative[e - 1] +
                      pp.scope_share * traffic.arrivals_between(
                                           static_cast<double>(e - 1) * pp.slice,
                                           std::min(horizon, static_cast<double>(e) * pp.slice));
    for (const AlertRule& rule : policy.rules) {
      AlertRulePlan rp;
      rp.threshold = rule.threshold;
      rp.long_slices = rule.long_slices;
      rp.short_slices = rule.short_slices > 0 ? rule.short_slices : rule.long_slices;
      const double g = quiet_exponent(pp.quiet_p, rule.threshold);
      // A window holding fewer expected requests than this may fire on transient failures
      // alone with a probability above kQuietFiringBound.
      const double needed =
          g < 0 ? (std::isinf(g) ? 0.0 : log_bound / g) : std::numeric_limits<double>::infinity();
      const auto requests = [&](std::uint64_t e, std::uint64_t w) {
        return cumulative[e] - cumulative[e > w ? e - w : 0];
      };
      const auto unsafe_ranges = [&](std::uint64_t w) {
        Ranges pattern;
        for (std::uint64_t e = 1; e <= explicit_ends; ++e)
          if (!(requests(e, w) >= needed)) append(pattern, e, e);
        if (explicit_ends == pp.slices) return pattern;
        // Repeat the last period's pattern to the end of the horizon.
        const std::uint64_t first = explicit_ends - period + 1;
        Ranges tail;
        for (const auto& x : pattern)
          if (x[1] >= first) tail.push_back({std::max(x[0], first), x[1]});
        Ranges out = pattern;
        for (std::uint64_t shift = period; first + shift <= pp.slices; shift += period)
          for (const auto& x : tail) {
            if (x[0] + shift > pp.slices) break;
            append(out, x[0] + shift, std::min(pp.slices, x[1] + shift));
          }
        return out;
      };
      rp.unsafe_short = unsafe_ranges(rp.short_slices);
      rp.unsafe_long = unsafe_ranges(rp.long_slices);
      // The bound the skipped ends add up to: each quiet end's smaller bound.
      if (std::isfinite(needed) && needed > 0) {
        double pattern_sum = 0, period_sum = 0;
        for (std::uint64_t e = 1; e <= explicit_ends; ++e) {
          const double n = std::max(requests(e, rp.short_slices), requests(e, rp.long_slices));
          const double b = n >= needed ? std::exp(n * g) : 0.0;
          pattern_sum += b;
          if (e + period > explicit_ends) period_sum += b;
        }
        double total = pattern_sum;
        if (explicit_ends < pp.slices)
          total += period_sum * static_cast<double>(pp.slices - explicit_ends) /
                   static_cast<double>(period);
        missed_firing_bound += total;
      }
      missed_firing_bound += kSureDecisionBound * static_cast<double>(pp.slices);
      pp.rules.push_back(std::move(rp));
    }
    policies.push_back(std::move(pp));
  }
}

}  // namespace nines
