#include "nines/sample/outage_simulator.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include <boost/random/poisson_distribution.hpp>

#include "nines/base/error.hpp"
#include "nines/exact/component_availability.hpp"
#include "nines/sample/duration_sampling.hpp"
#include "nines/sample/outage_streams.hpp"
#include "nines/sample/timer_heap.hpp"
#include "nines/sample/transition_order.hpp"

namespace nines {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint32_t kNoProcess = std::numeric_limits<std::uint32_t>::max();

// A component's outage goes detecting -> (queued ->) repairing -> up; an event's process is
// up (quiet) or repairing (active, "lasting").
enum class Phase : std::uint8_t { up, detecting, queued, repairing };

// Poisson draws of a day's requests, with the distributions (Boost's PTRD set-up: a square
// root, logarithms) kept for the means that recur: a day up from end to end has the same mean
// as the last such day (or the last such Monday, with a weekly profile). A distribution's
// draws depend only on its parameters, so reusing one changes no number.
class PoissonDraws {
 public:
  std::uint64_t operator()(double mean, OutageStream& stream) {
    if (!(mean > 0)) return 0;
    const auto bits = std::bit_cast<std::uint64_t>(mean);
    Slot& slot = slots_[(bits ^ bits >> 29 ^ bits >> 47) % kSlots];
    if (!slot.used || slot.mean_bits != bits) {
      slot.distribution = Distribution(mean);
      slot.mean_bits = bits;
      slot.used = true;
    }
    return slot.distribution(stream);
  }

 private:
  using Distribution = boost::random::poisson_distribution<std::uint64_t, double>;
  static constexpr std::size_t kSlots = 32;
  struct Slot {
    Distribution distribution = Distribution(1.0);
    std::uint64_t mean_bits = 0;
    bool used = false;
  };
  std::array<Slot, kSlots> slots_;
};

struct DownSetHash {
  std::size_t operator()(const std::vector<std::uint32_t>& v) const noexcept {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ v.size();
    for (const std::uint32_t x : v) h = (h ^ x) * 0x100000001B3ull + (h >> 29);
    return static_cast<std::size_t>(h);
  }
};

}  // namespace

bool steady_start_exact(const StructureModel& model) {
  if (!repair_never_waits(model)) return false;
  for (std::uint32_t c = 0; c < model.components.size(); ++c)
    if (model.time->components[c].outages && !detection_never_waits(model, c)) return false;
  return true;
}

OutagePlan::OutagePlan(const StructureModel& m, const StructureAnalytics& a, std::uint64_t run_seed)
    : model(&m), analytics(&a), seed(run_seed) {
  if (!m.time) throw std::invalid_argument("OutagePlan: the model has no time section");
  const TimeModel& time = *m.time;
  components = static_cast<std::uint32_t>(m.components.size());
  events = static_cast<std::uint32_t>(m.common_causes.size());
  kinds = static_cast<std::uint32_t>(m.kinds.size());
  horizon = time.horizon_seconds;
  days = static_cast<std::uint32_t>(std::ceil(horizon / kSecondsPerDay));
  whole_days = static_cast<std::uint32_t>(std::floor(horizon / kSecondsPerDay));
  const double total = m.total_weight();
  kinds_of_component.assign(components, {});
  for (std::uint32_t k = 0; k < kinds; ++k) {
    kind_share.push_back(m.kinds[k].weight / total);
    const Block& path = m.kinds[k].path;
    const std::vector<std::uint32_t> on_path = components_in_path_order(path);
    for (const std::uint32_t c : on_path) kinds_of_component[c].push_back(k);
    std::uint32_t threshold = 0;
    if (path.kind == BlockKind::component) {
      threshold = 1;
    } else {
      bool flat = on_path.size() == path.children.size();  // distinct components
      for (const Block& child : path.children) flat = flat && child.kind == BlockKind::component;
      // n - required + 1 of the n components down break it (series: 1, parallel: n).
      if (flat && !path.children.empty())
        threshold = static_cast<std::uint32_t>(path.children.size() - path.required() + 1);
    }
    kind_down_threshold.push_back(threshold);
    base_unreliability.push_back(a.kinds()[k].unreliability);
    transient = transient || a.kinds()[k].unreliability > 0;
  }
  // Each kind's down bits take whole 64-bit words of one array, in kind order.
  std::vector<std::uint32_t> first_word;
  std::uint32_t words = 0;
  for (std::uint32_t k = 0; k < kinds; ++k) {
    first_word.push_back(words);
    words +=
        static_cast<std::uint32_t>((components_in_path_order(m.kinds[k].path).size() + 63) / 64);
  }
  down_words = words;
  kind_first_word = first_word;
  slot_begin.push_back(0);
  for (std::uint32_t c = 0; c < components; ++c) {
    for (const std::uint32_t k : kinds_of_component[c]) {
      const std::vector<std::uint32_t> on_path = components_in_path_order(m.kinds[k].path);
      const auto at = static_cast<std::uint32_t>(std::find(on_path.begin(), on_path.end(), c) -
                                                 on_path.begin());
      slots.push_back({k, first_word[k] + at / 64, std::uint64_t{1} << (at % 64)});
    }
    slot_begin.push_back(static_cast<std::uint32_t>(slots.size()));
  }
  traffic = time.traffic.rate_per_second > 0;
  needed_by.assign(components, {});
  for (std::uint32_t c = 0; c < components; ++c) {
    const ComponentTiming& timing = time.components[c];
    if (!timing.outages || timing.detection.immediate) continue;
    for (const std::uint32_t n : timing.detection.needs_components) needed_by[n].push_back(c);
  }
  alerts = AlertPlan(m, kind_share, base_unreliability, horizon);
  for (std::uint32_t c = 0; c < components; ++c) {
    is_needed.push_back(!needed_by[c].empty());
    // A component an alert policy watches takes change_down, which records its flips.
    one_slot.push_back(needed_by[c].empty() && slot_begin[c + 1] - slot_begin[c] == 1 &&
                       !alerts.watched[c]);
  }
  if (time.start == StartState::steady && !steady_start_exact(m)) {
    double longest = 0;
    for (std::uint32_t c = 0; c < components; ++c)
      if (const auto& o = time.components[c].outages) {
        const Detection& d = time.components[c].detection;
        longest = std::max(
            longest, o->failure.mean() + (d.immediate ? 0 : d.delay.mean()) + o->repair.mean());
      }
    for (const auto& e : time.events)
      if (e) longest = std::max(longest, e->failure.mean() + e->repair.mean());
    warm_up = kWarmUpCycles * longest;
  }
  batched = steady_start_exact(m);
  if (batched) {
    // About 32 transitions per process in a batch: the loop that fills it mispredicts about
    // once per process and batch, so longer batches cost less per transition (2 per process
    // ran at half the speed); at 16 bytes a transition, held twice, it still fits in L2.
    double per_second = 0;
    for (std::uint32_t c = 0; c < components; ++c)
      if (const auto& o = time.components[c].outages) {
        const Detection& d = time.components[c].detection;
        const double cycle =
            o->failure.mean() + (d.immediate ? 0 : d.delay.mean()) + o->repair.mean();
        per_second += (d.immediate ? 2 : 3) / cycle;
      }
    for (const auto& e : time.events)
      if (e) per_second += 2 / (e->failure.mean() + e->repair.mean());
    const double processes = std::max<double>(1, components + events);
    batch_seconds =
        std::min(horizon, per_second > 0 ? std::max(1.0, 32 * processes / per_second) : horizon);
  }
  if (time.slo) {
    windows = slo_windows(*time.slo, whole_days);
    window_budget_fraction = 1 - time.slo->target;
  }
  for (std::size_t i = 0; i < time.slos.size(); ++i) {
    const SloObjective& objective = time.slos[i];
    SloPlan slo;
    slo.budgeting = objective.budgeting;
    slo.windows = slo_windows(objective.objective, whole_days);
    slo.budget_fraction = 1 - objective.objective.target;
    if (objective.budgeting == SloBudgeting::timeslices) {
      slo.spec = alerts.slo_spec[i];
      slo.slices_per_day =
          static_cast<std::uint64_t>(std::llround(kSecondsPerDay / objective.time_slice_seconds));
    } else if (objective.kind) {
      const auto at = std::find(slo_day_kinds.begin(), slo_day_kinds.end(), *objective.kind);
      slo.day_slot = static_cast<std::int32_t>(at - slo_day_kinds.begin());
      if (at == slo_day_kinds.end()) slo_day_kinds.push_back(*objective.kind);
    }
    slos.push_back(std::move(slo));
  }
}

