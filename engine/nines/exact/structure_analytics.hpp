#pragma once
// Exact analytic values of a structure model, from one BDD per request kind.
//
// Variables of kind k's diagram: the common-cause events on its path (those that take down at
// least one of its components; e "fires", probability p_e) at the top, in file order, then
// its components in path order (depth first, left to right, first occurrence: the order the
// sampler attributes failures in), each "its own calls succeed within one attempt",
// probability r_c, with component retries folded in: r_c = 1 - (1 - reliability)^(retries + 1).
// A component is effectively up when its own calls succeed and no event that takes it down
// fires: up_c = x_c AND NOT e_1 AND ... (over the events listing c). The kind's single-attempt
// success function F_k is its block expression over the up_c's (series = AND fold, parallel =
// OR fold, k_of_n = at least k); the BDD makes P(F_k) exact however often a component is
// shared. A series or parallel block in path order costs nodes and time in proportion to its
// size, so long chains, wide parallel groups and replica groups stay linear; a k-of-n group
// of n costs k (n - k + 1).
//
// Retries. A request makes up to a = retries + 1 attempts; each attempt draws fresh component
// states, but the common-cause configuration C is drawn once per request and holds for every
// attempt (a zone that is down stays down while the client retries). So
//   U_k = P(every attempt fails) = E_C[ Q_k(C)^a ],   Q_k(C) = P(F_k = 0 | C),
// which is 1 - (1 - R)^a when the model has no common-cause events. Because the events sit at
// the top of the variable order, E_C is a walk over the event levels of the diagram whose
// leaves ("boundary nodes", one per distinct component-only cofactor F_k|C) are evaluated
// once; no enumeration of 2^events configurations is needed.
//
// The service mixes the kinds by weight: U = sum_k w_k U_k / sum_k w_k.
//
// Attribution. The primary culprit of a failed attempt is the first component c_m in path
// order whose failure makes the structure fail given the failures before it in path order:
// with G_m = F_k with every component after c_m forced up (even one a common cause took
// down), culprit = c_m iff G_{m-1} works and G_m fails. P(culprit = c_m, request fails) =
// E_C[ Q_k(C)^(a-1) P(G_{m-1} works, G_m fails | C) ] (the culprit is recorded for the last
// attempt; the earlier a - 1 failed). It is computed directly, without a difference of two
// probabilities: given the set D of path components the events take down, one top-down pass
// over the all-quiet cofactor (the kind's diagram in path order) gives, for every node N
// testing c_m, the probability of reaching it; the structure with c_m and every later
// component up works there and fails with c_m down exactly when allup(N) and not
// allup(low(N)) (follow the 1-branches to a leaf), a property of the node. So
//   P(culprit = c_m | D) = P(c_m down | D) * sum over such N of reach_D(N).
// The distinct sets D are enumerated with their probabilities (a set that already breaks the
// structure when everything else works is cut at its first break: the components after it
// cannot be the culprit and every attempt fails, so such sets merge); their number is limited
// (kMaxCommonCauseSets, kMaxCommonCauseWork).
//
// Importance (importance.hpp) needs U with one component forced up or down, for every
// component; level_cut.hpp gives them all in one top-down pass: P(F = 0 | x_c = v) is the sum
// over the nodes N testing c of reach(N) P(child_v(N) = 0) plus, over the edges that jump past
// c's level, reach(edge) P(target = 0) (range sums over levels, all terms positive). Without
// retries everything is linear in the configuration's values and one pass from the root
// covers every event configuration; with retries there is one pass per boundary node. The two
// differences U- - U+ (Birnbaum) and U - U+ (improvement potential) are computed as sums of
// positive terms too: per attempt Q = q Q(down) + (1 - q) Q(up), so Q^a - Q(up)^a = q (Q(down)
// - Q(up)) sum_t Q^t Q(up)^(a-1-t), and Q(down) - Q(up) is the sum over the nodes testing c of
// reach(N) P(low(N) = 0 and high(N) = 1).
//
// Limits. Each kind's diagram is built under a node budget shared by all kinds
// (kMaxBddNodes in total); a structure that needs more is rejected with an InputError naming
// the kind, before any sampling. The constructor polls `stop` every few thousand operations
// and throws Interrupted when it is set.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/exact/bdd.hpp"
#include "nines/model/structure_model.hpp"

