#pragma once
// The time kernel's core (scenario format 3): one history of a structure whose components fail
// and get repaired over the horizon, simulated event by event. Its cost is in proportion to
// the outage events and the days, never to the requests: the requests a kind receives on a day
// are Poisson counts drawn from the integral of the traffic rate over the stretches where the
// kind was down, or up with a per-request failure probability (the thinning of a Poisson
// process is Poisson), and arrival times are drawn only for failed requests that are recorded.
//
// Two ways to run a history, with the same result bit for bit
// (tests/unit/sample/test_batched_histories.cpp):
// - the timer heap (timer_heap.hpp), one pending moment per process, for every model;
// - batches, when every process runs on its own (repairs never wait for a crew, detection never
//   waits for a component that can fail: OutagePlan::batched): each process's transitions are
//   generated ahead, batch_seconds at a time, from SIMD-drawn cycle blocks, and merged by a
//   counting sort (transition_order.hpp) in the heap's order. No heap, no draw per event.
// Either way, a kind's requests and downtime are accounted in stretches that end only when
// something that decides them changes, so an event that changes nothing for a kind costs it
// nothing.
//
// The rules (detection, crews, events) are in model/outage_model.hpp; the random numbers in
// outage_streams.hpp. OutagePlan is built once per run; an OutageSimulator per thread reuses
// its memory for every history.
#include <cstdint>
#include <memory>
#include <vector>

#include "nines/exact/structure_analytics.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/sample/alert_evaluator.hpp"
#include "nines/sample/slo_accounting.hpp"

namespace nines {

inline constexpr double kSecondsPerYear = 365 * kSecondsPerDay;
// Events one history may take (failures, detections, repairs, event starts and ends); beyond
// it the run stops with an error instead of running for days (a 1 s time to failure over
// 1000 years).
inline constexpr std::uint64_t kMaxEventsPerHistory = std::uint64_t{1} << 31;
// Failed requests one history may list with --record requests: the listing is for seeing
// individual requests, and a busy service's outages fail millions (the essay app at 300/s:
// about 3e7 a year). Beyond it the run stops with an input error naming --record outages.
inline constexpr std::uint64_t kMaxListedRequestsPerHistory = 1'000'000;

// A steady start draws each process's state independently from its equilibrium, which is
// exact when the processes are independent: repairs never wait for a crew and detection never
// waits for components that can go down. Otherwise each history first runs kWarmUpCycles of
// its longest mean cycle, uncounted, from that start.
bool steady_start_exact(const StructureModel& model);
inline constexpr double kWarmUpCycles = 20;

// Everything the simulator needs, derived once from the model and its exact values.
struct OutagePlan {
  const StructureModel* model = nullptr;
  const StructureAnalytics* analytics = nullptr;
  std::uint64_t seed = 0;
  std::uint32_t components = 0;  // K
  std::uint32_t events = 0;      // all common-cause events (only those with a process run)
  std::uint32_t kinds = 0;
  std::uint32_t days = 0;        // ceil(horizon / day)
  std::uint32_t whole_days = 0;  // floor(horizon / day)
  double horizon = 0;
  std::vector<double> kind_share;                              // weight / total weight
  std::vector<std::vector<std::uint32_t>> kinds_of_component;  // kinds whose path uses it
  // A kind whose path is one series, parallel or k-of-n block of distinct components (or one
  // component) is down exactly when at least kind_down_threshold of them are down, which the
  // simulator keeps as a count; 0 for any other path, which it evaluates as a block.
  std::vector<std::uint32_t> kind_down_threshold;
  // Component c's place in each kind whose path uses it: slots[slot_begin[c] ..
  // slot_begin[c + 1]), each the kind and the bit of c in that kind's down words (kind k's
  // bits start at word kind_first_word[k]; down_words in all).
  struct PathSlot {
    std::uint32_t kind, word;
    std::uint64_t mask;
  };
  std::vector<PathSlot> slots;
  std::vector<std::uint32_t> slot_begin;
  std::vector<std::uint32_t> kind_first_word;
  std::uint32_t down_words = 0;
  std::vector<std::vector<std::uint32_t>> needed_by;  // components whose detection needs it
  std::vector<std::uint32_t> is_needed;               // needed_by[c] is not empty
  std::vector<std::uint32_t> one_slot;                // on exactly one kind's path and not needed
  std::vector<double> base_unreliability;             // per kind, every component up
  bool transient = false;  // some kind can fail while up (per-request failures)
  bool traffic = false;    // requests arrive (a positive rate)
  // Every process runs on its own (steady_start_exact): the simulator generates each one's
  // transitions batch_seconds at a time and merges them (transition_order.hpp) instead of
  // keeping them in the timer heap. Both ways give the same history, bit for bit.
  bool batched = false;
  double batch_seconds = 0;
  double warm_up = 0;                 // seconds simulated, uncounted, before 0 (steady start)
  std::vector<SloWindow> windows;     // empty without an SLO
  double window_budget_fraction = 0;  // 1 - target
  AlertPlan alerts;                   // the alert policies (alerts.any: some are declared)
  std::vector<SloPlan> slos;          // per SLO of time.slos
  // Kinds whose per-day counts an SLO budgeted by occurrences needs (slot = index here).
  std::vector<std::uint32_t> slo_day_kinds;

