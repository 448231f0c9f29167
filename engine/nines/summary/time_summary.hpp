#pragma once
// What a time run (scenario format 3) concludes, from its integer tally (sample/time_tally.hpp)
// and the exact values that exist for the model: the distribution over histories of time and
// request availability, downtime, outages, time to detect and repair; per component and event
// the realised outages and the error budget they consumed; SLO attainment; and one verdict.
//
// Tests behind the verdict (each a two-sided p-value; Bonferroni like structure runs, rejecting
// at kVerdictAlpha / tests):
//  - per component and per kind with an exact steady-state availability, when the run starts
//    in the steady state (start: steady): the z-test of the mean time availability over
//    histories against it (histories are independent, so the standard error is the sample's);
//    a run that starts fresh is biased towards "up" early on and gets no such test;
//  - the first SLO window's time target, when an exact probability exists for it: the exact
//    binomial test of the histories that met it.
// The z-tests need kMinHistoriesForTests histories: below that the normal approximation of a
// mean whose standard error comes from the sample itself is not trusted (with 2 to 5
// histories of nearly identical downtime it rejects a correct kernel).
// Where no exact value exists (detection that waits for monitoring) the summary says so
// instead of inventing one.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "nines/model/structure_model.hpp"
#include "nines/sample/outage_simulator.hpp"
#include "nines/sample/time_tally.hpp"
#include "nines/stats/statistics.hpp"
#include "nines/summary/alert_summary.hpp"
#include "nines/summary/slo_summary.hpp"
#include "nines/summary/summary.hpp"

namespace nines {

// The exact values the pipeline found for the model (exact/ computes them); NaN where none.
struct TimeExactValues {
  std::vector<double> component_availability;  // per component (1 for one without outages)
  std::vector<double> event_availability;      // per event with a process (1 - P(active))
  std::vector<double> kind_availability;       // per kind, steady state
  double mix_availability = std::numeric_limits<double>::quiet_NaN();
  std::string kind_method;  // "bdd", "markov chain", or why there is none
  double first_window_met_time = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> mean_time_to_detect;  // per component, closed form; NaN when none
};

inline constexpr std::uint64_t kMinHistoriesForTests = 30;

struct MetricSummary {
  std::string metric;  // time_availability, request_availability, downtime_per_year, ...
  std::string unit;    // "", "s", "1/y"
  double mean = 0, ci_low = 0, ci_high = 0;  // NaN interval when it cannot be formed
  double p05 = 0, p50 = 0, p95 = 0;
};

struct ProcessSummary {
  std::string name;
  bool event = false;
  std::uint64_t outages = 0;
  double downtime = 0;  // seconds over all histories
  double outages_per_year = 0, downtime_per_year = 0;
  double mean_time_to_detect = 0, mean_time_to_repair = 0;  // realised; NaN when none
  double mean_time_to_detect_exact = 0;                     // NaN when none
  double budget_seconds_per_year = 0;                       // mix downtime it triggered
  double budget_detection_seconds_per_year = 0;  // mix downtime while detection waited on it
  double budget_requests_per_year = 0;
  double availability_simulated = 1, availability_ci_low = 1, availability_ci_high = 1;
  double availability_exact = 0;    // NaN when none
  double z_score = 0, p_value = 1;  // NaN / 1 when not tested
  bool tested = false;
};

struct KindTimeSummary {
  std::string name;
  double weight = 0;
  std::uint64_t requests = 0, failed = 0, failed_outage = 0;
  double time_availability = 1, time_ci_low = 1, time_ci_high = 1;
  double request_availability = 1;
  double downtime_per_year = 0;
  double availability_exact = 0;  // NaN when none
  double z_score = 0, p_value = 1;
  bool tested = false;
};

struct SloSummary {
  bool declared = false;
  double target = 0, window_seconds = 0;
  std::string windows;
  std::uint64_t windows_per_history = 0;
  double share_met_time = 0, share_met_time_low = 0, share_met_time_high = 0;
  double share_met_requests = 0, share_met_requests_low = 0, share_met_requests_high = 0;
  double first_met_time = 0, first_met_time_low = 0, first_met_time_high = 0;
  double first_met_requests = 0;
  double first_met_time_exact = 0;  // NaN when none
  double first_met_p_value = 1;
  bool tested = false;
  // With detection by alert: the model paged at start's time- and request-based windows met.
  PagedAtStartShare time_paged_at_start, requests_paged_at_start;
};

struct TimeSummary {
  double ci_level = kDefaultCiLevel;
  std::uint64_t histories = 0;
  double horizon = 0;
  std::uint64_t requests = 0, failed = 0, failed_outage = 0, outages = 0;
  std::vector<MetricSummary> metrics;
  std::vector<ProcessSummary> processes;     // components, then events with a process
  std::vector<std::uint32_t> process_index;  // each row's process index (K + e for events)
  std::vector<KindTimeSummary> kinds;
  KindTimeSummary mix;
  std::string exact_method;  // how the kinds' exact availability was found, or why not
  SloSummary slo;
  std::vector<SloObjectSummary> slos;        // per SLO (time.slos)
  std::vector<AlertPolicySummary> alerting;  // per policy (time.alerting)
  // An upper bound on the expected number of firings over the whole run that the alert
  // evaluation skipped as quiet (sample/alert_evaluator.hpp): 0 without policies.
  double alert_missed_bound = 0;
  int tests = 0;
  double test_alpha = 0;
  bool agrees = true;
  std::string verdict;

  const MetricSummary& metric(const std::string& name) const;
};

TimeSummary summarize_time(const OutagePlan& plan, const TimeTallyLayout& layout,
                           const std::vector<std::uint64_t>& tally, const TimeExactValues& exact,
                           double ci_level = kDefaultCiLevel);

// Every component and common-cause event of the model, in index order, as a time run's
// /components and /events tables list them: the summary's row where there is a process, else
// no outages, NaN realised times and z, availability 1, and the exact values.
struct ExpandedProcesses {
  std::vector<ProcessSummary> components, events;
};
ExpandedProcesses expand_processes(const TimeSummary& summary, const StructureModel& model,
                                   const TimeExactValues& exact);

}  // namespace nines
