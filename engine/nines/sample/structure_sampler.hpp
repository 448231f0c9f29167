#pragma once
// The per-request kernel of structure runs (format 2). Every outcome is a pure function of
// (seed, request index), so chunking and threads cannot change a bit.
//
// Random layout (streams in random_streams.hpp):
//   * One 64-bit uniform u per request from stream structure_request, laid out like format 1's
//     request_outcome (request i: block i/2, half i%2), generated in bulk. [0, 2^64) is cut
//     into one interval per kind, of width 2^64 w_k / sum w; the first part of kind k's
//     interval, of relative size P_clear(k), means "the first attempt is all clear": no
//     common-cause event on k's path fires and every component on the path works. So a
//     request that succeeds outright costs one draw, whatever the structure (issue item 9).
//     P_clear(k) = prod_e (1 - p_e) * prod_c r_c over the events and components on k's path.
//   * Otherwise the details come from stream structure_attempt, counter
//     {request low, request high, stream, attempt << 20 | block}, two 64-bit uniforms a block:
//       attempt 0, uniform t: variable t of [events on the path..., path components...];
//       attempt a >= 1, uniform 0: "all components work" (prob prod_c r_c), uniform 1 + j:
//       component j.
//     Attempt 0 is sampled conditionally on "not all clear" by sequential conditioning: while
//     no variable has gone bad yet, variable t goes bad with probability
//       q_t / (1 - prod_{l >= t} (1 - q_l)),
//     (the probability that t is bad given that t..N are not all good), and once one has, the
//     rest are drawn with their own q_l. This reproduces the unconditional joint distribution
//     exactly (each threshold to 2^-64), as the unit tests check against enumeration.
//     Attempts a >= 1 keep the request's common-cause configuration and draw fresh component
//     states the same way (one "all work" draw, then conditional draws if not).
//
// Attribution of a failed request (its last attempt): the failed set is every component on
// the path that is down (own failure or common cause); the primary culprit is the first one
// in path order whose failure breaks the structure given the failed components before it in
// path order (for a chain: the first failed component, as in format 1); the common cause is the
// first event (in file order) on the path that fired, or -1.
//
// Importance counterfactuals (common random numbers). For each path component j the kernel
// also decides whether the request would have failed had j been perfect (its own calls always
// succeed) and had j always failed, on the same draws. Monotonicity keeps this cheap: "j
// perfect" can only rescue failed requests, so only they are re-evaluated; "j failed" can
// only break successful ones, and it needs the attempts a real success never made, which are
// drawn from the same per-(request, attempt) streams. For a request whose first attempt was
// all clear, one more uniform per request from stream structure_counterfactual (generated in
// bulk, and only when some kind has retries) decides whether any of its unneeded retries
// 1..r would have a failing component, and which comes first: v < 1 - P_up^t, P_up = prod_c r_c,
// means "one of the first t". Only then are that attempt's states drawn (conditionally on a
// failure, from stream structure_attempt) and the later ones as usual. Both counterfactuals
// are exact samples, so their counts estimate U(j perfect) and U(j failed) without bias.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/model/block.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/sample/attempt_draw_batch.hpp"

namespace nines {

// Per-request record types of the run file (fixed widths; the model limits guarantee them).
using KindIndex = std::int8_t;         // < kMaxRequestKinds
using AttemptCount = std::uint8_t;     // <= kMaxRetries + 1
using ComponentIndex = std::int16_t;   // < kMaxStructureComponents; -1 = none
using CommonCauseIndex = std::int8_t;  // < kMaxCommonCauses; -1 = none
using CommonCauseSet = std::uint64_t;  // bit e: event e fired (kMaxCommonCauses <= 64)

// Kinds with at most this many common-cause events on their path count their failures by the
// exact set of events that fired (2^8 = 256 slots); every kind counts them by event.
inline constexpr std::size_t kMaxTalliedEvents = 8;

// Integer tallies of a set of requests, merged by element-wise addition (so totals do not
// depend on the order chunks finish in). Laid out by TallyLayout.
struct TallyLayout {
  std::size_t kinds = 0, components = 0, events = 0;
  std::vector<std::size_t> local_offset;  // per kind: start of its path components' slots
  std::size_t local_total = 0;            // sum over kinds of path sizes
  // Per kind: start of its fired-set slots (2^m of them for a kind with m <= kMaxTalliedEvents
  // events on its path, else none), and their total.
  std::vector<std::size_t> set_offset, set_count;
  std::size_t set_total = 0;

