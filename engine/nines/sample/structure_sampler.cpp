#include "nines/sample/structure_sampler.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <boost/random/binomial_distribution.hpp>

#include "nines/sample/attempt_draw_batch.hpp"
#include "nines/sample/attempt_stream.hpp"
#include "nines/sample/philox_bulk.hpp"
#include "nines/sample/random_streams.hpp"

namespace nines {
namespace {

// Conditional thresholds for "at least one of these variables is bad": variable t is bad with
// probability q_t / (1 - prod_{l >= t} (1 - q_l)) while none before it was. The suffix product
// is accumulated as a sum of log1p(-q) and turned into 1 - prod by -expm1, so that
// probabilities of 1e-12 keep their digits.
std::vector<std::uint64_t> conditional_thresholds(const std::vector<long double>& q) {
  std::vector<std::uint64_t> out(q.size(), 0);
  long double log_all_good = 0;  // sum_{l >= t} log(1 - q_l)
  for (std::size_t t = q.size(); t-- > 0;) {
    log_all_good += std::log1p(-q[t]);
    const long double some_bad = q[t] >= 1 ? 1.0L : -std::expm1(log_all_good);
    out[t] = some_bad > 0 ? threshold_of(q[t] / some_bad) : 0;
  }
  return out;
}

// Binomial(n, p) on the engine: Boost's algorithm (BTRD for large n p), pinned by a
// known-answer test so that a Boost upgrade cannot silently change results.
std::uint64_t draw_binomial(std::uint64_t n, double p, Philox4x32Engine& engine) {
  boost::random::binomial_distribution<std::int64_t, double> binomial(static_cast<std::int64_t>(n),
                                                                      p);
  return static_cast<std::uint64_t>(binomial(engine));
}

}  // namespace

struct StructureSampler::KindPlan {
  CompiledBlock block;
  std::uint32_t retries = 0;
  std::size_t words = 1;
  std::size_t n = 0;                       // path components
  std::vector<std::uint32_t> events;       // global indices of the events on the path
  std::vector<std::uint64_t> event_masks;  // events.size() x words: local components taken down
  std::vector<std::uint64_t> first_conditional;  // attempt 0: events then components
  std::vector<std::uint64_t> marginal;           // same variables, unconditioned
  std::uint64_t retry_not_clear = 0;             // attempts >= 1: some component fails
  std::vector<std::uint64_t> retry_conditional;  // components only
  std::uint64_t lower = 0;                       // the kind's interval in the request draw
  std::uint64_t clear = 0;                       // first attempt all clear below lower + clear
  bool clear_all = false;
  bool has_breaking = false;
  // Counterfactual retries of an all-clear request: v < retry_first_failure[t] iff one of the
  // attempts 1..t+1 has a failing component (bound = 1 - P(all work)^(t+1)).
  std::vector<std::uint64_t> retry_first_failure;
};

struct StructureSampler::Outcome {
  std::size_t kind = 0;
  std::uint32_t attempts = 1;
  bool failed = false;
  std::int32_t culprit = -1;  // global component index
  std::int32_t cause = -1;    // global event index: the first that fired, in file order
  CommonCauseSet fired = 0;   // every event that fired (failed requests only)
};

StructureSampler::Workspace::Workspace(std::size_t words, std::size_t path, std::size_t events)
    : own(words), ccf(words), eff(words), scratch(words), perfect_ok(path), pending(path) {
  fired.reserve(events);
  failed_local.reserve(path);
  draws.resize(events + path + 1);
}

StructureSampler::~StructureSampler() = default;

std::unique_ptr<StructureSampler::Workspace> StructureSampler::make_workspace() const {
  return std::make_unique<Workspace>(max_words_, max_path_, max_events_);
}

const std::vector<std::uint32_t>& StructureSampler::path_components(std::size_t k) const {
  return plans_.at(k).block.components();
}

std::uint64_t StructureSampler::request_draw(std::uint64_t seed, std::uint64_t request) noexcept {
  const PhiloxCounter x =
      philox4x32_10(philox_counter(RandomStream::structure_request, request / 2), philox_key(seed));
  return request % 2 == 0 ? (std::uint64_t{x[1]} << 32 | x[0]) : (std::uint64_t{x[3]} << 32 | x[2]);
}

std::uint64_t StructureSampler::attempt_draw(std::uint64_t seed, std::uint64_t request,
                                             std::uint32_t attempt, std::uint32_t index) noexcept {
  return AttemptStream(seed, request, attempt)(index);
}

StructureSampler::StructureSampler(const StructureModel& model, bool counterfactuals)
    : counterfactuals_(counterfactuals) {
  const std::size_t kinds = model.kinds.size();
  layout_.kinds = kinds;
  layout_.components = model.components.size();
  layout_.events = model.common_causes.size();
  const long double total_weight = model.total_weight();

  long double cumulative = 0;
  std::uint64_t lower = 0;
  for (std::size_t k = 0; k < kinds; ++k) {
    const RequestKind& kind = model.kinds[k];
    KindPlan plan;
    plan.block = CompiledBlock(kind.path);
    plan.retries = kind.retries;
    plan.n = plan.block.size();
    plan.words = std::max<std::size_t>(plan.block.words(), 1);
    const auto& path = plan.block.components();

    // Events that take down at least one component on this path, with their local masks.
    for (std::uint32_t e = 0; e < model.common_causes.size(); ++e) {
      std::vector<std::uint64_t> mask(plan.words, 0);
      bool touches = false;
      for (std::size_t j = 0; j < path.size(); ++j) {
        const auto& down = model.common_causes[e].takes_down;
        if (std::binary_search(down.begin(), down.end(), path[j])) {
          set_bit(mask.data(), j);
          touches = true;
        }
      }
      if (!touches) continue;
      plan.events.push_back(e);
      plan.event_masks.insert(plan.event_masks.end(), mask.begin(), mask.end());
    }

    std::vector<long double> q_first, q_components;
    long double log_clear = 0;  // log P(first attempt all clear)
    long double log_components_up = 0;
    for (const std::uint32_t e : plan.events) {
      const long double p = model.common_causes[e].probability;
      q_first.push_back(p);
      log_clear += std::log1p(-p);
    }
    for (const std::uint32_t c : path) {
      const long double q = model.components[c].effective_unreliability();
      q_first.push_back(q);
      q_components.push_back(q);
      log_clear += std::log1p(-q);
      log_components_up += std::log1p(-q);
    }
    plan.first_conditional = conditional_thresholds(q_first);
    for (const long double q : q_first) plan.marginal.push_back(threshold_of(q));
    plan.retry_conditional = conditional_thresholds(q_components);
    plan.retry_not_clear = threshold_of(-std::expm1(log_components_up));
    for (std::uint32_t t = 1; t <= kind.retries; ++t)
      plan.retry_first_failure.push_back(threshold_of(-std::expm1(t * log_components_up)));

    // The kind's interval [lower, upper) of the request draw, and its all-clear prefix.
    cumulative += kind.weight;
    const long double upper_exact =
        k + 1 == kinds ? kTwo64 : std::round(cumulative / total_weight * kTwo64);
    const std::uint64_t upper =
        upper_exact >= kTwo64 ? kAlways : static_cast<std::uint64_t>(upper_exact);
    if (k + 1 < kinds) kind_upper_.push_back(upper);
    plan.lower = lower;
    const long double width = upper_exact - static_cast<long double>(lower);
    const long double clear = std::exp(log_clear);
    plan.clear_all = clear >= 1 && width >= kTwo64;
    const long double clear_width = std::round(width * clear);
    plan.clear = clear_width >= kTwo64 ? kAlways : static_cast<std::uint64_t>(clear_width);
    lower = upper;

    // Which components break the structure on their own.
    std::vector<std::uint8_t> breaks(plan.n, 0);
    std::vector<std::uint64_t> state(plan.words, 0);
    for (std::size_t j = 0; j < plan.n; ++j) {
      set_bit(state.data(), j);
      breaks[j] = plan.block.works(state.data()) ? 0 : 1;
      clear_bit(state.data(), j);
      plan.has_breaking = plan.has_breaking || breaks[j] != 0;
    }
    breaks_.push_back(std::move(breaks));
    needs_counterfactual_draw_ =
        needs_counterfactual_draw_ || (counterfactuals_ && plan.has_breaking && plan.retries > 0);

    layout_.local_offset.push_back(layout_.local_total);
    layout_.local_total += plan.n;
    layout_.set_offset.push_back(layout_.set_total);
    layout_.set_count.push_back(
        plan.events.size() <= kMaxTalliedEvents ? std::size_t{1} << plan.events.size() : 0);
    layout_.set_total += layout_.set_count.back();
    max_words_ = std::max(max_words_, plan.words);
    max_path_ = std::max(max_path_, plan.n);
    max_events_ = std::max(max_events_, plan.events.size());
    plans_.push_back(std::move(plan));
  }

  // The skip's measures: the not-clear part of each kind's interval of the request draw, and
  // the all-clear part. A kind's interval is [lower, upper) with the last upper = 2^64.
  Uint128 not_clear = 0;
  clear_total_ = 0;
  for (std::size_t k = 0; k < kinds; ++k) {
    const KindPlan& plan = plans_[k];
    const Uint128 upper = k + 1 < kinds ? kind_upper_[k] : (static_cast<Uint128>(1) << 64);
    const Uint128 width = upper - plan.lower;
    const Uint128 clear = plan.clear_all ? width : std::min<Uint128>(plan.clear, width);
    not_clear += width - clear;
    clear_measure_.push_back(static_cast<long double>(clear));
    clear_total_ += clear_measure_.back();
    not_clear_upper_.push_back(static_cast<std::uint64_t>(std::min<Uint128>(not_clear, kAlways)));
  }
  always_not_clear_ = not_clear >= (static_cast<Uint128>(1) << 64);
  not_clear_ = static_cast<std::uint64_t>(std::min<Uint128>(not_clear, kAlways));
  log_clear_rate_ = std::log1p(-static_cast<double>(static_cast<long double>(not_clear) / kTwo64));
}

// The common case, kept small enough to inline into the batch loop: the first attempt is all
// clear and the counterfactual retries (if any) all work. Everything else goes to the detail.
inline void StructureSampler::sample_request(std::uint64_t seed, std::uint64_t request,
                                             std::uint64_t u, std::uint64_t cf, Workspace& ws,
                                             std::uint64_t* tally, Outcome& out) const {
  std::size_t k = 0;
  for (const std::uint64_t bound : kind_upper_) k += u >= bound;
  const KindPlan& plan = plans_[k];
  if ((plan.clear_all || u - plan.lower < plan.clear) &&
      (!counterfactuals_ || !plan.has_breaking || plan.retries == 0 ||
       !below(cf, plan.retry_first_failure.back()))) {
    ++tally[layout_.requests(k)];
    ++tally[layout_.attempts(k)];
    if (counterfactuals_ && plan.has_breaking) ++tally[layout_.clear_counterfactual(k)];
    out = Outcome{};
    out.kind = k;
    return;
  }
  sample_detail(seed, request, u, cf, ws, tally, out);
}

[[gnu::noinline]] void StructureSampler::sample_detail(std::uint64_t seed, std::uint64_t request,
                                                       std::uint64_t u, std::uint64_t cf,
                                                       Workspace& ws, std::uint64_t* tally,
                                                       Outcome& out,
                                                       const std::uint64_t* attempt0) const {
  std::size_t k = 0;
  for (const std::uint64_t bound : kind_upper_) k += u >= bound;
  const KindPlan& plan = plans_[k];
  const std::size_t words = plan.words;
  const std::size_t n = plan.n;
  const std::size_t n_events = plan.events.size();
  out = Outcome{};
  out.kind = k;
  ++tally[layout_.requests(k)];

  // Draws attempt a >= 1's component states into ws.own; true when every component works.
  // given_failure: it is already known that some component fails (the draw 0 is not used).
  const auto sample_retry = [&](std::uint32_t a, bool given_failure = false) {
    AttemptStream draw(seed, request, a);
    std::fill_n(ws.own.begin(), words, 0);
    if (!given_failure && !below(draw(0), plan.retry_not_clear)) return true;
    bool any = false;
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t v = draw(static_cast<std::uint32_t>(1 + j));
      if (any ? below(v, plan.marginal[n_events + j]) : below(v, plan.retry_conditional[j])) {
        set_bit(ws.own.data(), j);
        any = true;
      }
    }
    return false;
  };
  const auto combine = [&] {
    for (std::size_t w = 0; w < words; ++w) ws.eff[w] = ws.own[w] | ws.ccf[w];
  };
  const auto works_with_down = [&](const std::vector<std::uint64_t>& state, std::size_t j) {
    std::copy_n(state.begin(), words, ws.scratch.begin());
    set_bit(ws.scratch.data(), j);
    return plan.block.works(ws.scratch.data());
  };
  // "j failed" counterfactual for the pending components, over attempts [from, retries].
  const auto resolve_failed = [&](std::uint32_t from) {
    for (std::uint32_t a = from; a <= plan.retries; ++a) {
      bool any_pending = false;
      for (std::size_t j = 0; j < n; ++j) any_pending = any_pending || ws.pending[j] != 0;
      if (!any_pending) break;
      sample_retry(a);
      combine();
      for (std::size_t j = 0; j < n; ++j)
        if (ws.pending[j] && works_with_down(ws.eff, j)) ws.pending[j] = 0;
    }
    for (std::size_t j = 0; j < n; ++j)
      if (ws.pending[j]) ++tally[layout_.fail_if_failed(k, j)];
  };

