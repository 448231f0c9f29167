#include "nines/summary/time_summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>
#include <tuple>

#include "nines/base/number_format.hpp"
#include "nines/stats/quantile_histogram.hpp"

namespace nines {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// z and two-sided p of an estimate against an exact value; an estimate with no spread agrees
// only when it equals the value.
std::pair<double, double> z_test(double estimate, double se, double exact) {
  if (!(se > 0)) {
    const bool same = std::fabs(estimate - exact) <= 1e-12;
    return {same ? 0.0 : std::numeric_limits<double>::infinity(), same ? 1.0 : 0.0};
  }
  const double z = (estimate - exact) / se;
  return {z, two_sided_normal_p_value(z)};
}

}  // namespace

const MetricSummary& TimeSummary::metric(const std::string& name) const {
  for (const MetricSummary& m : metrics)
    if (m.metric == name) return m;
  throw std::out_of_range("no metric " + name);
}

TimeSummary summarize_time(const OutagePlan& plan, const TimeTallyLayout& l,
                           const std::vector<std::uint64_t>& tally, const TimeExactValues& exact,
                           double ci_level) {
  if (tally.size() != l.size) throw std::invalid_argument("summarize_time: tally size");
  const StructureModel& model = *plan.model;
  const TimeModel& time = *model.time;
  const double z = two_sided_normal_quantile(ci_level);
  const auto W = [&](std::size_t at) { return wide_value(tally.data() + at); };
  const auto histogram = [&](HistoryMetric m) {
    return std::span<const std::uint64_t>(tally.data() + l.histogram(m), QuantileBins::size());
  };
  const auto q = [&](HistoryMetric m, double p) { return QuantileBins::quantile(histogram(m), p); };

  TimeSummary s;
  s.ci_level = ci_level;
  s.histories = tally[l.histories];
  s.horizon = plan.horizon;
  const std::uint64_t n = s.histories;
  const double years = plan.horizon / kSecondsPerYear;
  const long double nn = n > 0 ? static_cast<long double>(n) : 1;
  const bool steady = time.start == StartState::steady;
  s.requests = static_cast<std::uint64_t>(W(l.requests));
  s.failed = static_cast<std::uint64_t>(W(l.failed));
  s.failed_outage = static_cast<std::uint64_t>(W(l.failed_outage));
  s.outages = static_cast<std::uint64_t>(W(l.outages));

  // ---- distributions over histories ----
  const MeanCi down = mean_ci(W(l.downtime_ms) / 1000, W(l.downtime_ms_squared) / 1e6, n, z);
  {
    MetricSummary m{"time_availability",
                    "",
                    1 - down.mean / plan.horizon,
                    std::max(0.0, 1 - down.high / plan.horizon),
                    std::min(1.0, 1 - down.low / plan.horizon),
                    0,
                    0,
                    0};
    // From the smaller of downtime and uptime, whose bins' relative error is then the smaller.
    const bool mostly_up = !(m.mean < 0.5);
    const auto a = [&](double p) {
      return mostly_up ? 1 - q(HistoryMetric::downtime_per_year, 1 - p) / kSecondsPerYear
                       : q(HistoryMetric::uptime_per_year, p) / kSecondsPerYear;
    };
    m.p05 = a(0.05);
    m.p50 = a(0.5);
    m.p95 = a(0.95);
    s.metrics.push_back(m);
  }
  {
    // Pooled over histories: 1 - sum failed / sum requests, with the ratio estimator's
    // delta-method interval.
    MetricSummary m{"request_availability", "", kNaN, kNaN, kNaN, 0, 0, 0};
    const long double requests = W(l.requests), failed = W(l.failed);
    if (requests > 0) {
      const long double r = failed / requests;
      m.mean = static_cast<double>(1 - r);
      if (n >= 2) {
        long double var = (W(l.failed_squared) - 2 * r * W(l.failed_times_requests) +
                           r * r * W(l.requests_squared)) /
                          (nn - 1);
        if (var < 0) var = 0;
        const long double mean_requests = requests / nn;
        const double se = static_cast<double>(std::sqrt(var / nn) / mean_requests);
        m.ci_low = std::max(0.0, m.mean - z * se);
        m.ci_high = std::min(1.0, m.mean + z * se);
      }
    }
    const bool mostly_served = !(m.mean < 0.5);
    const auto a = [&](double p) {
      return mostly_served ? 1 - q(HistoryMetric::unavailability, 1 - p)
                           : q(HistoryMetric::served, p);
    };
    // No traffic: no request availability, and no quantiles of it.
    m.p05 = requests > 0 ? a(0.05) : kNaN;
    m.p50 = requests > 0 ? a(0.5) : kNaN;
    m.p95 = requests > 0 ? a(0.95) : kNaN;
    s.metrics.push_back(m);
  }
  const auto per_history = [&](const char* name, const char* unit, HistoryMetric metric,
                               double mean, double low, double high) {
    s.metrics.push_back(
        {name, unit, mean, low, high, q(metric, 0.05), q(metric, 0.5), q(metric, 0.95)});
  };
  per_history("downtime_per_year", "s", HistoryMetric::downtime_per_year, down.mean / years,
              std::max(0.0, down.low / years), down.high / years);
  {
    const MeanCi o = mean_ci(W(l.outages), W(l.outages_squared), n, z);
    per_history("outages_per_year", "1/y", HistoryMetric::outages_per_year, o.mean / years,
                std::max(0.0, o.low / years), o.high / years);
  }
  const long double detected = W(l.detected), repaired = W(l.repaired);
  per_history("mean_time_to_detect", "s", HistoryMetric::mean_time_to_detect,
              detected > 0 ? static_cast<double>(W(l.detect_ms) / 1000 / detected) : kNaN, kNaN,
              kNaN);
  per_history("mean_time_to_repair", "s", HistoryMetric::mean_time_to_repair,
              repaired > 0 ? static_cast<double>(W(l.repair_ms) / 1000 / repaired) : kNaN, kNaN,
              kNaN);
  {
    const MeanCi f = mean_ci(W(l.failed), W(l.failed_squared), n, z);
    per_history("failed_requests_per_year", "1/y", HistoryMetric::failed_requests_per_year,
                f.mean / years, std::max(0.0, f.low / years), f.high / years);
  }

  // ---- tests ----
  struct Test {
    std::string what;
    double p;
  };
  std::vector<Test> tests;

  // ---- components and events ----
  const std::uint32_t K = plan.components;
  for (std::uint32_t p = 0; p < K + plan.events; ++p) {
    const bool event = p >= K;
    if (event ? !time.events[p - K] : !time.components[p].outages) continue;
    ProcessSummary r;
    r.name = event ? model.common_causes[p - K].name : model.components[p].name;
    r.event = event;
    r.outages = static_cast<std::uint64_t>(W(l.process(p, 0)));
    r.downtime = static_cast<double>(W(l.process(p, 1)) / 1000);
    r.outages_per_year = static_cast<double>(W(l.process(p, 0)) / nn) / years;
    r.downtime_per_year = r.downtime / static_cast<double>(nn) / years;
    const long double pd = W(l.process(p, 3)), pr = W(l.process(p, 5));
    r.mean_time_to_detect = pd > 0 ? static_cast<double>(W(l.process(p, 2)) / 1000 / pd) : kNaN;
    r.mean_time_to_repair = pr > 0 ? static_cast<double>(W(l.process(p, 4)) / 1000 / pr) : kNaN;
    r.mean_time_to_detect_exact =
        !event && p < exact.mean_time_to_detect.size() ? exact.mean_time_to_detect[p] : kNaN;
    r.budget_seconds_per_year = static_cast<double>(W(l.process(p, 6)) / 1000 / nn) / years;
    r.budget_detection_seconds_per_year =
        static_cast<double>(W(l.process(p, 7)) / 1000 / nn) / years;
    r.budget_requests_per_year = static_cast<double>(W(l.process(p, 8)) / nn) / years;
    const MeanCi own = mean_ci(W(l.process(p, 1)) / 1000, W(l.process(p, 9)) / 1e6, n, z);
    r.availability_simulated = 1 - own.mean / plan.horizon;
    r.availability_ci_low = std::max(0.0, 1 - own.high / plan.horizon);
    r.availability_ci_high = std::min(1.0, 1 - own.low / plan.horizon);
    const std::vector<double>& exact_values =
        event ? exact.event_availability : exact.component_availability;
    const std::size_t index = event ? p - K : p;
    r.availability_exact = index < exact_values.size() ? exact_values[index] : kNaN;
    r.z_score = kNaN;
    if (steady && std::isfinite(r.availability_exact) && n >= kMinHistoriesForTests) {
      std::tie(r.z_score, r.p_value) =
          z_test(r.availability_simulated, own.se / plan.horizon, r.availability_exact);
      r.tested = true;
      tests.push_back(
          {r.name + " availability z = " + number_format::fixed_ascii(r.z_score, 2), r.p_value});
    }
    s.processes.push_back(r);
    s.process_index.push_back(p);
  }

  // ---- kinds and the mix ----
  s.exact_method = exact.kind_method;
  const auto kind_row = [&](KindTimeSummary& r, long double down_ms, long double down_sq,
                            long double requests, long double failed, long double failed_outage,
                            double exact_value) {
    r.requests = static_cast<std::uint64_t>(requests);
    r.failed = static_cast<std::uint64_t>(failed);
    r.failed_outage = static_cast<std::uint64_t>(failed_outage);
    const MeanCi d = mean_ci(down_ms / 1000, down_sq / 1e6, n, z);
    r.time_availability = 1 - d.mean / plan.horizon;
    r.time_ci_low = std::max(0.0, 1 - d.high / plan.horizon);
    r.time_ci_high = std::min(1.0, 1 - d.low / plan.horizon);
    r.request_availability = requests > 0 ? static_cast<double>(1 - failed / requests) : kNaN;
    r.downtime_per_year = d.mean / years;
    r.availability_exact = exact_value;
    r.z_score = kNaN;
    if (steady && std::isfinite(exact_value) && n >= kMinHistoriesForTests) {
      std::tie(r.z_score, r.p_value) =
          z_test(r.time_availability, d.se / plan.horizon, exact_value);
      r.tested = true;
      tests.push_back(
          {"kind " + r.name + " availability z = " + number_format::fixed_ascii(r.z_score, 2),
           r.p_value});
    }
  };
  for (std::uint32_t k = 0; k < plan.kinds; ++k) {
    KindTimeSummary r;
    r.name = model.kinds[k].name;
    r.weight = model.kinds[k].weight;
    kind_row(r, W(l.kind(k, 0)), W(l.kind(k, 1)), W(l.kind(k, 2)), W(l.kind(k, 3)), W(l.kind(k, 4)),
             k < exact.kind_availability.size() ? exact.kind_availability[k] : kNaN);
    s.kinds.push_back(r);
  }
  s.mix.name = "mix";
  s.mix.weight = model.total_weight();
  {
    // The mix's time availability is the kinds' traffic-weighted mean: one kind's test covers
    // it, so the mix is tested only when there are several kinds.
    const double mix_exact = plan.kinds > 1 ? exact.mix_availability : kNaN;
    kind_row(s.mix, W(l.downtime_ms), W(l.downtime_ms_squared), W(l.requests), W(l.failed),
             W(l.failed_outage), mix_exact);
    if (plan.kinds == 1) s.mix.availability_exact = exact.mix_availability;
  }

  // ---- SLO ----
  if (time.slo) {
    SloSummary& o = s.slo;
    o.declared = true;
    o.target = time.slo->target;
    o.window_seconds = time.slo->window_seconds;
    o.windows = to_string(time.slo->windows);
    o.windows_per_history = plan.windows.size();
    const double w = static_cast<double>(plan.windows.size());
    if (w > 0 && n > 0) {
      const ShareInterval mt = windows_met_share(W(l.met_time), W(l.met_time_squared), w, n, z);
      const ShareInterval mr =
          windows_met_share(W(l.met_requests), W(l.met_requests_squared), w, n, z);
      o.share_met_time = mt.share;
      o.share_met_time_low = mt.low;
      o.share_met_time_high = mt.high;
      o.share_met_requests = mr.share;
      o.share_met_requests_low = mr.low;
      o.share_met_requests_high = mr.high;
      const std::uint64_t first = tally[l.first_met_time];
      o.first_met_time = static_cast<double>(first) / static_cast<double>(n);
      const Interval ci = wilson_interval(first, n, ci_level);
      o.first_met_time_low = ci.low;
      o.first_met_time_high = ci.high;
      o.first_met_requests =
          static_cast<double>(tally[l.first_met_requests]) / static_cast<double>(n);
      o.first_met_time_exact = exact.first_window_met_time;
      if (std::isfinite(o.first_met_time_exact)) {
        o.first_met_p_value = binomial_two_sided_p_value(first, n, o.first_met_time_exact);
        o.tested = true;
        tests.push_back({"first window met " + std::to_string(first) + " of " + std::to_string(n) +
                             " (exact p " + number_format::fixed_ascii(o.first_met_time_exact, 4) +
                             ")",
                         o.first_met_p_value});
      }
    } else {
      o.share_met_time = o.share_met_requests = o.first_met_time = o.first_met_requests = kNaN;
      o.first_met_time_exact = kNaN;
    }
    if (!l.twin.empty()) {
      o.time_paged_at_start =
          paged_at_start_share(tally, l.twin[0], l.met_time, l.met_time_squared, w, n, z);
      o.requests_paged_at_start =
          paged_at_start_share(tally, l.twin[1], l.met_requests, l.met_requests_squared, w, n, z);
    }
  }

  // ---- verdict ----
  s.tests = static_cast<int>(tests.size());
  s.test_alpha = s.tests > 0 ? kVerdictAlpha / s.tests : kVerdictAlpha;
  std::string failures;
  for (const Test& t : tests) {
    if (t.p >= s.test_alpha) continue;
    s.agrees = false;
    if (!failures.empty()) failures += "; ";
    failures += t.what + " (p " + number_format::fixed_ascii(t.p, 6) + ")";
  }
  if (!s.agrees) {
    s.verdict = "DISAGREES with the exact values: " + failures;
  } else if (s.tests > 0) {
    s.verdict = "agrees with the exact values (" + std::to_string(s.tests) +
                (s.tests == 1 ? " test" : " tests") + ", Bonferroni alpha " +
                number_format::fixed_ascii(s.test_alpha, 6) + ")";
  } else {
    s.verdict = "no exact value to test against: " +
                std::string(steady ? exact.kind_method
                                   : "the run starts fresh (start: steady compares the "
                                     "steady-state availability)");
  }
  s.slos = summarize_slos(plan, l, tally, ci_level);
  s.alerting = summarize_alerts(plan, l, tally, ci_level);
  s.alert_missed_bound = plan.alerts.missed_firing_bound * static_cast<double>(n);
  return s;
}

