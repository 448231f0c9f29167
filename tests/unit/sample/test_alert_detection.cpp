// Detection by alert (`detection: {alert: POLICY, acknowledge: ...}`) through the time kernel:
// with monitoring that never fails and constant traffic, each outage is detected when the
// Workbook's arithmetic says; with monitoring outages, later by exactly the time monitoring
// was blind; and the pages that detect outages are the firings the run then reports.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "../support/time_model.hpp"
#include "nines/input/structure_parser.hpp"

using namespace nines;
using namespace nines::test;

namespace {

constexpr double kSlice = 10, kAcknowledge = 120, kRate = 10000;
// The fast rule: burn 14.4 against a 99.9% SLO over an hour.
constexpr double kCrossing = 14.4 * (1 - 0.999) * 3600;  // 51.84 s of a full outage

std::string scenario(bool monitoring_fails) {
  std::string text = R"(format_version: 3
name: detect-by-alert
time:
  horizon: 60d
  histories: 100
  traffic: {rate: 10000/s}
  slo: {target: 99.9%, window: 30d}
  alerting:
    - name: workbook
      slice: 10s
      needs: [monitoring]
      rules:
        - {severity: page, burn_rate: 14.4, long: 1h, short: 5m}
components:
  - name: db
    reliability: 1
    outages: {every: 10d, repair: 1h}
    detection: {alert: workbook, acknowledge: 2m}
  - name: monitoring
    reliability: 1
)";
  if (monitoring_fails) text += "    outages: {every: 2d, repair: 6h}\n    detection: immediate\n";
  text += "request_kinds:\n  - {name: request, path: db}\n";
  return text;
}

// The first slice end at or after t.
double next_end(double t) {
  return std::ceil(t / kSlice) * kSlice;
}

}  // namespace

TEST_CASE(
    "with monitoring that never fails, an outage is detected when the rule's arithmetic says") {
  const StructureModel m = parse_structure_model(scenario(false), "t.yaml");
  const TimeRunResult r = run_time(m, 100, 7, true);
  std::vector<double> waits;
  double previous_end = -1e300;
  std::uint32_t previous_history = ~0u;
  for (std::size_t i = 0; i < r.outages.size(); ++i) {
    const OutageRecord& o = r.outages[i];
    if (o.process != 0) continue;
    if (r.outage_history[i] != previous_history) previous_end = -1e300;
    previous_history = r.outage_history[i];
    // No earlier outage in its hour, and a whole hour of history behind it (windows are cut
    // at the start of the history, so an early outage crosses sooner).
    const bool window_clean = o.start - previous_end > 3600 && o.start > 3600;
    previous_end = o.end;
    if (std::isnan(o.detected) || !window_clean) continue;
    // The rule crosses 51.84 s into the outage (plus the jitter of Poisson counts at 10,000
    // requests/s, well under 0.1 s) and fires at the next slice end; the page is acknowledged
    // two minutes later.
    const double page = o.detected - kAcknowledge;
    CAPTURE(o.start, page);
    CHECK(page >= next_end(o.start + kCrossing - 0.5));
    CHECK(page <= next_end(o.start + kCrossing + 0.5));
    waits.push_back(page - (o.start + kCrossing));
  }
  REQUIRE(waits.size() > 300);
  // The wait for the next slice end is uniform over a slice: mean 5 s.
  double mean = 0, var = 0;
  for (const double w : waits) mean += w;
  mean /= static_cast<double>(waits.size());
  for (const double w : waits) var += (w - mean) * (w - mean);
  var /= static_cast<double>(waits.size() - 1);
  CHECK(std::fabs(mean - kSlice / 2) / std::sqrt(var / static_cast<double>(waits.size())) < 5);
  // The summary's mean time to detect is that arithmetic.
  const ProcessSummary& db = r.summary.processes[0];
  CHECK(db.mean_time_to_detect == Approx(kAcknowledge + kCrossing + kSlice / 2).margin(2));
  CHECK(std::isnan(db.mean_time_to_detect_exact));
}

TEST_CASE("monitoring outages delay detection by exactly the time monitoring is blind") {
  // While monitoring is down nothing is evaluated; when it is back, the hour behind it holds
  // the outage's errors (the outage goes on, undetected), so the rule fires at the first
  // slice end with monitoring up after the crossing.
  const StructureModel m = parse_structure_model(scenario(true), "t.yaml");
  const TimeRunResult r = run_time(m, 100, 7, true);
  std::size_t delayed = 0, checked = 0;
  for (std::size_t i = 0; i < r.outages.size(); ++i) {
    const OutageRecord& o = r.outages[i];
    if (o.process != 0 || std::isnan(o.detected)) continue;
    const std::uint32_t h = r.outage_history[i];
    // Skip outages with an earlier db outage in their hour (its errors are in the window).
    bool clean = o.start > 3600;
    for (std::size_t j = 0; j < r.outages.size(); ++j)
      if (r.outage_history[j] == h && r.outages[j].process == 0 && r.outages[j].start < o.start &&
          r.outages[j].end > o.start - 3600)
        clean = false;
    if (!clean) continue;
    const auto monitoring_down = [&](double t) {
      for (std::size_t j = 0; j < r.outages.size(); ++j) {
        const OutageRecord& x = r.outages[j];
        if (r.outage_history[j] == h && x.process == 1 && x.start <= t &&
            (std::isnan(x.end) || t < x.end))
          return true;
      }
      return false;
    };
    // The first slice end after the crossing at which monitoring works (the crossing's own
    // end is uncertain by the jitter only when it falls within 0.5 s of a slice end).
    const double crossing = o.start + kCrossing;
    if (std::fabs(crossing - next_end(crossing)) < 0.5 ||
        std::fabs(crossing - (next_end(crossing) - kSlice)) < 0.5)
      continue;
    double e = next_end(crossing);
    while (monitoring_down(e)) e += kSlice;
    CAPTURE(h, o.start, o.detected, e);
    CHECK(o.detected - kAcknowledge == Approx(e).margin(1e-6));
    ++checked;
    if (e > next_end(crossing)) ++delayed;
  }
  CHECK(checked > 300);
  CHECK(delayed > 20);  // monitoring is down a ninth of the time
  // Detection takes longer than with monitoring that never fails.
  const TimeRunResult perfect = run_time(parse_structure_model(scenario(false), "t.yaml"), 100, 7);
  CHECK(r.summary.processes[0].mean_time_to_detect >
        perfect.summary.processes[0].mean_time_to_detect + 60);
}

TEST_CASE("the pages that detect outages are firings the run reports") {
  const StructureModel m = parse_structure_model(scenario(true), "t.yaml");
  const StructureAnalytics analytics(m);
  const OutagePlan plan(m, analytics, 11);
  OutageSimulator simulator(plan);
  HistoryResult h;
  std::size_t matched = 0;
  for (std::uint32_t history = 0; history < 30; ++history) {
    simulator.run(history, true, false, h);
    for (const OutageRecord& o : h.outage_records) {
      if (o.process != 0 || std::isnan(o.detected)) continue;
      const double page = o.detected - kAcknowledge;
      // A firing of the policy that fires at the page or before it, and is still firing
      // then, delivered by it (delivery needs nothing here).
      bool found = false;
      for (const AlertFiring& f : h.alerts.firings)
        found = found || (f.fired <= page && f.delivered <= page &&
                          (f.fired == page || f.outage_start <= page));
      CAPTURE(history, o.start, page);
      CHECK(found);
      ++matched;
    }
  }
  CHECK(matched > 50);
}
