#pragma once
// Exact analytic values of a structure model, from one BDD over all its state variables.
//
// Variables: every common-cause event e ("fires", probability p_e) at the top of the order,
// then every component c ("its own calls succeed within one attempt", probability r_c, with
// component retries folded in: r_c = 1 - (1 - reliability)^(retries + 1)). A component is
// effectively up when its own calls succeed and no event that takes it down fires:
//   up_c = x_c AND NOT e_1 AND ... (over the events listing c).
// A kind's single-attempt success function F_k is its block expression over the up_c's
// (series = AND, parallel = OR, k_of_n = at least k); the BDD makes P(F_k) exact however often
// a component is shared.
//
// Retries. A request makes up to a = retries + 1 attempts; each attempt draws fresh component
// states, but the common-cause configuration C is drawn once per request and holds for every
// attempt (a zone that is down stays down while the client retries). So
//   U_k = P(every attempt fails) = E_C[ Q_k(C)^a ],   Q_k(C) = P(F_k = 0 | C),
// which is 1 - (1 - R)^a when the model has no common-cause events. Because the events sit at
// the top of the variable order, E_C is a walk over the event levels of the diagram whose
// leaves are component-only subdiagrams; no enumeration of 2^events configurations is needed.
//
// The service mixes the kinds by weight: U = sum_k w_k U_k / sum_k w_k.
//
// Attribution. The primary culprit of a failed attempt is the first component c_m in path
// order whose failure makes the structure fail given the failures before it in path order:
// with G_m = F_k with every component after c_m forced up, culprit = c_m iff G_{m-1} works and
// G_m fails. Hence P(culprit = c_m, request fails) = E_C[ Q_k(C)^(a-1) (Q_{G_m}(C) -
// Q_{G_{m-1}}(C)) ] (the culprit is recorded for the last attempt; the earlier a - 1 failed).
#include <cstdint>
#include <span>
#include <vector>

#include "nines/exact/bdd.hpp"
#include "nines/model/structure_model.hpp"

namespace nines {

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
};

class StructureAnalytics {
 public:
  explicit StructureAnalytics(const StructureModel& model);

  const StructureModel& model() const noexcept { return model_; }
  const std::vector<KindAnalytics>& kinds() const noexcept { return kinds_; }
  double reliability() const noexcept { return reliability_; }      // the weighted mix
  double unreliability() const noexcept { return unreliability_; }  // the weighted mix
  // P(request fails and its culprit is c) over the mix.
  const std::vector<double>& culprit_probability() const noexcept { return culprit_; }
  std::size_t bdd_nodes() const noexcept { return bdd_.size(); }

  // The model's own probabilities.
  const StructureProbabilities& base() const noexcept { return base_; }
  // Kind and mix unreliability under other probabilities (importance measures force one
  // component or event to certain success or failure this way).
  double kind_unreliability(std::size_t kind, const StructureProbabilities& p) const;
  double mix_unreliability(const StructureProbabilities& p) const;
  // True when kind's path references component c.
  bool kind_uses(std::size_t kind, std::uint32_t component) const;

 private:
  std::uint32_t component_variable(std::uint32_t c) const noexcept {
    return static_cast<std::uint32_t>(model_.common_causes.size()) + variable_of_[c];
  }
  Bdd::Node build(const Block& block, const std::vector<bool>& forced_up);
  std::vector<double> variable_probabilities(const StructureProbabilities& p, bool up) const;

  const StructureModel& model_;
  std::vector<std::uint32_t> variable_of_;  // component -> position among component variables
  Bdd bdd_;
  std::vector<Bdd::Node> effective_up_;              // per component
  std::vector<Bdd::Node> kind_root_;                 // F_k
  std::vector<std::vector<Bdd::Node>> prefix_root_;  // G_1 .. G_n per kind (G_n = F_k)
  std::vector<std::vector<std::uint32_t>> path_order_;
  std::vector<std::vector<bool>> uses_;
  StructureProbabilities base_;
  std::vector<KindAnalytics> kinds_;
  std::vector<double> culprit_;
  double reliability_ = 1;
  double unreliability_ = 0;
};

}  // namespace nines