  std::size_t requests(std::size_t k) const noexcept { return k; }
  std::size_t failures(std::size_t k) const noexcept { return kinds + k; }
  std::size_t attempts(std::size_t k) const noexcept { return 2 * kinds + k; }
  std::size_t retried(std::size_t k) const noexcept { return 3 * kinds + k; }
  // Requests of kind k whose first attempt was all clear and whose counterfactual attempts
  // (for "j failed") were all clear too: each counts as a failure for every j whose failure
  // alone breaks the kind's structure.
  std::size_t clear_counterfactual(std::size_t k) const noexcept { return 4 * kinds + k; }
  std::size_t culprit(std::size_t k, std::size_t c) const noexcept {
    return 5 * kinds + k * components + c;
  }
  // Failed requests in which common-cause event e fired (every event that was part of the
  // failure, whatever the file order).
  std::size_t event(std::size_t e) const noexcept { return 5 * kinds + kinds * components + e; }
  std::size_t fail_if_perfect(std::size_t k, std::size_t j) const noexcept {
    return 5 * kinds + kinds * components + events + local_offset[k] + j;
  }
  std::size_t fail_if_failed(std::size_t k, std::size_t j) const noexcept {
    return 5 * kinds + kinds * components + events + local_total + local_offset[k] + j;
  }
  // Failed requests of kind k whose last attempt would have worked had path component j's own
  // calls succeeded: j was critical in the attempt that decided the request (criticality).
  std::size_t critical_last(std::size_t k, std::size_t j) const noexcept {
    return 5 * kinds + kinds * components + events + 2 * local_total + local_offset[k] + j;
  }
  // Failed requests of kind k whose fired events on the path were exactly the set `local` (bit
  // i = the kind's i-th event in increasing global order). Only kinds with set_count[k] > 0.
  std::size_t fired_set(std::size_t k, std::uint64_t local) const noexcept {
    return 5 * kinds + kinds * components + events + 3 * local_total + set_offset[k] + local;
  }
  std::size_t size() const noexcept {
    return 5 * kinds + kinds * components + events + 3 * local_total + set_total;
  }
};

// What sample_chunk produces for requests [first, first + n).
struct StructureChunk {
  std::vector<std::uint64_t> tally;  // TallyLayout::size()
  // Dense: one entry per request (only when asked for).
  std::vector<KindIndex> kind;
  std::vector<AttemptCount> attempts;
  std::vector<ComponentIndex> culprit;
  std::vector<CommonCauseIndex> common_cause;
  // Failed requests, in request order (dense and failures modes). The chain fast path leaves
  // failed_kind, failed_attempts, failed_common_cause and failed_common_causes empty: a chain
  // cannot vary them (files/structure_writer.hpp, ConstantColumns).
  std::vector<std::uint64_t> failed_request;
  std::vector<KindIndex> failed_kind;
  std::vector<AttemptCount> failed_attempts;
  std::vector<ComponentIndex> failed_culprit;
  std::vector<CommonCauseIndex> failed_common_cause;
  std::vector<CommonCauseSet> failed_common_causes;  // the events that fired, as a bit set
  std::vector<ComponentIndex> failed_set_size;       // components in each failed request's set
  std::vector<ComponentIndex> failed_set;            // the sets, concatenated, each in path order
};

class StructureSampler {
 public:
  // Without `counterfactuals` the kernel skips the importance counterfactuals (the "j perfect" /
  // "j failed" re-evaluations and the counterfactual draw): the tally's fail_if_* and
  // clear_counterfactual slots stay 0 and everything else is unchanged, request for request.
  explicit StructureSampler(const StructureModel& model, bool counterfactuals = true);
  ~StructureSampler();
  StructureSampler(const StructureSampler&) = delete;
  StructureSampler& operator=(const StructureSampler&) = delete;

  const TallyLayout& layout() const noexcept { return layout_; }
  bool counterfactuals() const noexcept { return counterfactuals_; }

  // Per-thread scratch, so the hot path never allocates. Sized by make_workspace().
  class Workspace {
   public:
    Workspace(std::size_t words, std::size_t path, std::size_t events);
    std::vector<std::uint64_t> own, ccf, eff, scratch;  // state bits over path components
    std::vector<std::uint8_t> perfect_ok, pending;      // per path component
    std::vector<std::uint32_t> fired;                   // events fired, local, increasing
    std::vector<std::uint32_t> failed_local;            // the failed set, local, path order
    std::vector<std::uint64_t> draws;                   // one attempt's uniforms (fill)
    AttemptDrawBatch batch;  // batched attempt-0 draws (the skip; the chain kernel's failed sets)
    // The chain kernel's failed requests: index, culprit's path position, and where each one's
    // draws start in `batch`. Kept here so that they keep their capacity from chunk to chunk.
    std::vector<std::uint64_t> failed_requests;
    std::vector<std::int32_t> failed_positions;
    std::vector<std::size_t> draw_start;
  };
  std::unique_ptr<Workspace> make_workspace() const;