std::uint64_t HistoryResult::requests() const noexcept {
  std::uint64_t n = 0;
  for (const std::uint64_t x : kind_requests) n += x;
  return n;
}
std::uint64_t HistoryResult::failed() const noexcept {
  std::uint64_t n = 0;
  for (const std::uint64_t x : kind_failed) n += x;
  return n;
}
std::uint64_t HistoryResult::failed_outage() const noexcept {
  std::uint64_t n = 0;
  for (const std::uint64_t x : kind_failed_outage) n += x;
  return n;
}

struct OutageSimulator::State {
  explicit State(const OutagePlan& p)
      : plan(p),
        model(*p.model),
        time(*p.model->time),
        K(p.components),
        E(p.events),
        P(p.components + p.events),
        probabilities(p.analytics->base()) {
    phase.resize(P);
    cycle.resize(P);
    down_count.resize(K);
    start.resize(P);
    detected_at.resize(P);
    repair_start.resize(P);
    detect_left.resize(K);
    detect_resumed.resize(K);
    pause_began.resize(K);
    paused_total.resize(K);
    detect_running.resize(K);
    kind_down.resize(p.kinds);
    kind_culprit.resize(p.kinds);
    down_on_path.resize(p.kinds);
    q.resize(p.kinds);
    lam_ok.resize(p.kinds);
    lam_q.resize(p.kinds);
    since.resize(p.kinds);
    for (std::uint32_t k = 0; k < p.kinds; ++k)
      kind_path.push_back(components_in_path_order(model.kinds[k].path));
    down_words.resize(p.down_words);
    if (p.batched) {
      gen_next.resize(P);
      gen_phase.resize(P);
      gen_cycle.resize(P);
    }
    if (p.alerts.any) alert_evaluator = std::make_unique<AlertEvaluator>(model, p.alerts, p.seed);
  }

  const OutagePlan& plan;
  const StructureModel& model;
  const TimeModel& time;
  const std::uint32_t K, E, P;

  TimerHeap timers;
  std::vector<Phase> phase;
  std::vector<std::uint32_t> cycle;
  CycleBlocks blocks;
  std::vector<std::uint32_t> down_count;  // own outage + active events holding it down
  std::vector<double> start, detected_at, repair_start;
  std::vector<double> detect_left, detect_resumed, pause_began, paused_total;
  // uint32 rather than uint8: a store of a char type may alias anything, and would make the
  // compiler reload every vector's data pointer after it in the hot loop.
  std::vector<std::uint32_t> detect_running;
  std::vector<std::uint32_t> kind_down;
  std::vector<std::uint32_t> kind_culprit;
  std::vector<std::uint32_t> down_on_path;  // components on the kind's path not working
  // Kind k's bit i (from word plan.kind_first_word[k]): the i-th component of its path
  // (kind_path) does not work.
  std::vector<std::uint64_t> down_words;
  std::vector<std::vector<std::uint32_t>> kind_path;
  std::vector<std::uint32_t> queue;
  std::size_t queue_head = 0;
  std::uint32_t busy = 0;
  // Per kind that is up: P(a request fails), given what is down (kept only with traffic and
  // transient failures, the only time it is used).
  std::vector<double> q;
  // Keyed by {kind, the components on its path that are down}: all q depends on.
  std::unordered_map<std::vector<std::uint32_t>, double, DownSetHash> q_cache;
  std::vector<std::uint32_t> q_key;
  StructureProbabilities probabilities;

  // The day being accumulated.
  struct DownPiece {
    std::uint32_t kind, culprit;
    std::int8_t cause;
    double a, b, arrivals;
  };
  std::vector<double> lam_ok, lam_q;
  std::vector<DownPiece> pieces;
  PoissonDraws poisson;
  std::vector<double> since;  // per kind: where its open stretch began
  std::vector<std::uint64_t> requests_before, failed_before;  // windows(): prefix sums by day
  std::vector<std::uint32_t> down_days;                       // windows(): days with downtime
  bool accounting = true;                                     // false during a warm-up
  std::uint32_t day = 0;
  double day_end = kSecondsPerDay;  // (day + 1) days
  std::uint64_t events = 0;

  // Batched histories (plan.batched): each process's own clock, ahead of the merged one.
  std::vector<double> gen_next;  // its next transition (+inf: none)
  std::vector<Phase> gen_phase;  // the phase that transition ends
  std::vector<std::uint32_t> gen_cycle;
  std::vector<Transition> batch;  // batch[0, batch_size) this round
  std::vector<Transition> later;  // moments generated for a later batch
  std::size_t batch_size = 0;
  TransitionOrder order;