  const std::uint64_t offset = u - plan.lower;
  if (plan.clear_all || offset < plan.clear) {
    // The common case: one draw settles it. Only the "j failed" counterfactual remains.
    ++tally[layout_.attempts(k)];
    if (!counterfactuals_ || !plan.has_breaking) return;
    // The retries this request did not need: one draw v says whether any of them has a failing
    // component and, if so, which attempt is the first; only then are states drawn.
    std::uint32_t first_failing = 0;
    while (first_failing < plan.retries && !below(cf, plan.retry_first_failure[first_failing]))
      ++first_failing;
    if (first_failing < plan.retries) {
      const std::uint32_t a = first_failing + 1;
      std::fill_n(ws.ccf.begin(), words, 0);
      const auto& breaks = breaks_[k];
      std::copy(breaks.begin(), breaks.end(), ws.pending.begin());
      sample_retry(a, true);
      combine();
      for (std::size_t j = 0; j < n; ++j)
        if (ws.pending[j] && works_with_down(ws.eff, j)) ws.pending[j] = 0;
      resolve_failed(a + 1);
      return;
    }
    ++tally[layout_.clear_counterfactual(k)];
    return;
  }

  // Attempt 0 is not all clear: sample its events and components given that.
  std::fill_n(ws.own.begin(), words, 0);
  std::fill_n(ws.ccf.begin(), words, 0);
  ws.fired.clear();
  {
    if (attempt0 == nullptr) {
      AttemptStream(seed, request, 0)
          .fill(static_cast<std::uint32_t>(n_events + n), ws.draws.data());
      attempt0 = ws.draws.data();
    }
    bool any = false;
    for (std::size_t t = 0; t < n_events + n; ++t) {
      const std::uint64_t v = attempt0[t];
      if (!(any ? below(v, plan.marginal[t]) : below(v, plan.first_conditional[t]))) continue;
      any = true;
      if (t < n_events) {
        ws.fired.push_back(static_cast<std::uint32_t>(t));
        const std::uint64_t* mask = plan.event_masks.data() + t * words;
        for (std::size_t w = 0; w < words; ++w) ws.ccf[w] |= mask[w];
      } else {
        set_bit(ws.own.data(), t - n_events);
      }
    }
  }
  std::fill_n(ws.perfect_ok.begin(), n, 0);
  // After a failed attempt: would it have worked had component j been perfect?
  const auto note_perfect = [&] {
    for (std::size_t j = 0; j < n; ++j) {
      if (ws.perfect_ok[j] || !bit_set(ws.own.data(), j) || bit_set(ws.ccf.data(), j)) continue;
      std::copy_n(ws.eff.begin(), words, ws.scratch.begin());
      clear_bit(ws.scratch.data(), j);
      if (plan.block.works(ws.scratch.data())) ws.perfect_ok[j] = 1;
    }
  };
  // Whether the attempt's effective states let the kind work. Most requests that are not all
  // clear have one component down, and whether that alone breaks the kind is known (breaks_):
  // the same answer as the block's evaluation, without walking it.
  const std::vector<std::uint8_t>& breaks_alone = breaks_[k];
  const auto attempt_works = [&] {
    std::size_t down = 0, at = 0;
    for (std::size_t w = 0; w < words && down < 2; ++w) {
      if (ws.eff[w] == 0) continue;
      down += static_cast<std::size_t>(std::popcount(ws.eff[w]));
      at = w * 64 + static_cast<std::size_t>(std::countr_zero(ws.eff[w]));
    }
    if (down == 1) return breaks_alone[at] == 0;
    return plan.block.works(ws.eff.data());
  };
  combine();
  bool ok = attempt_works();
  std::uint32_t attempts = 1;
  while (!ok && attempts <= plan.retries) {
    if (counterfactuals_) note_perfect();
    sample_retry(attempts);
    combine();
    ok = attempt_works();
    ++attempts;
  }
  out.attempts = attempts;
  tally[layout_.attempts(k)] += attempts;
  if (attempts > 1) ++tally[layout_.retried(k)];

