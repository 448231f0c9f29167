// The time kernel (sample/outage_simulator.hpp) against what can be known exactly: steady-state
// availabilities, the closed-form detection delay with monitors that never fail, the delay
// monitoring outages add, FCFS crews, Poisson traffic, and determinism per history.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "../support/time_model.hpp"
#include "nines/sample/outage_simulator.hpp"
#include "nines/stats/quantile_histogram.hpp"

using namespace nines;
using namespace nines::test;

namespace {

TimeModel year_model(double horizon_days, StartState start = StartState::steady) {
  TimeModel t;
  t.horizon_seconds = horizon_days * kDay;
  t.start = start;
  return t;
}

// |z| of a sample mean against a value, from the sample's own spread.
double mean_z(const std::vector<double>& x, double expected) {
  const double n = static_cast<double>(x.size());
  double mean = 0;
  for (const double v : x) mean += v;
  mean /= n;
  double var = 0;
  for (const double v : x) var += (v - mean) * (v - mean);
  var /= n - 1;
  return (mean - expected) / std::sqrt(var / n);
}

}  // namespace

TEST_CASE("one component started in its steady state is up MTTF/(MTTF+MTTR) of the time") {
  const StructureModel m = time_model({{"db", exponential_process(10 * kHour, 1 * kHour), {}}},
                                      std::nullopt, year_model(100));
  const TimeRunResult r = run_time(m, 400, 7);
  REQUIRE(r.summary.processes.size() == 1);
  const ProcessSummary& db = r.summary.processes[0];
  CHECK(db.availability_exact == Approx(10.0 / 11).epsilon(1e-14));
  CHECK(db.tested);
  CHECK(std::fabs(db.z_score) < 5);
  CHECK(r.summary.kinds[0].tested);
  CHECK(std::fabs(r.summary.kinds[0].z_score) < 5);
  CHECK(r.summary.agrees);
  // Outages per year: a steady alternating renewal process has 1/(MTTF+MTTR) failures per unit
  // time; the count over 400 histories of 100 days is Poisson-like around that.
  const double expected = 400 * 100 * kDay / (11 * kHour);
  CHECK(std::fabs(static_cast<double>(db.outages) - expected) < 5 * std::sqrt(expected));
}

TEST_CASE("the RePyability plant: a pair of pumps in parallel in series with a valve") {
  // Source (never fails), pumps MTTF 10 h / MTTR 1 h each, valve MTTF 50 h / MTTR 2 h.
  const std::vector<TimeComponentSpec> parts = {
      {"source", std::nullopt, {}},
      {"pump1", exponential_process(10 * kHour, 1 * kHour), {}},
      {"pump2", exponential_process(10 * kHour, 1 * kHour), {}},
      {"valve", exponential_process(50 * kHour, 2 * kHour), {}},
  };
  const Block path = Block::series(
      {Block::component_ref(0), Block::parallel({Block::component_ref(1), Block::component_ref(2)}),
       Block::component_ref(3)});
  const StructureModel m = time_model(parts, path, year_model(60));
  const TimeRunResult r = run_time(m, 300, 11);
  // The published long-run availability (RePyability's documentation: 0.953592).
  CHECK(r.summary.kinds[0].availability_exact == Approx(0.953592).margin(5e-7));
  CHECK(r.summary.kinds[0].tested);
  CHECK(std::fabs(r.summary.kinds[0].z_score) < 5);
  CHECK(r.summary.agrees);
}

TEST_CASE("with monitors that never fail, detection takes exactly the fixed delay") {
  const double delay = 10 * 60;
  const StructureModel m =
      time_model({{"db", exponential_process(30 * kDay, 1 * kHour),
                   delayed(DurationDistribution::fixed(delay), {1})},
                  {"monitoring", std::nullopt, {}}},
                 Block::series({Block::component_ref(0)}), year_model(365, StartState::fresh));
  const TimeRunResult r = run_time(m, 50, 3, true);
  std::size_t detected = 0;
  for (const OutageRecord& o : r.outages) {
    if (std::isnan(o.detected)) continue;
    ++detected;
    CHECK(o.detected - o.start == Approx(delay).epsilon(1e-12));
    CHECK(o.detection_paused == 0);
  }
  CHECK(detected > 400);
  CHECK(r.summary.processes[0].mean_time_to_detect == Approx(delay).epsilon(1e-6));
  CHECK(r.summary.processes[0].mean_time_to_detect_exact == delay);
}