namespace nines {

// Per kind, the distinct sets of its components that its common-cause events take down
// together (sets it survives, plus sets cut at the component where they break it; see
// down_sets.hpp) are enumerated for exact attribution: at most kMaxCommonCauseSets of them,
// and at most kMaxCommonCauseWork / (nodes of the kind's diagram), which bounds the passes
// over them to well under a second. Zones, regions and per-service events stay far below.
inline constexpr std::size_t kMaxCommonCauseSets = std::size_t{1} << 16;
inline constexpr std::size_t kMaxCommonCauseWork = std::size_t{1} << 27;

// Per-variable probabilities, both sides given so that neither is 1 minus the other in floating
// point. Components: up = own calls succeed within an attempt; events: fire.
struct StructureProbabilities {
  std::vector<double> component_up, component_down;
  std::vector<double> event_fires, event_quiet;
};

struct KindAnalytics {
  double reliability = 1;            // per request, retries and common causes included
  double unreliability = 0;          // computed on its own, not as 1 - reliability
  double attempt_unreliability = 0;  // P(one attempt fails)
  double expected_attempts = 1;
  // P(request fails and its primary culprit is component c), one entry per model component
  // (zero for components off this kind's path); sums to `unreliability`.
  std::vector<double> culprit_probability;
  // P(request fails and common-cause event e fired), one entry per model event. Only the
  // events on the kind's path are drawn (and recorded) for its requests, so the entry is zero
  // for every other event. Several events can fire in one request: the entries can sum to
  // more than the failures with some event fired (see failure_with_fired_set for the split).
  std::vector<double> fired_failure_probability;
};

class KindDiagram;

class StructureAnalytics {
 public:
  // Builds every kind's diagram and computes every value below. Throws InputError when a kind
  // needs more than max_bdd_nodes diagram nodes (all kinds together) or too many common-cause
  // combinations (kMaxCommonCauseWork), and Interrupted when `stop` is set meanwhile.
  explicit StructureAnalytics(const StructureModel& model, StopFlag stop = nullptr,
                              std::size_t max_bdd_nodes = kMaxBddNodes);

  const StructureModel& model() const noexcept { return *model_; }
  const std::vector<KindAnalytics>& kinds() const noexcept { return kinds_; }
  double reliability() const noexcept { return reliability_; }      // the weighted mix
  double unreliability() const noexcept { return unreliability_; }  // the weighted mix
  // P(request fails and its culprit is c) over the mix.
  const std::vector<double>& culprit_probability() const noexcept { return culprit_; }
  // Nodes of all kinds' diagrams together.
  std::size_t bdd_nodes() const noexcept { return bdd_nodes_; }

  // The model's own probabilities.
  const StructureProbabilities& base() const noexcept { return base_; }
  // Kind and mix unreliability under other probabilities (one pass over the kind's diagram
  // per call; the importance values below do not need it).
  double kind_unreliability(std::size_t kind, const StructureProbabilities& p) const;
  double mix_unreliability(const StructureProbabilities& p) const;
  // True when kind's path references component c.
  bool kind_uses(std::size_t kind, std::uint32_t component) const;
  // The common-cause events on kind's path (global indices, increasing): the only events its
  // requests draw.
  const std::vector<std::uint32_t>& kind_events(std::size_t kind) const;

  // Importance inputs over the mix, one entry per model component (importance.hpp):
  // U with the component's own calls always succeeding (U+) and always failing (U-), and
  // P(request fails, and in its last attempt the component's own calls failed and were
  // critical: that attempt would have worked had they succeeded).
  const std::vector<double>& unreliability_if_perfect() const noexcept { return if_perfect_; }
  const std::vector<double>& unreliability_if_failed() const noexcept { return if_failed_; }
  const std::vector<double>& critical_probability() const noexcept { return critical_; }
  // U- - U+ and U - U+ per component, each computed as a sum of positive terms rather than
  // as the difference (which would lose the digits of a small difference of two U's).
  const std::vector<double>& birnbaum() const noexcept { return birnbaum_; }
  const std::vector<double>& improvement_potential() const noexcept { return improvement_; }
  // The same for common-cause events, one entry per event: U if it never fires, U if it
  // always fires.
  const std::vector<double>& unreliability_if_quiet() const noexcept { return if_quiet_; }
  const std::vector<double>& unreliability_if_fires() const noexcept { return if_fires_; }

  // Common-cause attribution that does not depend on file order (issue 10, item 6).
  // P(request fails and event e fired), per model event, over the mix (each kind's entry of
  // KindAnalytics::fired_failure_probability, weighted): the expected share of requests that
  // fail with e among the events that fired, for every e. Symmetric events get equal values.
  const std::vector<double>& fired_failure_probability() const noexcept { return fired_; }
  // P(request of `kind` fails and the events that fired on its path are exactly `fired`):
  // `fired` lists global event indices, strictly increasing (empty: no event fired). 0 when
  // it names an event off the kind's path (such events are never drawn for the kind).
  // Summed over every subset of the kind's events it gives the kind's unreliability.
  double kind_failure_with_fired_set(std::size_t kind, std::span<const std::uint32_t> fired) const;
  // The same over the mix (weighted over the kinds).
  double failure_with_fired_set(std::span<const std::uint32_t> fired) const;

 private:
  const StructureModel* model_;
  std::vector<std::shared_ptr<const KindDiagram>> diagrams_;  // immutable once built
  std::vector<std::vector<bool>> uses_;
  StructureProbabilities base_;
  std::vector<KindAnalytics> kinds_;
  std::vector<double> culprit_;
  std::vector<double> if_perfect_, if_failed_, critical_, birnbaum_, improvement_;
  std::vector<double> if_quiet_, if_fires_;
  std::vector<double> fired_;
  std::size_t bdd_nodes_ = 0;
  double reliability_ = 1;
  double unreliability_ = 0;
};

}  // namespace nines