  if (ok) {
    if (!counterfactuals_) return;
    for (std::size_t j = 0; j < n; ++j)
      ws.pending[j] = !bit_set(ws.eff.data(), j) && !works_with_down(ws.eff, j) ? 1 : 0;
    resolve_failed(attempts);
    return;
  }

  if (counterfactuals_) note_perfect();
  out.failed = true;
  ++tally[layout_.failures(k)];
  // Failed set and primary culprit of the last attempt, in path order.
  ws.failed_local.clear();
  std::fill_n(ws.scratch.begin(), words, 0);
  for (std::size_t j = 0; j < n; ++j) {
    if (!bit_set(ws.eff.data(), j)) continue;
    ws.failed_local.push_back(static_cast<std::uint32_t>(j));
    if (out.culprit >= 0) continue;
    set_bit(ws.scratch.data(), j);
    if (!plan.block.works(ws.scratch.data()))
      out.culprit = static_cast<std::int32_t>(plan.block.components()[j]);
  }
  if (!ws.fired.empty()) out.cause = static_cast<std::int32_t>(plan.events[ws.fired.front()]);
  std::uint64_t local_set = 0;
  for (const std::uint32_t t : ws.fired) {
    out.fired |= CommonCauseSet{1} << plan.events[t];
    local_set |= std::uint64_t{1} << t;
    ++tally[layout_.event(plan.events[t])];
  }
  if (layout_.set_count[k] > 0) ++tally[layout_.fired_set(k, local_set)];
  ++tally[layout_.culprit(k, static_cast<std::size_t>(out.culprit))];
  if (!counterfactuals_) return;
  for (std::size_t j = 0; j < n; ++j) {
    if (!ws.perfect_ok[j]) ++tally[layout_.fail_if_perfect(k, j)];
    ++tally[layout_.fail_if_failed(k, j)];
    // Critical in the last attempt: down by its own failure alone, and the attempt works
    // without that failure.
    if (bit_set(ws.own.data(), j) && !bit_set(ws.ccf.data(), j)) {
      std::copy_n(ws.eff.begin(), words, ws.scratch.begin());
      clear_bit(ws.scratch.data(), j);
      if (plan.block.works(ws.scratch.data())) ++tally[layout_.critical_last(k, j)];
    }
  }
}