TEST_CASE("monitoring outages delay detection by MTTR_m (q + d / MTTF_m)") {
  // The database's outage is detected after d of clock time while monitoring is up. Monitoring
  // alternates exponentially (mean up U, mean down D, immediate detection of its own outages);
  // after its first days it is in its steady state, and the database fails at times that are
  // independent of it (its 20-day times to failure forget the monitor's state). At the
  // failure monitoring is down with probability q = D / (U + D), and then the clock waits for
  // the rest of its outage (mean D, memoryless); while the clock runs, monitoring fails at rate
  // 1/U per unit of clock time, each failure pausing the clock for a mean D. So
  //   E[time to detect] = d + D (q + d / U).
  const double d = 30 * 60, U = 5 * kDay, D = 8 * kHour;
  const std::vector<TimeComponentSpec> parts = {
      {"db", exponential_process(20 * kDay, 1 * kHour),
       delayed(DurationDistribution::fixed(d), {1})},
      {"monitoring", exponential_process(U, D), {}},
  };
  // A fresh start (a steady one would warm up first, shifting the database's cycles).
  const StructureModel failing = time_model(parts, Block::series({Block::component_ref(0)}),
                                            year_model(730, StartState::fresh));
  auto twin_parts = parts;
  twin_parts[1].outages.reset();
  const StructureModel twin = time_model(twin_parts, Block::series({Block::component_ref(0)}),
                                         year_model(730, StartState::fresh));

  const TimeRunResult a = run_time(failing, 60, 5, true);
  const TimeRunResult b = run_time(twin, 60, 5, true);
  // Outages that began after monitoring settled (30 days) and 30 days or more before the
  // horizon: detected within it (censoring would otherwise favour short detections).
  std::vector<double> detect;
  for (const OutageRecord& o : a.outages)
    if (o.process == 0 && o.start > 30 * kDay && o.start < (730 - 30) * kDay)
      detect.push_back(o.detected - o.start);
  REQUIRE(detect.size() > 1000);
  const double q = D / (U + D);
  const double expected = d + D * (q + d / U);
  CHECK(std::fabs(mean_z(detect, expected)) < 5);
  // The twin detects every outage in exactly d, and its database is down less.
  CHECK(b.summary.processes[0].mean_time_to_detect == Approx(d).epsilon(1e-6));
  CHECK(a.summary.processes[0].mean_time_to_detect > b.summary.processes[0].mean_time_to_detect);
  CHECK(a.summary.processes[0].downtime_per_year > b.summary.processes[0].downtime_per_year);
  // The database's own cycles use the same random numbers in both (common random numbers):
  // the twin's first outage starts exactly when the failing model's does.
  const auto first_db = [](const TimeRunResult& run) {
    for (const OutageRecord& o : run.outages)
      if (o.process == 0) return o.start;
    return -1.0;
  };
  CHECK(first_db(a) > 0);
  CHECK(first_db(b) == first_db(a));
  // Monitoring's share of the budget: the database downtime while its detection waited.
  CHECK(a.summary.processes[1].budget_detection_seconds_per_year > 0);
  CHECK(b.summary.processes.size() == 1);
  // Where detection needs monitoring there is no exact availability, and the summary says so.
  CHECK(std::isnan(a.summary.processes[0].availability_exact));
  CHECK(std::isnan(a.summary.kinds[0].availability_exact));
}