  // Alert policies (plan.alerts.any): the kinds' states and the watched components' flips of
  // this history, evaluated when it ends.
  AlertTimeline timeline;
  std::unique_ptr<AlertEvaluator> alert_evaluator;
  std::vector<std::uint32_t> alert_pending;  // outages waiting for a page (detection by alert)
  std::vector<AlertKindPiece> open_pieces;   // per kind: its open stretch, for check_alerts

  HistoryResult* out = nullptr;
  HistoryResult warm;  // where the warm-up's counts go (discarded)
  std::uint32_t history = 0;
  bool record_outages = false, record_requests = false;

  OutageStream stream(std::uint32_t c, OutagePurpose purpose, std::uint32_t process) const {
    return OutageStream(plan.seed, history, c, purpose, process);
  }
  // A cycle's time to failure and time to repair, when their shapes need one uniform each
  // (exponential, Weibull; fixed needs none), come from one Philox block per (process, cycle):
  // words 0-1 and 2-3 (outage_streams.hpp, OutagePurpose::cycle). Other shapes, and detection
  // delays, draw from their own purpose's stream.
  [[gnu::always_inline]] double draw(const DurationDistribution& d, OutagePurpose purpose,
                                     std::uint32_t process, std::uint32_t at_cycle) {
    const bool cycle_purpose =
        purpose == OutagePurpose::failure || purpose == OutagePurpose::repair;
    // The common case inline: an exponential time to failure or repair is its mean times a
    // standard exponential of the cycle block.
    if (d.shape == DurationShape::exponential && cycle_purpose) [[likely]]
      return d.a * blocks.exponential(
                       process, at_cycle,
                       purpose == OutagePurpose::failure ? CycleHalf::failure : CycleHalf::repair);
    return draw_other(d, purpose, process, at_cycle);
  }
  [[gnu::noinline]] double draw_other(const DurationDistribution& d, OutagePurpose purpose,
                                      std::uint32_t process, std::uint32_t at_cycle) {
    if (d.shape == DurationShape::weibull &&
        (purpose == OutagePurpose::failure || purpose == OutagePurpose::repair)) {
      const CycleHalf half =
          purpose == OutagePurpose::failure ? CycleHalf::failure : CycleHalf::repair;
      return duration_from_exponential(d, blocks.exponential(process, at_cycle, half));
    }
    OutageStream s = stream(at_cycle, purpose, process);
    return draw_duration(d, s);
  }
  double draw(const DurationDistribution& d, OutagePurpose purpose, std::uint32_t process) {
    return draw(d, purpose, process, cycle[process]);
  }
  const OutageProcess& process_of(std::uint32_t p) const {
    return p < K ? *time.components[p].outages : *time.events[p - K];
  }
  bool works(std::uint32_t c) const noexcept { return down_count[c] == 0; }
  bool needs_work(std::uint32_t c) const {
    return block_works(time.components[c].detection.needs,
                       [this](std::uint32_t x) { return works(x); });
  }
  bool process_down(std::uint32_t p) const noexcept { return phase[p] != Phase::up; }

  void begin(std::uint32_t h, bool outages, bool requests, HistoryResult& result) {
    out = &result;
    history = h;
    record_outages = outages;
    record_requests = requests;
    reset_result(result);
    if (plan.warm_up > 0) reset_result(warm);
    reset_state();
    blocks.start_history(plan.seed, history, P);
  }

  void reset_result(HistoryResult& result) const {
    const std::uint32_t kinds = plan.kinds;
    result.kind_downtime.assign(kinds, 0);
    result.kind_requests.assign(kinds, 0);
    result.kind_failed.assign(kinds, 0);
    result.kind_failed_outage.assign(kinds, 0);
    result.downtime = 0;
    result.outages = 0;
    result.detect_time = result.repair_time = 0;
    result.detected = result.repaired = 0;
    result.process_outages.assign(P, 0);
    result.process_downtime.assign(P, 0);
    result.process_detect_time.assign(P, 0);
    result.process_repair_time.assign(P, 0);
    result.process_detected.assign(P, 0);
    result.process_repaired.assign(P, 0);
    result.budget_time.assign(P, 0);
    result.budget_detection_time.assign(P, 0);
    result.budget_requests.assign(P, 0);
    result.day_requests.assign(plan.days, 0);
    result.day_failed.assign(plan.days, 0);
    result.day_downtime.assign(plan.days, 0);
    result.slo_day_requests.assign(plan.slo_day_kinds.size() * plan.days, 0);
    result.slo_day_failed.assign(plan.slo_day_kinds.size() * plan.days, 0);
    result.outage_records.clear();
    result.request_records.clear();
  }

  void reset_state() {
    timers.reset(P);
    std::fill(phase.begin(), phase.end(), Phase::up);
    std::fill(cycle.begin(), cycle.end(), 0u);
    std::fill(down_count.begin(), down_count.end(), 0u);
    std::fill(detect_running.begin(), detect_running.end(), 0u);
    std::fill(paused_total.begin(), paused_total.end(), 0.0);
    std::fill(kind_down.begin(), kind_down.end(), 0u);
    std::fill(down_on_path.begin(), down_on_path.end(), 0u);
    std::fill(down_words.begin(), down_words.end(), std::uint64_t{0});
    std::fill(kind_culprit.begin(), kind_culprit.end(), kNoProcess);
    std::fill(lam_ok.begin(), lam_ok.end(), 0.0);
    std::fill(lam_q.begin(), lam_q.end(), 0.0);
    queue.clear();
    queue_head = 0;
    busy = 0;
    pieces.clear();
    alert_pending.clear();
    std::fill(since.begin(), since.end(), 0.0);
    accounting = true;
    day = 0;
    day_end = kSecondsPerDay;
    events = 0;
  }

  // ---- the start state ----

