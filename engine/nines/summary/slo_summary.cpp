#include "nines/summary/slo_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "nines/stats/quantile_histogram.hpp"
#include "nines/stats/statistics.hpp"

namespace nines {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

ShareInterval windows_met_share(long double met, long double met_squared, double windows,
                                std::uint64_t histories, double z) {
  const long double w = windows;
  const MeanCi m = mean_ci(met / w, met_squared / (w * w), histories, z);
  return {m.mean, std::max(0.0, m.low), std::min(1.0, m.high)};
}

PagedAtStartShare paged_at_start_share(const std::vector<std::uint64_t>& tally,
                                       const TimeTallyLayout::TwinMetTally& twin, std::size_t own,
                                       std::size_t own_squared, double windows,
                                       std::uint64_t histories, double z) {
  PagedAtStartShare o;
  o.present = true;
  const auto W = [&](std::size_t at) { return wide_value(tally.data() + at); };
  o.share_met = o.share_met_low = o.share_met_high = kNaN;
  o.difference = o.difference_low = o.difference_high = o.first_met = kNaN;
  if (!(windows > 0) || histories == 0) return o;
  const long double w = windows;
  const ShareInterval m =
      windows_met_share(W(twin.met), W(twin.met_squared), windows, histories, z);
  o.share_met = m.share;
  o.share_met_low = m.low;
  o.share_met_high = m.high;
  // Per history d = (own - twin) / w: sum d = (sum own - sum twin) / w, and
  // sum d^2 = (sum own^2 - 2 sum own twin + sum twin^2) / w^2.
  const long double sum = (W(own) - W(twin.met)) / w;
  const long double squares = (W(own_squared) - 2 * W(twin.cross) + W(twin.met_squared)) / (w * w);
  const MeanCi d = mean_ci(sum, squares, histories, z);
  o.difference = d.mean;
  o.difference_low = d.low;
  o.difference_high = d.high;
  o.first_met = static_cast<double>(tally[twin.first_met]) / static_cast<double>(histories);
  return o;
}

std::vector<SloObjectSummary> summarize_slos(const OutagePlan& plan, const TimeTallyLayout& l,
                                             const std::vector<std::uint64_t>& tally,
                                             double ci_level) {
  std::vector<SloObjectSummary> out;
  const StructureModel& model = *plan.model;
  const TimeModel& time = *model.time;
  const std::uint64_t n = tally[l.histories];
  const double z = two_sided_normal_quantile(ci_level);
  const auto W = [&](std::size_t at) { return wide_value(tally.data() + at); };
  for (std::size_t i = 0; i < time.slos.size(); ++i) {
    const SloObjective& slo = time.slos[i];
    const TimeTallyLayout::SloTally& t = l.slos[i];
    SloObjectSummary o;
    o.name = slo.name;
    o.scope = slo.kind ? model.kinds[*slo.kind].name : "mix";
    o.budgeting = to_string(slo.budgeting);
    o.windows = to_string(slo.objective.windows);
    o.target = slo.objective.target;
    o.window_seconds = slo.objective.window_seconds;
    const bool slices = slo.budgeting == SloBudgeting::timeslices;
    o.time_slice_target = slices ? slo.time_slice_target : kNaN;
    o.time_slice_seconds = slices ? slo.time_slice_seconds : kNaN;
    o.windows_per_history = plan.slos[i].windows.size();
    const double w = static_cast<double>(o.windows_per_history);
    o.share_met = o.share_met_low = o.share_met_high = kNaN;
    o.first_met = o.first_met_low = o.first_met_high = kNaN;
    if (w > 0 && n > 0) {
      const ShareInterval m = windows_met_share(W(t.met), W(t.met_squared), w, n, z);
      o.share_met = m.share;
      o.share_met_low = m.low;
      o.share_met_high = m.high;
      const std::uint64_t first = tally[t.first_met];
      o.first_met = static_cast<double>(first) / static_cast<double>(n);
      const Interval ci = wilson_interval(first, n, ci_level);
      o.first_met_low = ci.low;
      o.first_met_high = ci.high;
    }
    const long double total = W(t.total);
    o.good_share = total > 0 ? static_cast<double>(1 - W(t.bad) / total) : kNaN;
    if (!l.twin.empty())
      o.paged_at_start =
          paged_at_start_share(tally, l.twin[l.twin_slo_offset + i], t.met, t.met_squared, w, n, z);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace nines