TEST_CASE("one repair crew repairs first come, first served, one outage at a time") {
  const std::vector<TimeComponentSpec> parts = {
      {"a", exponential_process(2 * kDay, 12 * kHour), {}},
      {"b", exponential_process(2 * kDay, 12 * kHour), {}},
      {"c", exponential_process(2 * kDay, 12 * kHour), {}},
  };
  TimeModel t = year_model(200, StartState::fresh);
  t.crews = 1;
  const StructureModel m = time_model(parts, std::nullopt, t);
  const TimeRunResult r = run_time(m, 5, 9, true);
  // Within a history, repair intervals never overlap, and they start in detection order.
  for (std::uint32_t h = 0; h < 5; ++h) {
    std::vector<std::pair<double, double>> repairs;  // (detected, repair start) and end
    std::vector<std::pair<double, double>> spans;
    for (std::size_t i = 0; i < r.outages.size(); ++i) {
      const OutageRecord& o = r.outages[i];
      if (r.outage_history[i] != h || std::isnan(o.repair_start)) continue;
      repairs.push_back({o.detected, o.repair_start});
      spans.push_back({o.repair_start, std::isnan(o.end) ? t.horizon_seconds : o.end});
    }
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) CHECK(spans[i].first >= spans[i - 1].second);
    std::sort(repairs.begin(), repairs.end());
    for (std::size_t i = 1; i < repairs.size(); ++i)
      CHECK(repairs[i].second >= repairs[i - 1].second);
    CHECK(spans.size() > 50);
  }
  // Queueing shows: some outage waited for the crew.
  bool waited = false;
  for (const OutageRecord& o : r.outages) waited = waited || o.repair_start > o.detected;
  CHECK(waited);
  // Repairs that queue have no closed form per component; the Markov chain gives it.
  CHECK(std::isfinite(r.summary.processes[0].availability_exact));
  CHECK(r.summary.exact_method.find("markov") != std::string::npos);
}

TEST_CASE("a 2-of-3 quorum with one crew matches its Markov chain from a steady start") {
  // Steady start with queueing repairs is not exact by independent draws: each history first
  // warms up for 20 mean cycles, uncounted.
  std::vector<TimeComponentSpec> parts;
  for (int i = 1; i <= 3; ++i)
    parts.push_back({"db" + std::to_string(i), exponential_process(20 * kDay, 12 * kHour), {}});
  TimeModel t = year_model(365, StartState::steady);
  t.crews = 1;
  const Block quorum =
      Block::k_of_n(2, {Block::component_ref(0), Block::component_ref(1), Block::component_ref(2)});
  const StructureModel m = time_model(parts, quorum, t);
  const TimeRunResult r = run_time(m, 300, 13);
  // By hand: states 0..3 nodes down, failure rates 3l, 2l, l, one repair at rate m; with
  // r = l/m = 1/40: p1 = 3r p0, p2 = 6r^2 p0, p3 = 6r^3 p0, and the quorum works in 0 and 1.
  const double rr = 1.0 / 40;
  const double expected = (1 + 3 * rr) / (1 + 3 * rr + 6 * rr * rr + 6 * rr * rr * rr);
  CHECK(r.summary.kinds[0].availability_exact == Approx(expected).epsilon(1e-12));
  CHECK(r.summary.kinds[0].tested);
  CHECK(std::fabs(r.summary.kinds[0].z_score) < 5);
  CHECK(r.summary.agrees);
}

TEST_CASE("requests are a Poisson process, and those arriving during an outage fail") {
  TimeModel t = year_model(30, StartState::fresh);
  t.traffic.rate_per_second = 2;
  const StructureModel m =
      time_model({{"db", exponential_process(3 * kDay, 2 * kHour), {}, 0.999}}, std::nullopt, t);
  const TimeRunResult r = run_time(m, 40, 21);
  const double expected_requests = 40 * 2 * 30 * kDay;
  const double requests = static_cast<double>(r.summary.requests);
  CHECK(std::fabs(requests - expected_requests) < 5 * std::sqrt(expected_requests));
  // Failed during outages: Poisson with mean rate x downtime, given the downtime.
  const double down = r.summary.processes[0].downtime;
  const double expected_outage = 2 * down;
  CHECK(std::fabs(static_cast<double>(r.summary.failed_outage) - expected_outage) <
        5 * std::sqrt(expected_outage));
  // Transient failures while up: 0.1% of the requests that arrive while up.
  const double expected_transient = 0.001 * 2 * (40 * 30 * kDay - down);
  const double transient = static_cast<double>(r.summary.failed - r.summary.failed_outage);
  CHECK(std::fabs(transient - expected_transient) < 5 * std::sqrt(expected_transient));
}

