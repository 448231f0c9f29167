#include "nines/sample/time_tally.hpp"

#include <cmath>

#include "nines/stats/quantile_histogram.hpp"

namespace nines {

TimeTallyLayout::TimeTallyLayout(const OutagePlan& plan) {
  std::size_t at = 0;
  const auto plain = [&]() { return at++; };
  const auto wide = [&]() {
    const std::size_t here = at;
    at += kWideEntries;
    return here;
  };
  histories = plain();
  outages = wide();
  outages_squared = wide();
  detected = wide();
  repaired = wide();
  detect_ms = wide();
  repair_ms = wide();
  downtime_ms = wide();
  downtime_ms_squared = wide();
  requests = wide();
  failed = wide();
  failed_outage = wide();
  requests_squared = wide();
  failed_squared = wide();
  failed_times_requests = wide();
  met_time = wide();
  met_time_squared = wide();
  met_requests = wide();
  met_requests_squared = wide();
  first_met_time = plain();
  first_met_requests = plain();
  kinds = at;
  at += plan.kinds * kPerKind * kWideEntries;
  processes = at;
  at += (plan.components + plan.events) * kPerProcess * kWideEntries;
  histograms = at;
  at += kHistoryMetrics * QuantileBins::size();
  for (std::size_t pi = 0; pi < plan.alerts.user_policies; ++pi) {
    const AlertPolicyPlan& policy = plan.alerts.policies[pi];
    alert_outages.push_back(wide());
    std::vector<AlertRowTally> rows(policy.rules.size() + 1);
    for (AlertRowTally& r : rows) {
      r.firings = wide();
      r.firings_squared = wide();
      r.delivered = wide();
      r.noise = wide();
      r.outages_paged = wide();
      r.time_to_page_ms = wide();
      r.budget_nano = wide();
      r.budget_count = wide();
      r.noise_by_hour = at;
      at += 24;
      r.time_to_page_bins = at;
      at += QuantileBins::size();
      r.budget_bins = at;
      at += QuantileBins::size();
    }
    alert_rows.push_back(std::move(rows));
  }
  for (std::size_t i = 0; i < plan.slos.size(); ++i) {
    SloTally t;
    t.met = wide();
    t.met_squared = wide();
    t.bad = wide();
    t.total = wide();
    t.first_met = plain();
    slos.push_back(t);
  }
  if (plan.alerts.detects) {
    const std::size_t measures = (plan.windows.empty() ? 0 : 2) + plan.slos.size();
    twin_slo_offset = plan.windows.empty() ? 0 : 2;
    for (std::size_t i = 0; i < measures; ++i) {
      TwinMetTally t;
      t.met = wide();
      t.met_squared = wide();
      t.cross = wide();
      t.first_met = plain();
      twin.push_back(t);
    }
  }
  size = at;
}

std::size_t TimeTallyLayout::histogram(HistoryMetric m) const noexcept {
  return histograms + static_cast<std::size_t>(m) * QuantileBins::size();
}

std::uint64_t whole_milliseconds(double seconds) noexcept {
  if (!(seconds > 0)) return 0;
  return static_cast<std::uint64_t>(std::llround(seconds * 1000));
}

void add_history(const TimeTallyLayout& l, const OutagePlan& plan, const HistoryResult& h,
                 std::uint64_t* tally) {
  using u128 = Uint128;
  const auto wide = [&](std::size_t at, u128 v) { add_wide(tally + at, v); };
  const auto count = [&](HistoryMetric m, double value) {
    if (!std::isnan(value)) ++tally[l.histogram(m) + QuantileBins::bin(value)];
  };
  const double years = plan.horizon / kSecondsPerYear;
  ++tally[l.histories];
  wide(l.outages, h.outages);
  wide(l.outages_squared, u128{h.outages} * h.outages);
  wide(l.detected, h.detected);
  wide(l.repaired, h.repaired);
  wide(l.detect_ms, whole_milliseconds(h.detect_time));
  wide(l.repair_ms, whole_milliseconds(h.repair_time));
  const std::uint64_t down = whole_milliseconds(h.downtime);
  wide(l.downtime_ms, down);
  wide(l.downtime_ms_squared, u128{down} * down);
  const std::uint64_t requests = h.requests(), failed = h.failed();
  wide(l.requests, requests);
  wide(l.failed, failed);
  wide(l.failed_outage, h.failed_outage());
  wide(l.requests_squared, u128{requests} * requests);
  wide(l.failed_squared, u128{failed} * failed);
  wide(l.failed_times_requests, u128{failed} * requests);
  wide(l.met_time, h.windows_met_time);
  wide(l.met_time_squared, u128{h.windows_met_time} * h.windows_met_time);
  wide(l.met_requests, h.windows_met_requests);
  wide(l.met_requests_squared, u128{h.windows_met_requests} * h.windows_met_requests);
  if (!h.window_met_time.empty()) {
    tally[l.first_met_time] += h.window_met_time[0];
    tally[l.first_met_requests] += h.window_met_requests[0];
  }
  for (std::size_t k = 0; k < plan.kinds; ++k) {
    const std::uint64_t kd = whole_milliseconds(h.kind_downtime[k]);
    wide(l.kind(k, 0), kd);
    wide(l.kind(k, 1), u128{kd} * kd);
    wide(l.kind(k, 2), h.kind_requests[k]);
    wide(l.kind(k, 3), h.kind_failed[k]);
    wide(l.kind(k, 4), h.kind_failed_outage[k]);
  }
  const std::size_t processes = plan.components + plan.events;
  for (std::size_t p = 0; p < processes; ++p) {
    if (h.process_outages[p] == 0 && h.process_downtime[p] == 0 && h.budget_time[p] == 0 &&
        h.budget_detection_time[p] == 0 && h.budget_requests[p] == 0)
      continue;
    wide(l.process(p, 0), h.process_outages[p]);
    const std::uint64_t own = whole_milliseconds(h.process_downtime[p]);
    wide(l.process(p, 1), own);
    wide(l.process(p, 9), u128{own} * own);
    wide(l.process(p, 2), whole_milliseconds(h.process_detect_time[p]));
    wide(l.process(p, 3), h.process_detected[p]);
    wide(l.process(p, 4), whole_milliseconds(h.process_repair_time[p]));
    wide(l.process(p, 5), h.process_repaired[p]);
    wide(l.process(p, 6), whole_milliseconds(h.budget_time[p]));
    wide(l.process(p, 7), whole_milliseconds(h.budget_detection_time[p]));
    wide(l.process(p, 8), h.budget_requests[p]);
  }
  count(HistoryMetric::downtime_per_year, h.downtime / years);
  count(HistoryMetric::unavailability,
        requests > 0 ? static_cast<double>(failed) / static_cast<double>(requests) : 0.0);
  count(HistoryMetric::outages_per_year, static_cast<double>(h.outages) / years);
  if (h.detected > 0)
    count(HistoryMetric::mean_time_to_detect, h.detect_time / static_cast<double>(h.detected));
  if (h.repaired > 0)
    count(HistoryMetric::mean_time_to_repair, h.repair_time / static_cast<double>(h.repaired));
  count(HistoryMetric::failed_requests_per_year, static_cast<double>(failed) / years);
  count(HistoryMetric::uptime_per_year, (plan.horizon - h.downtime) / years);
  count(HistoryMetric::served,
        requests > 0 ? 1 - static_cast<double>(failed) / static_cast<double>(requests) : 1.0);
  for (std::size_t p = 0; p < l.alert_rows.size(); ++p) {
    wide(l.alert_outages[p], h.alerts.outages[p]);
    for (std::size_t r = 0; r < l.alert_rows[p].size(); ++r) {
      const TimeTallyLayout::AlertRowTally& t = l.alert_rows[p][r];
      const AlertRow& row = h.alerts.rows[p][r];
      wide(t.firings, row.firings);
      wide(t.firings_squared, u128{row.firings} * row.firings);
      wide(t.delivered, row.delivered);
      wide(t.noise, row.noise);
      wide(t.outages_paged, row.outages_paged);
      for (const double x : row.time_to_page) {
        wide(t.time_to_page_ms, whole_milliseconds(x));
        ++tally[t.time_to_page_bins + QuantileBins::bin(x)];
      }
      for (const double x : row.budget_at_firing) {
        wide(t.budget_nano, static_cast<std::uint64_t>(std::llround(std::max(0.0, x) * 1e9)));
        wide(t.budget_count, 1);
        ++tally[t.budget_bins + QuantileBins::bin(x)];
      }
      for (std::size_t hour = 0; hour < 24; ++hour)
        tally[t.noise_by_hour + hour] += row.noise_by_hour[hour];
    }
  }
  for (std::size_t i = 0; i < l.slos.size(); ++i) {
    const TimeTallyLayout::SloTally& t = l.slos[i];
    const SloHistory& slo = h.slos[i];
    wide(t.met, slo.windows_met);
    wide(t.met_squared, u128{slo.windows_met} * slo.windows_met);
    u128 bad = 0, total = 0;
    for (std::size_t w = 0; w < slo.bad.size(); ++w) {
      bad += slo.bad[w];
      total += slo.total[w];
    }
    wide(t.bad, bad);
    wide(t.total, total);
    if (!slo.met.empty()) tally[t.first_met] += slo.met[0];
  }
}

void add_twin_history(const TimeTallyLayout& l, const HistoryResult& h, const HistoryResult& twin,
                      std::uint64_t* tally) {
  using u128 = Uint128;
  const auto add = [&](const TimeTallyLayout::TwinMetTally& t, std::uint32_t own,
                       std::uint32_t other, const std::vector<std::uint8_t>& other_met) {
    add_wide(tally + t.met, other);
    add_wide(tally + t.met_squared, u128{other} * other);
    add_wide(tally + t.cross, u128{own} * other);
    if (!other_met.empty()) tally[t.first_met] += other_met[0];
  };
  if (l.twin_slo_offset == 2) {
    add(l.twin[0], h.windows_met_time, twin.windows_met_time, twin.window_met_time);
    add(l.twin[1], h.windows_met_requests, twin.windows_met_requests, twin.window_met_requests);
  }
  for (std::size_t i = 0; i < h.slos.size() && l.twin_slo_offset + i < l.twin.size(); ++i)
    add(l.twin[l.twin_slo_offset + i], h.slos[i].windows_met, twin.slos[i].windows_met,
        twin.slos[i].met);
}

}  // namespace nines