  // Starts every process at time `origin` (0, or -warm_up).
  void start_processes(double origin) {
    const bool steady = time.start == StartState::steady;
    // Pass 1: phases and down counts, no clocks yet (a detection clock depends on the others).
    for (std::uint32_t p = 0; p < P; ++p) {
      const bool component = p < K;
      if (component ? !time.components[p].outages : !time.events[p - K]) continue;
      const OutageProcess& proc = process_of(p);
      if (!steady) {
        timers.set(p, origin + draw(proc.failure, OutagePurpose::failure, p));
        continue;
      }
      OutageStream s = stream(0, OutagePurpose::start, p);
      const Detection* detection = component ? &time.components[p].detection : nullptr;
      const double up_mean = proc.failure.mean();
      const double detect_mean =
          detection != nullptr && !detection->immediate ? detection->delay.mean() : 0;
      const double down_mean = proc.repair.mean();
      const double u = s.open_uniform() * (up_mean + detect_mean + down_mean);
      if (u < up_mean) {
        timers.set(p, origin + draw_residual(proc.failure, s));
        continue;
      }
      // In an outage since before the start: it counts, beginning at the origin.
      start[p] = origin;
      detected_at[p] = kNaN;
      repair_start[p] = kNaN;
      ++out->process_outages[p];
      if (component) {
        ++down_count[p];
        if (u < up_mean + detect_mean) {
          phase[p] = Phase::detecting;
          detect_left[p] = draw_residual(detection->delay, s);
          paused_total[p] = 0;
        } else {
          detected_at[p] = origin;
          if (time.crews == 0 || busy < time.crews) {
            ++busy;
            phase[p] = Phase::repairing;
            repair_start[p] = origin;
            timers.set(p, origin + draw_residual(proc.repair, s));
          } else {
            phase[p] = Phase::queued;
            queue.push_back(p);
          }
        }
      } else {
        phase[p] = Phase::repairing;
        detected_at[p] = repair_start[p] = origin;
        for (const std::uint32_t c : model.common_causes[p - K].takes_down) ++down_count[c];
        timers.set(p, origin + draw_residual(proc.repair, s));
      }
    }
    if (!steady) return;
    // Pass 2: the detection clocks of outages in progress.
    for (std::uint32_t c = 0; c < K; ++c) {
      if (phase[c] != Phase::detecting) continue;
      if (needs_work(c)) {
        detect_running[c] = 1;
        detect_resumed[c] = origin;
        timers.set(c, origin + detect_left[c]);
      } else {
        pause_began[c] = origin;
      }
    }
    // Pass 3: what is down, which kinds are down and why.
    for (std::uint32_t k = 0; k < plan.kinds; ++k) {
      for (std::size_t i = 0; i < kind_path[k].size(); ++i)
        if (!works(kind_path[k][i])) {
          ++down_on_path[k];
          down_words[plan.kind_first_word[k] + i / 64] |= std::uint64_t{1} << (i % 64);
        }
      kind_down[k] = path_down(k);
      if (kind_down[k]) kind_culprit[k] = first_down_on_path(k);
    }
  }

  // ---- state changes ----

  bool path_down(std::uint32_t k) const {
    const std::uint32_t threshold = plan.kind_down_threshold[k];
    if (threshold > 0) return down_on_path[k] >= threshold;
    return !block_works(model.kinds[k].path, [this](std::uint32_t x) { return works(x); });
  }

  // The process holding down the first component on kind k's path that does not work: its own
  // outage, else the first active event taking it down.
  // A component that does not work is in its own outage or held down by an active event, so
  // the first set bit of down_bits names it.
  std::uint32_t first_down_on_path(std::uint32_t k) const {
    const std::uint64_t* bits = &down_words[plan.kind_first_word[k]];
    const std::size_t words = (kind_path[k].size() + 63) / 64;
    for (std::size_t w = 0; w < words; ++w) {
      if (bits[w] == 0) continue;
      const std::uint32_t c =
          kind_path[k][w * 64 + static_cast<std::size_t>(std::countr_zero(bits[w]))];
      if (phase[c] != Phase::up) return c;
      for (std::uint32_t e = 0; e < E; ++e) {
        if (phase[K + e] == Phase::up) continue;
        const auto& down = model.common_causes[e].takes_down;
        if (std::binary_search(down.begin(), down.end(), c)) return K + e;
      }
      return kNoProcess;
    }
    return kNoProcess;
  }

  // Component c's down count changes by delta at t (trigger: the process that changes it). When
  // c stops or starts working, every kind whose stretch that ends (its state, its charge or
  // its q changes) is accounted up to t first, with what held before.
  void change_down(std::uint32_t c, int delta, double t, std::uint32_t trigger) {
    const std::uint32_t before = down_count[c];
    const auto after = static_cast<std::uint32_t>(static_cast<int>(before) + delta);
    const bool worked = before == 0;
    if (worked == (after == 0)) {
      down_count[c] = after;
      return;
    }
    // Kinds charged to an outage whose detection waits for c are charged to c (or another
    // need) until now.
    if (plan.is_needed[c]) [[unlikely]]
      for (const std::uint32_t x : plan.needed_by[c]) close_charged_to(x, t);
    down_count[c] = after;
    if (plan.alerts.watched[c] && accounting) [[unlikely]]
      timeline.flips.push_back({t, c, after == 0 ? 1u : 0u});
    if (plan.is_needed[c]) [[unlikely]]
      for (const std::uint32_t x : plan.needed_by[c]) update_detection_clock(x, t);
    const OutagePlan::PathSlot* slot = plan.slots.data() + plan.slot_begin[c];
    const OutagePlan::PathSlot* const end = plan.slots.data() + plan.slot_begin[c + 1];
    for (; slot != end; ++slot) update_kind(*slot, worked, t, trigger);
  }

  // A component on kind slot.kind's path stopped working (worked) or started again at t.
  [[gnu::always_inline]] void update_kind(const OutagePlan::PathSlot& slot, bool worked, double t,
                                          std::uint32_t trigger) {
    const std::uint32_t k = slot.kind;
    down_words[slot.word] ^= slot.mask;
    const std::uint32_t on_path = worked ? down_on_path[k] + 1 : down_on_path[k] - 1;
    down_on_path[k] = on_path;
    const std::uint32_t threshold = plan.kind_down_threshold[k];
    const bool down = threshold > 0 ? on_path >= threshold : path_down(k);
    const bool was_down = kind_down[k] != 0;
    const bool q_matters = plan.traffic && plan.transient;
    if (down && was_down) {
      // Still down: only the charge can change, when the outage that brought the kind down is
      // over but another keeps it down.
      const std::uint32_t culprit = kind_culprit[k];
      if (culprit != kNoProcess && process_down(culprit)) return;
      const std::uint32_t next = first_down_on_path(k);
      if (charged_to(next) != charged_to(culprit)) close_stretch(k, t);
      kind_culprit[k] = next;
      return;
    }
    if (down != was_down || q_matters) close_stretch(k, t);
    kind_down[k] = down;
    kind_culprit[k] = down ? trigger : kNoProcess;
    if (!down && q_matters) q[k] = kind_q(k);
  }

  // Ends the stretches of the down kinds charged to x's outage (their charge is about to
  // change with x's detection clock or its needs).
  void close_charged_to(std::uint32_t x, double t) {
    if (phase[x] != Phase::detecting) return;
    for (const std::uint32_t k : plan.kinds_of_component[x])
      if (kind_down[k] && kind_culprit[k] == x) close_stretch(k, t);
  }

