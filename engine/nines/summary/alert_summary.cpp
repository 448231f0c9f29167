#include "nines/summary/alert_summary.hpp"

#include <cmath>
#include <limits>
#include <span>

#include "nines/stats/quantile_histogram.hpp"
#include "nines/stats/statistics.hpp"

namespace nines {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

std::vector<AlertPolicySummary> summarize_alerts(const OutagePlan& plan, const TimeTallyLayout& l,
                                                 const std::vector<std::uint64_t>& tally,
                                                 double ci_level) {
  std::vector<AlertPolicySummary> out;
  const StructureModel& model = *plan.model;
  const TimeModel& time = *model.time;
  const std::uint64_t n = tally[l.histories];
  const double years = plan.horizon / kSecondsPerYear * static_cast<double>(n);
  const double z = two_sided_normal_quantile(ci_level);
  const auto W = [&](std::size_t at) {
    return static_cast<std::uint64_t>(wide_total(tally.data() + at));
  };
  const auto names = [&](const std::vector<std::uint32_t>& cs) {
    std::vector<std::string> v;
    for (const std::uint32_t c : cs) v.push_back(model.components[c].name);
    return v;
  };
  for (std::size_t p = 0; p < time.alerting.size(); ++p) {
    const AlertPolicy& policy = time.alerting[p];
    AlertPolicySummary ps;
    ps.name = policy.name;
    ps.scope = policy.kind ? model.kinds[*policy.kind].name : "mix";
    ps.slice_seconds = policy.slice_seconds;
    ps.needs = names(policy.needs_components);
    ps.delivery = names(policy.delivery_components);
    ps.outages = W(l.alert_outages[p]);
    ps.outages_per_year = years > 0 ? static_cast<double>(ps.outages) / years : kNaN;
    for (std::size_t r = 0; r < l.alert_rows[p].size(); ++r) {
      const TimeTallyLayout::AlertRowTally& t = l.alert_rows[p][r];
      AlertRuleSummary row;
      row.combined = r == policy.rules.size();
      if (row.combined) {
        row.name = "any page";
        row.severity = "page";
        row.burn_rate = row.threshold = row.long_seconds = row.short_seconds = kNaN;
      } else {
        const AlertRule& rule = policy.rules[r];
        row.name = rule.name;
        row.severity = to_string(rule.severity);
        row.burn_rate = rule.burn_rate > 0 ? rule.burn_rate : kNaN;
        row.threshold = rule.threshold;
        row.long_seconds = rule.long_slices * policy.slice_seconds;
        row.short_seconds = rule.short_slices * policy.slice_seconds;
      }
      row.firings = W(t.firings);
      row.delivered = W(t.delivered);
      row.noise = W(t.noise);
      row.outages_paged = W(t.outages_paged);
      const double per_history_years = plan.horizon / kSecondsPerYear;
      row.firings_per_year = years > 0 ? static_cast<double>(row.firings) / years : kNaN;
      row.firings_ci_low = row.firings_ci_high = kNaN;
      if (n >= 2) {
        const MeanCi m = mean_ci(wide_value(tally.data() + t.firings),
                                 wide_value(tally.data() + t.firings_squared), n, z);
        row.firings_ci_low = std::max(0.0, m.low / per_history_years);
        row.firings_ci_high = m.high / per_history_years;
      }
      row.delivered_share =
          row.firings > 0 ? static_cast<double>(row.delivered) / static_cast<double>(row.firings)
                          : kNaN;
      row.noise_per_year = years > 0 ? static_cast<double>(row.noise) / years : kNaN;
      if (row.firings > 0) {
        const std::uint64_t about = row.firings - row.noise;
        row.precision = static_cast<double>(about) / static_cast<double>(row.firings);
        const Interval ci = wilson_interval(about, row.firings, ci_level);
        row.precision_ci_low = ci.low;
        row.precision_ci_high = ci.high;
      } else {
        row.precision = row.precision_ci_low = row.precision_ci_high = kNaN;
      }
      if (ps.outages > 0) {
        row.recall = static_cast<double>(row.outages_paged) / static_cast<double>(ps.outages);
        const Interval ci = wilson_interval(row.outages_paged, ps.outages, ci_level);
        row.recall_ci_low = ci.low;
        row.recall_ci_high = ci.high;
      } else {
        row.recall = row.recall_ci_low = row.recall_ci_high = kNaN;
      }
      const std::span<const std::uint64_t> ttp(tally.data() + t.time_to_page_bins,
                                               QuantileBins::size());
      const std::span<const std::uint64_t> budget(tally.data() + t.budget_bins,
                                                  QuantileBins::size());
      row.time_to_page_mean = row.outages_paged > 0
                                  ? static_cast<double>(W(t.time_to_page_ms)) / 1000 /
                                        static_cast<double>(row.outages_paged)
                                  : kNaN;
      row.time_to_page_p50 = QuantileBins::quantile(ttp, 0.5);
      row.time_to_page_p95 = QuantileBins::quantile(ttp, 0.95);
      const std::uint64_t budget_count = W(t.budget_count);
      row.budget_mean = budget_count > 0 ? static_cast<double>(W(t.budget_nano)) / 1e9 /
                                               static_cast<double>(budget_count)
                                         : kNaN;
      row.budget_p50 = QuantileBins::quantile(budget, 0.5);
      row.budget_p95 = QuantileBins::quantile(budget, 0.95);
      for (std::size_t h = 0; h < 24; ++h)
        row.noise_by_hour_per_year[h] =
            years > 0 ? static_cast<double>(tally[t.noise_by_hour + h]) / years : kNaN;
      ps.rows.push_back(std::move(row));
    }
    out.push_back(std::move(ps));
  }
  return out;
}

}  // namespace nines