void StructureSampler::record(std::uint64_t i, std::uint64_t first, const Outcome& out,
                              const Workspace& ws, bool dense, bool failures,
                              StructureChunk& chunk) const {
  if (dense) {
    const std::uint64_t at = i - first;
    chunk.kind[at] = static_cast<KindIndex>(out.kind);
    chunk.attempts[at] = static_cast<AttemptCount>(out.attempts);
    chunk.culprit[at] = static_cast<ComponentIndex>(out.culprit);
    chunk.common_cause[at] = static_cast<CommonCauseIndex>(out.cause);
  }
  if (failures && out.failed) {
    chunk.failed_request.push_back(i);
    chunk.failed_kind.push_back(static_cast<KindIndex>(out.kind));
    chunk.failed_attempts.push_back(static_cast<AttemptCount>(out.attempts));
    chunk.failed_culprit.push_back(static_cast<ComponentIndex>(out.culprit));
    chunk.failed_common_cause.push_back(static_cast<CommonCauseIndex>(out.cause));
    chunk.failed_common_causes.push_back(out.fired);
    chunk.failed_set_size.push_back(static_cast<ComponentIndex>(ws.failed_local.size()));
    const auto& path = plans_[out.kind].block.components();
    for (const std::uint32_t j : ws.failed_local)
      chunk.failed_set.push_back(static_cast<ComponentIndex>(path[j]));
  }
}