  void update_detection_clock(std::uint32_t c, double t) {
    if (phase[c] != Phase::detecting) return;
    const bool can_run = needs_work(c);
    if (detect_running[c] && !can_run) {
      detect_left[c] = std::max(0.0, detect_left[c] - (t - detect_resumed[c]));
      detect_running[c] = 0;
      pause_began[c] = t;
      timers.cancel(c);
    } else if (!detect_running[c] && can_run) {
      detect_running[c] = 1;
      detect_resumed[c] = t;
      paused_total[c] += t - pause_began[c];
      timers.set(c, t + detect_left[c]);
    }
  }

  // ---- a process's own bookkeeping (the heap's handlers and the batched generator) ----

  [[gnu::always_inline]] void count_failure(std::uint32_t c, double t) {
    ++out->process_outages[c];
    start[c] = t;
    detected_at[c] = kNaN;
    repair_start[c] = kNaN;
    paused_total[c] = 0;
  }
  [[gnu::always_inline]] void count_detection(std::uint32_t c, double t) {
    detect_running[c] = 0;
    detected_at[c] = t;
    out->process_detect_time[c] += t - start[c];
    ++out->process_detected[c];
  }
  [[gnu::always_inline]] void count_repaired(std::uint32_t c, double t) {
    out->process_repair_time[c] += t - detected_at[c];
    ++out->process_repaired[c];
    out->process_downtime[c] += t - start[c];
    if (record_outages)
      out->outage_records.push_back(
          {c, start[c], detected_at[c], repair_start[c], t, paused_total[c]});
  }
  [[gnu::always_inline]] void count_event_start(std::uint32_t p, double t) {
    ++out->process_outages[p];
    start[p] = detected_at[p] = repair_start[p] = t;
  }
  [[gnu::always_inline]] void count_event_end(std::uint32_t p, double t) {
    out->process_downtime[p] += t - start[p];
    if (record_outages) out->outage_records.push_back({p, start[p], start[p], start[p], t, 0});
  }

  // ---- the timer heap's handlers ----

  void fail(std::uint32_t c, double t) {
    count_failure(c, t);
    phase[c] = Phase::detecting;
    change_down(c, +1, t, c);
    const Detection& detection = time.components[c].detection;
    if (detection.immediate) {
      detect(c, t);
      return;
    }
    if (detection.by_alert()) [[unlikely]] {
      // Detected when a page comes (check_alerts), not after a delay.
      detect_running[c] = 0;
      alert_pending.push_back(c);
      return;
    }
    detect_left[c] = draw(detection.delay, OutagePurpose::detection, c);
    if (needs_work(c)) {
      detect_running[c] = 1;
      detect_resumed[c] = t;
      timers.set(c, t + detect_left[c]);
    } else {
      detect_running[c] = 0;
      pause_began[c] = t;
    }
  }

  void detect(std::uint32_t c, double t) {
    count_detection(c, t);
    if (time.crews == 0 || busy < time.crews) {
      start_repair(c, t);
    } else {
      phase[c] = Phase::queued;
      queue.push_back(c);
    }
  }

  void start_repair(std::uint32_t c, double t) {
    ++busy;
    phase[c] = Phase::repairing;
    repair_start[c] = t;
    timers.set(c, t + draw(time.components[c].outages->repair, OutagePurpose::repair, c));
  }

  void next_cycle(std::uint32_t p) {
    if (++cycle[p] == 0) throw std::runtime_error("a process ran more than 2^32 cycles");
  }

  void repaired(std::uint32_t c, double t) {
    --busy;
    phase[c] = Phase::up;
    count_repaired(c, t);
    change_down(c, -1, t, c);
    next_cycle(c);
    timers.set(c, t + draw(time.components[c].outages->failure, OutagePurpose::failure, c));
    if (queue_head < queue.size()) {
      start_repair(queue[queue_head++], t);
      if (queue_head == queue.size()) {
        queue.clear();
        queue_head = 0;
      }
    }
  }

  void event_starts(std::uint32_t p, double t) {
    count_event_start(p, t);
    phase[p] = Phase::repairing;
    for (const std::uint32_t c : model.common_causes[p - K].takes_down) change_down(c, +1, t, p);
    timers.set(p, t + draw(time.events[p - K]->repair, OutagePurpose::repair, p));
  }

  void event_ends(std::uint32_t p, double t) {
    phase[p] = Phase::up;
    count_event_end(p, t);
    for (const std::uint32_t c : model.common_causes[p - K].takes_down) change_down(c, -1, t, p);
    next_cycle(p);
    timers.set(p, t + draw(time.events[p - K]->failure, OutagePurpose::failure, p));
  }

  // Detection by alert: looks for a page between the last look and the next event (or the
  // horizon), while the state stays what it is now. A page at t_p detects every outage of its
  // policy that is waiting and began by t_p, `acknowledge` later. True when it set timers.
  bool check_alerts() {
    const double until = std::min(plan.horizon, timers.empty() ? plan.horizon : timers.top_time());
    // Each kind's open stretch, up to until (it may span day ends the days have not closed
    // yet: a page may still change what happens before them).
    open_pieces.resize(plan.kinds);
    for (std::uint32_t k = 0; k < plan.kinds; ++k)
      open_pieces[k] = {since[k], until, kind_down[k] ? 1.0 : (plan.transient ? q[k] : 0.0), k,
                        kind_down[k]};
    bool set = false;
    for (std::uint32_t policy = 0; policy < time.alerting.size(); ++policy) {
      double from = std::numeric_limits<double>::infinity();
      for (const std::uint32_t c : alert_pending)
        if (time.components[c].detection.alert == static_cast<std::int32_t>(policy))
          from = std::min(from, start[c]);
      if (!std::isfinite(from)) continue;
      const double page =
          alert_evaluator->first_page(policy, history, from, until, timeline, open_pieces);
      if (!(page <= until)) continue;
      std::size_t kept = 0;
      for (const std::uint32_t c : alert_pending) {
        const Detection& d = time.components[c].detection;
        if (d.alert == static_cast<std::int32_t>(policy) && start[c] <= page) {
          detect_running[c] = 1;
          timers.set(c, page + d.acknowledge);
          set = true;
        } else {
          alert_pending[kept++] = c;
        }
      }
      alert_pending.resize(kept);
    }
    return set;
  }

  void handle(std::uint32_t p, double t) {
    if (p >= K) {
      if (phase[p] == Phase::up)
        event_starts(p, t);
      else
        event_ends(p, t);
      return;
    }
    switch (phase[p]) {
      case Phase::up:
        fail(p, t);
        break;
      case Phase::detecting:
        detect(p, t);
        break;
      case Phase::repairing:
        repaired(p, t);
        break;
      case Phase::queued:
        break;  // never scheduled
    }
  }