  // Samples requests [first, first + n). `dense` fills the per-request vectors (resized to n);
  // `failures` appends the failed requests; the tally is always accumulated (chunk.tally must
  // have layout().size() entries). Polls `stop` every few thousand requests and returns false
  // when it cut the chunk short.
  bool sample_chunk(std::uint64_t seed, std::uint64_t first, std::uint64_t n, bool dense,
                    bool failures, Workspace& workspace, StructureChunk& chunk,
                    StopFlag stop = nullptr) const;

  // The geometric skip (summaries and failures only; needs counterfactuals off): visits only
  // the requests whose first attempt is not all clear. The gap to the next one is geometric
  // with p = P(not all clear) over the mix; draw j of chunk c is philox({j, c low, 19, c high})
  // (words 0-1: the gap, floor(log V / log(1 - p)); words 2-3: the request's draw u, uniform
  // over the not-clear parts of the kinds' intervals, to 2^-64). Such a request is then
  // resolved exactly as the per-request kernel resolves it (sample_detail, streams keyed by
  // request and attempt). The skipped requests are all clear; how many of them belong to each
  // kind is one multinomial draw per chunk over the kinds' all-clear measures (Boost's
  // binomial_distribution, conditionally, on Philox4x32Engine at stream 20; pinned by a
  // known-answer test). The same distribution as sample_chunk, at a cost in proportion to the
  // requests that are not all clear; results depend on (seed, chunk index, chunk length).
  bool sample_chunk_skip(std::uint64_t seed, std::uint64_t chunk_index, std::uint64_t first,
                         std::uint64_t n, bool failures, Workspace& workspace,
                         StructureChunk& chunk, StopFlag stop = nullptr) const;
  // P(the first attempt of a request is not all clear), over the mix: what the skip visits.
  double not_clear_probability() const noexcept;

  // The uniform of request i from stream structure_request (the reference the bulk path
  // matches).
  static std::uint64_t request_draw(std::uint64_t seed, std::uint64_t request) noexcept;
  // Uniform `index` of attempt `attempt` of request i from stream structure_attempt.
  static std::uint64_t attempt_draw(std::uint64_t seed, std::uint64_t request,
                                    std::uint32_t attempt, std::uint32_t index) noexcept;

  // Request i's uniform from stream structure_counterfactual (see the file comment).
  static std::uint64_t counterfactual_draw(std::uint64_t seed, std::uint64_t request) noexcept;

  // For each kind and path component (local index): does the structure fail with that
  // component alone down? Used to finish the tally (see TallyLayout::clear_counterfactual).
  const std::vector<std::vector<std::uint8_t>>& breaks_alone() const noexcept { return breaks_; }
  // Global component index of kind k's local component j.
  const std::vector<std::uint32_t>& path_components(std::size_t k) const;

 private:
  struct KindPlan;
  struct Outcome;
  void sample_request(std::uint64_t seed, std::uint64_t request, std::uint64_t u, std::uint64_t v,
                      Workspace& ws, std::uint64_t* tally, Outcome& out) const;
  // attempt0: the request's attempt-0 draws when the caller computed them in a batch (else
  // they are drawn here).
  void sample_detail(std::uint64_t seed, std::uint64_t request, std::uint64_t u, std::uint64_t v,
                     Workspace& ws, std::uint64_t* tally, Outcome& out,
                     const std::uint64_t* attempt0 = nullptr) const;
  void record(std::uint64_t request, std::uint64_t first, const Outcome& out, const Workspace& ws,
              bool dense, bool failures, StructureChunk& chunk) const;

  // Batches of 64 requests between two looks at the stop flag (about 4,096 requests).
  static constexpr std::uint64_t kStopCheckBatches = 64;

  std::vector<KindPlan> plans_;
  std::vector<std::uint64_t> kind_upper_;  // upper bounds of kinds 0..K-2 in the draw
  std::vector<std::vector<std::uint8_t>> breaks_;
  TallyLayout layout_;
  std::size_t max_words_ = 1;
  std::size_t max_path_ = 0;
  std::size_t max_events_ = 0;
  bool counterfactuals_ = true;
  // The skip (sample_chunk_skip).
  std::uint64_t not_clear_ = 0;                 // not-clear measure of the draw, of 2^64
  std::vector<std::uint64_t> not_clear_upper_;  // cumulative not-clear measure per kind
  bool always_not_clear_ = false;
  double log_clear_rate_ = 0;               // log(1 - p), p = not_clear_ / 2^64
  std::vector<long double> clear_measure_;  // all-clear measure per kind
  long double clear_total_ = 0;
  bool needs_counterfactual_draw_ = false;  // some kind has retries and a breaking component
};

}  // namespace nines