TEST_CASE("a history's numbers depend only on the seed and the history") {
  const StructureModel m = time_model(
      {{"a", exponential_process(5 * kDay, 3 * kHour), {}},
       {"b",
        {{DurationDistribution::weibull(1.5, 9 * kDay), DurationDistribution::gamma(2, kHour)}},
        delayed(DurationDistribution::lognormal(std::log(600), 0.5), {0})}},
      std::nullopt, year_model(365, StartState::steady));
  const StructureAnalytics analytics(m);
  const OutagePlan plan(m, analytics, 99);
  OutageSimulator one(plan), other(plan);
  HistoryResult x, y, z;
  one.run(17, true, false, x);
  other.run(3, true, false, y);  // another history in between on the other simulator
  other.run(17, false, false, z);
  CHECK(x.downtime == z.downtime);
  CHECK(x.outages == z.outages);
  CHECK(x.process_downtime == z.process_downtime);
  CHECK(x.day_downtime == z.day_downtime);
  CHECK(x.downtime != y.downtime);
}

TEST_CASE("SLO windows: rolling by the day, tumbling, and the months of a 365-day year") {
  SloTarget slo;
  slo.window_seconds = 30 * kDay;
  slo.windows = SloWindows::rolling;
  CHECK(slo_windows(slo, 365).size() == 336);
  slo.windows = SloWindows::tumbling;
  const auto tumbling = slo_windows(slo, 365);
  CHECK(tumbling.size() == 12);
  CHECK(tumbling.back().first_day == 330);
  slo.windows = SloWindows::calendar_months;
  const auto months = slo_windows(slo, 365);
  CHECK(months.size() == 12);
  CHECK(months[1].first_day == 31);
  CHECK(months[1].days == 28);
  CHECK(slo_windows(slo, 58).size() == 1);
}

TEST_CASE("quantile bins report a quantile within half a percent") {
  std::vector<std::uint64_t> counts(QuantileBins::size(), 0);
  for (int i = 1; i <= 1000; ++i) ++counts[QuantileBins::bin(i * 1.0)];
  ++counts[QuantileBins::bin(0)];
  CHECK(QuantileBins::quantile(counts, 0.0) == 0);
  CHECK(QuantileBins::quantile(counts, 0.5) == Approx(500).epsilon(0.006));
  CHECK(QuantileBins::quantile(counts, 0.95) == Approx(950).epsilon(0.006));
  CHECK(std::isnan(QuantileBins::quantile(std::vector<std::uint64_t>(10, 0), 0.5)));
}

TEST_CASE("wide sums carry past 64 bits") {
  std::uint64_t e[kWideEntries] = {};
  const Uint128 big = (Uint128{1} << 100) + 12345;
  for (int i = 0; i < 1000; ++i) add_wide(e, big);
  CHECK(wide_total(e) == big * 1000);
}

TEST_CASE("the first SLO window meets its budget as often as the closed form says") {
  // One component, exponential failures and repairs, a fixed detection delay, fresh start:
  // P(downtime in [0, T] <= x) = sum_n Poisson(n; l (T - x)) P(Gamma(n, m) <= x - n d).
  TimeModel t = year_model(30, StartState::fresh);
  SloTarget slo;
  slo.target = 0.99;
  slo.window_seconds = 30 * kDay;
  slo.windows = SloWindows::tumbling;
  t.slo = slo;
  const StructureModel m = time_model({{"db", exponential_process(8 * kDay, 4 * kHour),
                                        delayed(DurationDistribution::fixed(30 * 60))}},
                                      std::nullopt, t);
  const TimeRunResult r = run_time(m, 3000, 17);
  const SloSummary& o = r.summary.slo;
  REQUIRE(std::isfinite(o.first_met_time_exact));
  CHECK(o.first_met_time_exact > 0.2);
  CHECK(o.first_met_time_exact < 0.95);
  CHECK(o.tested);
  CHECK(o.first_met_p_value > 1e-3);
  CHECK(r.summary.agrees);
}
