#pragma once
// One request kind's decision diagram and every exact value computed on it: the work behind
// StructureAnalytics (see structure_analytics.hpp for the model and the methods). Built and
// evaluated once at the model's probabilities; immutable afterwards.
//
// Variables: the kind's common-cause events (file order) at levels [0, E), its path
// components (path order) at levels [E, E + n). The "event part" of the diagram is the nodes
// at event levels; its leaves, the boundary nodes, are the distinct component-only cofactors.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/exact/bdd.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/model/structure_model.hpp"

namespace nines {

class KindDiagram {
 public:
  // Throws BddNodeLimit beyond max_nodes, DownSetLimit beyond kMaxCommonCauseWork, and
  // Interrupted when stop is set.
  KindDiagram(const StructureModel& model, std::size_t kind, const StructureProbabilities& base,
              std::size_t max_nodes, StopFlag stop);

  const Bdd& bdd() const noexcept { return bdd_; }
  const std::vector<std::uint32_t>& path() const noexcept { return path_; }      // components
  const std::vector<std::uint32_t>& events() const noexcept { return events_; }  // global ids

  // Values at the model's probabilities. KindAnalytics::culprit_probability and
  // fired_failure_probability are left empty (per path position / per local event below).
  const KindAnalytics& values() const noexcept { return values_; }
  // Per path position: P(request fails and its culprit is at that position).
  const std::vector<double>& culprit() const noexcept { return culprit_; }
  // Per path position: U with the component perfect / failed, U- - U+, U - U+ (each summed
  // on its own, not subtracted), and P(request fails, and the component's own calls failed
  // and were critical in its last attempt).
  const std::vector<double>& if_perfect() const noexcept { return if_perfect_; }
  const std::vector<double>& if_failed() const noexcept { return if_failed_; }
  const std::vector<double>& birnbaum() const noexcept { return birnbaum_; }
  const std::vector<double>& improvement() const noexcept { return improvement_; }
  const std::vector<double>& critical() const noexcept { return critical_; }
  // Per local event: U if it never fires / always fires.
  const std::vector<double>& if_quiet() const noexcept { return if_quiet_; }
  const std::vector<double>& if_fires() const noexcept { return if_fires_; }

  // U under other probabilities (one bottom-up pass).
  double unreliability(const StructureProbabilities& p) const;
  // P(request fails and the events that fired are exactly `fired`, global ids increasing).
  double failure_with_fired_set(std::span<const std::uint32_t> fired) const;

 private:
  // The event part as a small graph: values are indexed [0, boundary) for the boundary
  // nodes, then one per event-level node, children before parents.
  struct Step {
    std::uint32_t level;
    std::uint32_t low, high;
  };
  std::size_t root_index() const noexcept;
  // E_C[leaf(boundary of C)] by Shannon expansion over the event levels, bottom-up (the
  // arithmetic of 0.2.0, so its values stay bit for bit).
  double walk(std::span<const double> leaf, std::span<const double> fires,
              std::span<const double> quiet) const;
  void find_event_part();
  void analyse(const StructureProbabilities& base, StopFlag stop);
  void attribute(std::span<const double> p_true, std::span<const double> p_false, StopFlag stop);
  void importance(std::span<const double> p_true, std::span<const double> p_false,
                  std::span<const double> p_true_of_node, std::span<const double> p_false_of_node,
                  StopFlag stop);

  std::vector<std::uint32_t> path_;
  std::vector<std::uint32_t> events_;
  std::vector<std::vector<std::uint32_t>> event_positions_;  // per local event, increasing
  std::uint32_t attempts_ = 1;
  Bdd bdd_;
  Bdd::Node root_ = Bdd::kFalse;
  std::vector<Bdd::Node> boundary_;
  std::vector<Step> steps_;
  std::vector<double> fires_, quiet_;       // per local event
  std::vector<double> leaf_unreliability_;  // per boundary node: Q^a
  KindAnalytics values_;
  std::vector<double> culprit_, if_perfect_, if_failed_, birnbaum_, improvement_, critical_;
  std::vector<double> if_quiet_, if_fires_;
};

}  // namespace nines