  // A kind's per-request failure probability while it is up depends only on which components
  // of its own path are down: none (the common case, and always for a series path) is the
  // exact value of the structure analytics; otherwise one pass over the kind's diagram with
  // those components down, cached.
  double kind_q(std::uint32_t k) {
    if (!plan.transient) return 0;
    if (down_on_path[k] == 0) return plan.base_unreliability[k];
    const StructureProbabilities& base = plan.analytics->base();
    q_key.assign(1, k);
    for (const std::uint32_t c : kind_path[k])
      if (!works(c)) q_key.push_back(c);
    auto found = q_cache.find(q_key);
    if (found == q_cache.end()) {
      // Bounded: a structure with many components can visit many down sets.
      if (q_cache.size() >= 4096) q_cache.clear();
      for (std::size_t i = 1; i < q_key.size(); ++i) {
        probabilities.component_up[q_key[i]] = 0;
        probabilities.component_down[q_key[i]] = 1;
      }
      const double value = plan.analytics->kind_unreliability(k, probabilities);
      for (std::size_t i = 1; i < q_key.size(); ++i) {
        probabilities.component_up[q_key[i]] = base.component_up[q_key[i]];
        probabilities.component_down[q_key[i]] = base.component_down[q_key[i]];
      }
      found = q_cache.emplace(q_key, value).first;
    }
    return found->second;
  }

  // Who a down kind's time is charged to: the outage that brought it down, or, while that
  // outage's detection waits for its `needs`, the first needed component that is down.
  std::pair<std::uint32_t, std::int8_t> charged_to(std::uint32_t c) const {
    if (c < K && phase[c] == Phase::detecting && !detect_running[c])
      for (const std::uint32_t n : time.components[c].detection.needs_components)
        if (!works(n)) return {n, std::int8_t{2}};
    return {c, std::int8_t{1}};
  }

  // ---- requests and downtime ----
  //
  // Each kind's time is accounted in stretches over which everything that decides its
  // requests stays the same: down or up, whom its downtime is charged to, and (with traffic
  // and transient failures) its q. A stretch ends just before one of them changes
  // (change_down, update_detection_clock) and at the end of each day, whose requests are
  // drawn at once (flush_day); since[k] is where kind k's open stretch began. An event that
  // changes nothing for a kind costs it nothing.

  // Accounts kind k's stretch [since[k], t), which lies inside the current day.
  void close_stretch(std::uint32_t k, double t) {
    const double a = since[k];
    since[k] = t;
    if (!accounting || !(t > a)) return;
    const bool down = kind_down[k];
    if (plan.alerts.any) [[unlikely]]
      timeline.pieces.push_back({a, t, down ? 1.0 : (plan.transient ? q[k] : 0.0), k, down});
    if (!down && !plan.traffic) return;
    const double lam =
        plan.traffic ? time.traffic.arrivals_between(a, t) * plan.kind_share[k] : 0.0;
    if (down) {
      const double length = t - a;
      const double weighted = length * plan.kind_share[k];
      out->kind_downtime[k] += length;
      out->downtime += weighted;
      out->day_downtime[day] += weighted;
      const auto [process, cause] = charged_to(kind_culprit[k]);
      if (process != kNoProcess) {
        if (cause == 1)
          out->budget_time[process] += weighted;
        else
          out->budget_detection_time[process] += weighted;
      }
      if (lam > 0) pieces.push_back({k, process, cause, a, t, lam});
    } else if (plan.transient) {
      lam_q[k] += q[k] * lam;
      lam_ok[k] += (1 - q[k]) * lam;
    } else {
      lam_ok[k] += lam;
    }
  }

  // Every day that ends by t: its stretches end with it and its requests are drawn.
  [[gnu::always_inline]] void pass_days(double t) {
    if (t < day_end) [[likely]]
      return;
    while (day < plan.days) {
      if (t < day_end) return;
      for (std::uint32_t k = 0; k < plan.kinds; ++k) close_stretch(k, day_end);
      flush_day();
    }
  }

  // Stretches begin at `origin` with q for the state there.
  void open_stretches(double origin) {
    if (plan.alerts.any) {
      timeline.clear();
      for (std::uint32_t c = 0; c < K; ++c)
        if (plan.alerts.watched[c]) timeline.flips.push_back({origin, c, works(c) ? 1u : 0u});
    }
    for (std::uint32_t k = 0; k < plan.kinds; ++k) {
      since[k] = origin;
      if (!kind_down[k] && plan.traffic && plan.transient) q[k] = kind_q(k);
    }
  }

  void flush_day() {
    std::size_t first_record = out->request_records.size();
    for (std::uint32_t k = 0; k < plan.kinds; ++k) {
      OutageStream s = stream(day, OutagePurpose::traffic, k);
      const std::uint64_t ok = poisson(lam_ok[k], s);
      const std::uint64_t transient = poisson(lam_q[k], s);
      std::uint64_t outage = 0;
      OutageStream arrivals = stream(day, OutagePurpose::arrival, k);
      for (const DownPiece& piece : pieces) {
        if (piece.kind != k) continue;
        const std::uint64_t n = poisson(piece.arrivals, s);
        outage += n;
        if (piece.culprit != kNoProcess) out->budget_requests[piece.culprit] += n;
        if (!record_requests) continue;
        if (out->request_records.size() + n > kMaxListedRequestsPerHistory)
          throw InputError(
              "--record requests: history " + std::to_string(history) + " has more than " +
              std::to_string(kMaxListedRequestsPerHistory) +
              " failed requests to list (the limit per history); lower the traffic rate, or "
              "record outages (--record outages)");
        for (std::uint64_t i = 0; i < n; ++i) {
          const double at =
              std::min(time.traffic.time_of(
                           piece.a, arrivals.open_uniform() * piece.arrivals / plan.kind_share[k]),
                       std::nextafter(piece.b, piece.a));
          out->request_records.push_back({at, k,
                                          piece.culprit == kNoProcess
                                              ? std::int32_t{-1}
                                              : static_cast<std::int32_t>(piece.culprit),
                                          piece.cause});
        }
      }
      out->kind_requests[k] += ok + transient + outage;
      out->kind_failed[k] += transient + outage;
      out->kind_failed_outage[k] += outage;
      out->day_requests[day] += ok + transient + outage;
      out->day_failed[day] += transient + outage;
      for (std::size_t slot = 0; slot < plan.slo_day_kinds.size(); ++slot)
        if (plan.slo_day_kinds[slot] == k) {
          out->slo_day_requests[slot * plan.days + day] += ok + transient + outage;
          out->slo_day_failed[slot * plan.days + day] += transient + outage;
        }
      lam_ok[k] = lam_q[k] = 0;
    }
    pieces.clear();
    if (record_requests)
      std::sort(out->request_records.begin() + static_cast<std::ptrdiff_t>(first_record),
                out->request_records.end(), [](const auto& x, const auto& y) {
                  return x.time < y.time || (x.time == y.time && x.kind < y.kind);
                });
    ++day;
    day_end = (day + 1) * kSecondsPerDay;
  }