bool StructureSampler::sample_chunk(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                                    bool dense, bool failures, Workspace& ws, StructureChunk& chunk,
                                    StopFlag stop) const {
  if (chunk.tally.size() != layout_.size())
    throw std::invalid_argument("sample_chunk: the tally has the wrong size");
  if (dense) {
    chunk.kind.resize(n);
    chunk.attempts.resize(n);
    chunk.culprit.resize(n);
    chunk.common_cause.resize(n);
  }
  std::uint64_t* tally = chunk.tally.data();
  Outcome out;
  const auto visit = [&](std::uint64_t i, std::uint64_t u, std::uint64_t v) {
    sample_request(seed, i, u, v, ws, tally, out);
    record(i, first, out, ws, dense, failures, chunk);
  };

  // Whole batches from the bulk generator, the ragged edges from the scalar reference.
  constexpr std::uint64_t kBatch = 2 * kPhiloxBulkBlocks;
  const PhiloxKey key = philox_key(seed);
  const std::uint64_t end = first + n;
  std::uint64_t i = first;
  const auto scalar = [&](std::uint64_t at) {
    visit(at, request_draw(seed, at),
          needs_counterfactual_draw_ ? counterfactual_draw(seed, at) : 0);
  };
  const PhiloxBulkFunction bulk = philox_bulk_function();  // the CPU's fastest variant
  if (i < end && i % 2 == 1) scalar(i++);
  alignas(64) std::uint64_t u[kBatch];
  alignas(64) std::uint64_t v[kBatch] = {};
  for (std::uint64_t batch = 0; end - i >= kBatch; i += kBatch, ++batch) {
    // A structure whose requests are slow to resolve still stops within milliseconds.
    if (batch % kStopCheckBatches == 0 && stop_requested(stop)) return false;
    bulk(key, static_cast<std::uint32_t>(RandomStream::structure_request), i / 2, u);
    if (needs_counterfactual_draw_)
      bulk(key, static_cast<std::uint32_t>(RandomStream::structure_counterfactual), i / 2, v);
    for (std::size_t j = 0; j < kBatch; ++j) visit(i + j, u[j], v[j]);
  }
  for (; i < end; ++i) scalar(i);
  return true;
}