ExpandedProcesses expand_processes(const TimeSummary& summary, const StructureModel& model,
                                   const TimeExactValues& exact) {
  const std::size_t K = model.components.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto at = [&](const std::vector<double>& v, std::size_t i) {
    return i < v.size() ? v[i] : nan;
  };
  ExpandedProcesses out;
  for (std::size_t c = 0; c < K; ++c) {
    ProcessSummary r;
    r.name = model.components[c].name;
    r.mean_time_to_detect = r.mean_time_to_repair = r.z_score = nan;
    r.mean_time_to_detect_exact = at(exact.mean_time_to_detect, c);
    r.availability_exact = at(exact.component_availability, c);
    out.components.push_back(r);
  }
  for (const auto& cause : model.common_causes) {
    ProcessSummary r;
    r.name = cause.name;
    r.event = true;
    r.mean_time_to_detect = r.mean_time_to_repair = r.mean_time_to_detect_exact = r.z_score = nan;
    r.availability_exact = 1;
    out.events.push_back(r);
  }
  for (std::size_t i = 0; i < summary.processes.size(); ++i) {
    const std::uint32_t p = summary.process_index[i];
    (p < K ? out.components[p] : out.events[p - K]) = summary.processes[i];
  }
  return out;
}

}  // namespace nines