  // ---- the end of the horizon ----

  void close_open(double horizon) {
    for (std::uint32_t p = 0; p < P; ++p) {
      if (phase[p] == Phase::up) continue;
      out->process_downtime[p] += horizon - start[p];
      double paused = p < K ? paused_total[p] : 0;
      if (p < K && phase[p] == Phase::detecting && !detect_running[p])
        paused += horizon - pause_began[p];
      if (record_outages)
        out->outage_records.push_back({p, start[p], detected_at[p], repair_start[p], kNaN, paused});
    }
  }

  void windows() {
    HistoryResult& r = *out;
    const std::size_t n = plan.windows.size();
    r.window_requests.assign(n, 0);
    r.window_failed.assign(n, 0);
    r.window_downtime.assign(n, 0);
    r.window_met_time.assign(n, 0);
    r.window_met_requests.assign(n, 0);
    r.windows_met_time = r.windows_met_requests = 0;
    if (n == 0) return;
    // Rolling windows overlap: 30-day windows stepped daily would add every day 30 times.
    // Counts come from prefix sums (exact for integers); downtime from the days that have
    // any, in day order, which adds exactly the nonzero terms of the direct sum in its order.
    const std::size_t days = r.day_requests.size();
    requests_before.assign(days + 1, 0);
    failed_before.assign(days + 1, 0);
    down_days.clear();
    for (std::size_t d = 0; d < days; ++d) {
      requests_before[d + 1] = requests_before[d] + r.day_requests[d];
      failed_before[d + 1] = failed_before[d] + r.day_failed[d];
      if (r.day_downtime[d] != 0) down_days.push_back(static_cast<std::uint32_t>(d));
    }
    std::size_t first_down = 0;  // windows start on nondecreasing days (slo_windows)
    for (std::size_t w = 0; w < n; ++w) {
      const SloWindow& window = plan.windows[w];
      const std::uint32_t end = window.first_day + window.days;
      const std::uint64_t requests = requests_before[end] - requests_before[window.first_day];
      const std::uint64_t failed = failed_before[end] - failed_before[window.first_day];
      while (first_down < down_days.size() && down_days[first_down] < window.first_day)
        ++first_down;
      double downtime = 0;
      for (std::size_t i = first_down; i < down_days.size() && down_days[i] < end; ++i)
        downtime += r.day_downtime[down_days[i]];
      r.window_requests[w] = requests;
      r.window_failed[w] = failed;
      r.window_downtime[w] = downtime;
      const double budget = plan.window_budget_fraction;
      const bool met_time = downtime <= budget * window.days * kSecondsPerDay;
      const bool met_requests =
          static_cast<double>(failed) <= budget * static_cast<double>(requests);
      r.window_met_time[w] = met_time;
      r.window_met_requests[w] = met_requests;
      r.windows_met_time += met_time;
      r.windows_met_requests += met_requests;
    }
  }

  // A steady start that is not exact by itself (repairs that queue, detection that waits):
  // simulate from -warm_up to 0 without counting anything, then count the outages in
  // progress at 0 as beginning at 0, as the exact steady start does.
  void warm_up() {
    HistoryResult& real = *out;
    const bool record = record_outages;
    out = &warm;
    record_outages = false;
    accounting = false;
    start_processes(-plan.warm_up);
    while (!timers.empty() && timers.top_time() < 0) {
      const double t = timers.top_time();
      const std::uint32_t p = timers.take_due();
      if (++events > kMaxEventsPerHistory) throw_too_many_events();
      handle(p, t);
      timers.finish_due();
    }
    out = &real;
    record_outages = record;
    accounting = true;
    for (std::uint32_t p = 0; p < P; ++p) {
      if (phase[p] == Phase::up) continue;
      ++out->process_outages[p];
      start[p] = 0;
      if (detected_at[p] < 0) detected_at[p] = 0;
      if (repair_start[p] < 0) repair_start[p] = 0;
      if (p < K) {
        paused_total[p] = 0;
        if (pause_began[p] < 0) pause_began[p] = 0;
        if (detect_resumed[p] < 0) detect_resumed[p] = 0;
      }
    }
    events = 0;
  }

  // The history's totals, summed over processes in index order (the same order whichever way
  // the history ran).
  void totals() {
    HistoryResult& r = *out;
    r.outages = r.detected = r.repaired = 0;
    r.detect_time = r.repair_time = 0;
    for (std::uint32_t p = 0; p < P; ++p) {
      r.outages += r.process_outages[p];
      r.detected += r.process_detected[p];
      r.repaired += r.process_repaired[p];
      r.detect_time += r.process_detect_time[p];
      r.repair_time += r.process_repair_time[p];
    }
  }

  [[noreturn]] void throw_too_many_events() const {
    throw std::runtime_error("history " + std::to_string(history) + " has more than " +
                             std::to_string(kMaxEventsPerHistory) +
                             " outage events: times to failure far below the horizon");
  }

  // ---- batched histories ----

  // Process p's clock runs from gen_next[p] to the end of its current outage (or event): each
  // moment it passes gets the bookkeeping the heap's handler would give it, with the same
  // arithmetic; the moments that change what works go to the batch, or, from hi on, wait in
  // `later` for their batch. Then its next failure is drawn, from the numbers the heap would
  // draw. An outage still open at the horizon stays in its phase, as the heap leaves it.
  [[gnu::always_inline]] void advance(std::uint32_t p, double hi) {
    double t = gen_next[p];
    const std::uint32_t n = gen_cycle[p];
    count_event();  // the moment at gen_next
    if (p >= K) {
      const OutageProcess& event = *time.events[p - K];
      if (gen_phase[p] == Phase::up) {
        count_event_start(p, t);
        emit({t, p, Change::down});
        gen_phase[p] = Phase::repairing;
        t += draw(event.repair, OutagePurpose::repair, p, n);
        if (!(t < plan.horizon)) return stop(p);
        count_event();
      }
      count_event_end(p, t);
      emit_at({t, p, Change::up}, hi);
      next_failure(p, t, event.failure);
      return;
    }
    const ComponentTiming& timing = time.components[p];
    if (gen_phase[p] == Phase::up) {
      count_failure(p, t);
      emit({t, p, Change::down});
      gen_phase[p] = Phase::detecting;
      if (!timing.detection.immediate) {
        detect_running[p] = 1;
        detect_resumed[p] = t;
        t += draw(timing.detection.delay, OutagePurpose::detection, p, n);
        if (!(t < plan.horizon)) return stop(p);
        count_event();
      }
    }
    if (gen_phase[p] == Phase::detecting) {
      count_detection(p, t);
      repair_start[p] = t;
      gen_phase[p] = Phase::repairing;
      t += draw(timing.outages->repair, OutagePurpose::repair, p, n);
      if (!(t < plan.horizon)) return stop(p);
      count_event();
    }
    count_repaired(p, t);
    emit_at({t, p, Change::up}, hi);
    next_failure(p, t, timing.outages->failure);
  }