bool StructureSampler::sample_chunk_skip(std::uint64_t seed, std::uint64_t chunk_index,
                                         std::uint64_t first, std::uint64_t n, bool failures,
                                         Workspace& ws, StructureChunk& chunk,
                                         StopFlag stop) const {
  if (counterfactuals_)
    throw std::logic_error("sample_chunk_skip: the skip cannot draw importance counterfactuals");
  if (chunk.tally.size() != layout_.size())
    throw std::invalid_argument("sample_chunk_skip: the tally has the wrong size");
  std::uint64_t* tally = chunk.tally.data();
  Outcome out;
  const PhiloxKey key = philox_key(seed);
  const auto stream = static_cast<std::uint32_t>(RandomStream::structure_skip);
  const std::uint64_t end = first + n;
  std::uint64_t next = first;  // first request not yet decided
  std::uint64_t visited = 0;
  if (not_clear_ > 0) {
    // The visited requests come in batches: first their indices and draws u (the gaps do not
    // depend on how a request resolves), then attempt 0's draws of the whole batch in one
    // AttemptDrawBatch, then each is resolved as sample_detail resolves it.
    struct Visit {
      std::uint64_t request, u;
      std::size_t at;  // its attempt-0 draws in the batch
    };
    constexpr std::size_t kVisitBatch = 256;
    std::array<Visit, kVisitBatch> visits;
    AttemptDrawBatch& batch = ws.batch;
    // Draw j's two halves (words 0-1 and 2-3), computed kPhiloxBulkBlocks at a time.
    const PhiloxGatherFunction gather = philox_gather_function();
    PhiloxCounterBlocks skip_counters{};
    for (std::size_t i = 0; i < kPhiloxBulkBlocks; ++i) {
      skip_counters.words[1][i] = static_cast<std::uint32_t>(chunk_index);
      skip_counters.words[2][i] = stream;
      skip_counters.words[3][i] = static_cast<std::uint32_t>(chunk_index >> 32);
    }
    std::uint64_t skip_draws[2 * kPhiloxBulkBlocks];
    bool more = true;
    for (std::uint32_t j = 0; more;) {
      if (stop_requested(stop)) return false;
      std::size_t count = 0;
      batch.clear();
      for (; count < kVisitBatch && next < end && batch.blocks() < AttemptDrawBatch::kMaxBlocks;
           ++j) {
        const std::size_t slot = j % kPhiloxBulkBlocks;
        if (slot == 0) {
          for (std::size_t i = 0; i < kPhiloxBulkBlocks; ++i) skip_counters.words[0][i] = j + i;
          gather(key, skip_counters, skip_draws);
        }
        std::uint64_t gap = 0;
        if (!always_not_clear_) {
          const double g = std::floor(std::log(open_unit(skip_draws[2 * slot])) / log_clear_rate_);
          if (!(g < static_cast<double>(end - next))) {  // the next one is past this chunk
            next = end;
            break;
          }
          gap = static_cast<std::uint64_t>(g);
        }
        const std::uint64_t request = next + gap;
        // The request's own draw u, uniform over the not-clear parts of the kinds' intervals.
        const std::uint64_t w = skip_draws[2 * slot + 1];
        const auto v = static_cast<std::uint64_t>((static_cast<Uint128>(w) * not_clear_) >> 64);
        std::size_t k = 0;
        while (k + 1 < plans_.size() && v >= not_clear_upper_[k]) ++k;
        const std::uint64_t below_k = k == 0 ? 0 : not_clear_upper_[k - 1];
        const std::uint64_t u = plans_[k].lower + plans_[k].clear + (v - below_k);
        const std::size_t draws = plans_[k].events.size() + plans_[k].n;
        visits[count++] = {request, u,
                           batch.add(request, 0, 0, static_cast<std::uint32_t>((draws + 1) / 2))};
        next = request + 1;
      }
      more = next < end;
      batch.compute(seed);
      for (std::size_t i = 0; i < count; ++i) {
        sample_detail(seed, visits[i].request, visits[i].u, 0, ws, tally, out,
                      batch.draws().data() + visits[i].at);
        record(visits[i].request, first, out, ws, false, failures, chunk);
      }
      visited += count;
    }
  }
  // The requests skipped were all clear: one attempt, no failure. Their kinds are a
  // multinomial draw over the kinds' all-clear measures.
  std::uint64_t skipped = n - visited;
  if (plans_.size() == 1) {
    tally[layout_.requests(0)] += skipped;
    tally[layout_.attempts(0)] += skipped;
    return true;
  }
  Philox4x32Engine engine(seed, {0, static_cast<std::uint32_t>(chunk_index),
                                 static_cast<std::uint32_t>(chunk_index >> 32),
                                 static_cast<std::uint32_t>(RandomStream::structure_skip_kinds)});
  long double rest = clear_total_;
  for (std::size_t k = 0; k < plans_.size() && skipped > 0; ++k) {
    std::uint64_t count = skipped;
    if (k + 1 < plans_.size() && clear_measure_[k] < rest) {
      const double p = static_cast<double>(clear_measure_[k] / rest);
      count = p <= 0 ? 0 : draw_binomial(skipped, p, engine);
    }
    tally[layout_.requests(k)] += count;
    tally[layout_.attempts(k)] += count;
    skipped -= count;
    rest -= clear_measure_[k];
  }
  return true;
}

double StructureSampler::not_clear_probability() const noexcept {
  return static_cast<double>(static_cast<long double>(not_clear_) / kTwo64);
}

std::uint64_t StructureSampler::counterfactual_draw(std::uint64_t seed,
                                                    std::uint64_t request) noexcept {
  const PhiloxCounter x = philox4x32_10(
      philox_counter(RandomStream::structure_counterfactual, request / 2), philox_key(seed));
  return request % 2 == 0 ? (std::uint64_t{x[1]} << 32 | x[0]) : (std::uint64_t{x[3]} << 32 | x[2]);
}

}  // namespace nines