  OutagePlan(const StructureModel& model, const StructureAnalytics& analytics, std::uint64_t seed);
};

// One outage as recorded in /outages. Times in seconds from the history's start; NaN for a
// moment not reached within the horizon.
struct OutageRecord {
  std::uint32_t process = 0;  // component index, or K + event index
  double start = 0, detected = 0, repair_start = 0, end = 0;
  double detection_paused = 0;  // time the detection clock stood still (needs down)
};

// One failed request (--record requests): only those that failed because their kind was down.
struct FailedRequestRecord {
  double time = 0;
  std::uint32_t kind = 0;
  std::int32_t culprit = -1;  // process index
  std::int8_t cause = 1;      // 1 outage, 2 outage prolonged by detection waiting on needs
};

// What one history produced. Per-history quantities feed the tally; the per-day and
// per-window arrays feed /windows.
struct HistoryResult {
  // Per kind.
  std::vector<double> kind_downtime;
  std::vector<std::uint64_t> kind_requests, kind_failed, kind_failed_outage;
  double downtime = 0;                      // traffic-weight mix of the kinds' downtime
  std::uint64_t outages = 0;                // component outages and event occurrences begun
  double detect_time = 0, repair_time = 0;  // sums over outages detected / ended
  std::uint64_t detected = 0, repaired = 0;
  // Per process (components, then events).
  std::vector<std::uint64_t> process_outages;
  std::vector<double> process_downtime;  // own downtime (an event: time active)
  std::vector<double> process_detect_time, process_repair_time;
  std::vector<std::uint64_t> process_detected, process_repaired;
  std::vector<double> budget_time;             // mix downtime it triggered (cause 1)
  std::vector<double> budget_detection_time;   // mix downtime while a detection waited on it
  std::vector<std::uint64_t> budget_requests;  // failed requests attributed (both causes)
  // Per day and per window.
  std::vector<std::uint64_t> day_requests, day_failed;
  std::vector<double> day_downtime;
  std::vector<std::uint64_t> window_requests, window_failed;
  std::vector<double> window_downtime;
  std::vector<std::uint8_t> window_met_time, window_met_requests;
  std::uint32_t windows_met_time = 0, windows_met_requests = 0;
  // Per slot of OutagePlan::slo_day_kinds and day (slot x days + day): that kind's counts.
  std::vector<std::uint64_t> slo_day_requests, slo_day_failed;
  std::vector<SloHistory> slos;  // per SLO of time.slos
  // Recorded only when asked.
  std::vector<OutageRecord> outage_records;
  std::vector<FailedRequestRecord> request_records;
  // The alert policies' outcome (only with policies; firings listed when outages are recorded).
  AlertHistoryResult alerts;

  std::uint64_t requests() const noexcept;
  std::uint64_t failed() const noexcept;
  std::uint64_t failed_outage() const noexcept;
};

class OutageSimulator {
 public:
  explicit OutageSimulator(const OutagePlan& plan);
  ~OutageSimulator();
  OutageSimulator(const OutageSimulator&) = delete;
  OutageSimulator& operator=(const OutageSimulator&) = delete;

  // Simulates history `history` into `out` (its vectors are resized and reused). Records
  // outages / failed requests when asked. std::runtime_error beyond kMaxEventsPerHistory.
  void run(std::uint32_t history, bool record_outages, bool record_requests, HistoryResult& out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace nines