  [[gnu::always_inline]] void count_event() {
    if (++events > kMaxEventsPerHistory) [[unlikely]]
      throw_too_many_events();
  }
  // The process stays in its phase to the horizon.
  void stop(std::uint32_t p) { gen_next[p] = std::numeric_limits<double>::infinity(); }
  [[gnu::always_inline]] void next_failure(std::uint32_t p, double t,
                                           const DurationDistribution& failure) {
    gen_phase[p] = Phase::up;
    if (++gen_cycle[p] == 0) [[unlikely]]
      throw std::runtime_error("a process ran more than 2^32 cycles");
    gen_next[p] = t + draw(failure, OutagePurpose::failure, p, gen_cycle[p]);
  }
  [[gnu::always_inline]] void emit_at(const Transition& transition, double hi) {
    if (transition.time < hi)
      emit(transition);
    else
      later.push_back(transition);
  }

  [[gnu::always_inline]] void emit(const Transition& transition) {
    if (batch_size == batch.size()) [[unlikely]]
      batch.resize(2 * batch.size() + 256);
    batch[batch_size++] = transition;
  }

  // A transition of the merged timeline: what the heap's handler changes beyond the process's
  // own bookkeeping. phase[] only tells up from not up here (gen_phase has the rest).
  [[gnu::always_inline]] void sweep(const Transition& transition) {
    const std::uint32_t p = transition.process;
    const double t = transition.time;
    const int delta = transition.change == Change::down ? +1 : -1;
    phase[p] = delta > 0 ? Phase::repairing : Phase::up;
    if (p < K && plan.one_slot[p]) {
      // change_down for the common component: on one kind's path, needed by no detection.
      const std::uint32_t before = down_count[p];
      const auto after = static_cast<std::uint32_t>(static_cast<int>(before) + delta);
      down_count[p] = after;
      if ((before == 0) != (after == 0))
        update_kind(plan.slots[plan.slot_begin[p]], before == 0, t, p);
      return;
    }
    if (p < K) {
      change_down(p, delta, t, p);
      return;
    }
    for (const std::uint32_t c : model.common_causes[p - K].takes_down) change_down(c, delta, t, p);
  }

  // The processes start as in the heap; then each runs ahead on its own clock, batch_seconds
  // at a time, and the batch's transitions are handled in the heap's order.
  void run_batched() {
    start_processes(0);
    for (std::uint32_t p = 0; p < P; ++p) {
      gen_phase[p] = phase[p];
      gen_cycle[p] = cycle[p];
      gen_next[p] = timers.pending(p) ? timers.time_of(p) : std::numeric_limits<double>::infinity();
      if (phase[p] != Phase::up) phase[p] = Phase::repairing;
    }
    timers.reset(P);
    later.clear();
    open_stretches(0);
    for (double lo = 0; lo < plan.horizon;) {
      double hi = std::min(plan.horizon, lo + plan.batch_seconds);
      if (!(hi > lo)) hi = plan.horizon;
      batch_size = 0;
      std::size_t kept = 0;
      for (const Transition& transition : later)
        if (transition.time < hi)
          emit(transition);
        else
          later[kept++] = transition;
      later.resize(kept);
      for (std::uint32_t p = 0; p < P; ++p)
        while (gen_next[p] < hi) advance(p, hi);
      order.order(batch, batch_size, lo, hi);
      for (const Transition& transition : std::span(batch.data(), batch_size)) {
        pass_days(transition.time);
        sweep(transition);
      }
      lo = hi;
    }
    // The end of the horizon sees each process as its own clock left it.
    phase.swap(gen_phase);
    finish();
  }

  void run() {
    if (plan.batched) {
      run_batched();
      return;
    }
    if (plan.warm_up > 0)
      warm_up();
    else
      start_processes(0);
    open_stretches(0);
    if (plan.alerts.detects) alert_evaluator->begin_history(plan.horizon);
    for (;;) {
      if (!alert_pending.empty() && check_alerts()) continue;  // a page set detection timers
      if (timers.empty()) break;
      const double t = timers.top_time();
      if (!(t < plan.horizon)) break;
      pass_days(t);
      const std::uint32_t p = timers.take_due();
      if (++events > kMaxEventsPerHistory) throw_too_many_events();
      handle(p, t);
      timers.finish_due();
    }
    finish();
  }

  void finish() {
    pass_days(plan.horizon);
    if (day < plan.days) {  // the partial last day
      for (std::uint32_t k = 0; k < plan.kinds; ++k) close_stretch(k, plan.horizon);
      flush_day();
    }
    totals();
    close_open(plan.horizon);
    if (record_outages)
      std::sort(out->outage_records.begin(), out->outage_records.end(),
                [](const OutageRecord& x, const OutageRecord& y) {
                  return x.start < y.start || (x.start == y.start && x.process < y.process);
                });
    windows();
    if (plan.alerts.any)
      alert_evaluator->evaluate(history, timeline, plan.horizon, record_outages, out->alerts);
    slos();
  }

  // The SLOs of time.slos, from the per-day counts and the bad slices.
  void slos() {
    HistoryResult& r = *out;
    r.slos.resize(plan.slos.size());
    for (std::size_t i = 0; i < plan.slos.size(); ++i) {
      const SloPlan& slo = plan.slos[i];
      if (slo.budgeting == SloBudgeting::timeslices) {
        account_timeslices(slo, r.alerts.bad_slices[slo.spec - plan.alerts.user_policies],
                           plan.whole_days, r.slos[i]);
      } else if (slo.day_slot < 0) {
        account_occurrences(slo, r.day_requests.data(), r.day_failed.data(), plan.whole_days,
                            r.slos[i]);
      } else {
        const std::size_t at = static_cast<std::size_t>(slo.day_slot) * plan.days;
        account_occurrences(slo, r.slo_day_requests.data() + at, r.slo_day_failed.data() + at,
                            plan.whole_days, r.slos[i]);
      }
    }
  }
};

OutageSimulator::OutageSimulator(const OutagePlan& plan) : state_(std::make_unique<State>(plan)) {}
OutageSimulator::~OutageSimulator() = default;

void OutageSimulator::run(std::uint32_t history, bool record_outages, bool record_requests,
                          HistoryResult& out) {
  state_->begin(history, record_outages, record_requests, out);
  state_->run();
}

}  // namespace nines
