#include "nines/exact/structure_analytics.hpp"

#include <algorithm>
#include <string>

#include "nines/base/error.hpp"
#include "nines/exact/down_sets.hpp"
#include "nines/exact/kind_diagram.hpp"

namespace nines {
namespace {

std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

}  // namespace

StructureAnalytics::StructureAnalytics(const StructureModel& model, StopFlag stop,
                                       std::size_t max_bdd_nodes)
    : model_(&model) {
  const std::size_t n_components = model.components.size();
  const std::size_t n_events = model.common_causes.size();
  const std::size_t n_kinds = model.kinds.size();
  for (const StructureComponent& c : model.components) {
    base_.component_up.push_back(c.effective_reliability());
    base_.component_down.push_back(c.effective_unreliability());
  }
  for (const CommonCauseEvent& e : model.common_causes) {
    base_.event_fires.push_back(e.probability);
    base_.event_quiet.push_back(1.0 - e.probability);
  }

  const SourceLocation where{model.source_path, 0, 0};
  for (std::size_t k = 0; k < n_kinds; ++k) {
    const std::string& name = model.kinds[k].name;
    try {
      diagrams_.push_back(
          std::make_shared<const KindDiagram>(model, k, base_, max_bdd_nodes - bdd_nodes_, stop));
    } catch (const BddNodeLimit&) {
      const std::string budget =
          bdd_nodes_ == 0 ? "the limit of " + std::to_string(max_bdd_nodes) + " nodes"
                          : "the " + std::to_string(max_bdd_nodes - bdd_nodes_) +
                                " nodes left of the limit of " + std::to_string(max_bdd_nodes) +
                                " for all request kinds together";
      throw InputError(
          where,
          "request kind " + quoted(name) +
              ": the structure is too wide for exact values: its decision diagram needs more "
              "than " +
              budget +
              ". nines computes every kind's exact reliability and "
              "attribution before sampling, and a diagram grows this wide when many parallel "
              "branches share components, or with large k_of_n groups (k of n components take "
              "k (n - k + 1) nodes, more when they hold blocks). Split the kind into simpler "
              "kinds, share fewer components between parallel branches, or use smaller "
              "k_of_n groups");
    } catch (const DownSetLimit& e) {
      throw InputError(
          where, "request kind " + quoted(name) +
                     ": its common-cause events can take down more than " +
                     std::to_string(e.limit()) +
                     " different sets of its components together, too many for exact "
                     "attribution (the limit is " +
                     std::to_string(kMaxCommonCauseSets) +
                     " sets, fewer for large diagrams: sets times diagram nodes at most " +
                     std::to_string(kMaxCommonCauseWork) +
                     "). Each independent event on a path it survives doubles the count: merge "
                     "events that take down the same components, or list fewer independent "
                     "events on this path");
    }
    bdd_nodes_ += diagrams_.back()->bdd().size();
  }

  const double total_weight = model.total_weight();
  culprit_.assign(n_components, 0.0);
  std::vector<std::vector<std::int32_t>> position(n_kinds);
  std::vector<std::vector<std::int32_t>> event_index(n_kinds);
  for (std::size_t k = 0; k < n_kinds; ++k) {
    const KindDiagram& d = *diagrams_[k];
    position[k].assign(n_components, -1);
    for (std::size_t j = 0; j < d.path().size(); ++j)
      position[k][d.path()[j]] = static_cast<std::int32_t>(j);
    event_index[k].assign(n_events, -1);
    for (std::size_t i = 0; i < d.events().size(); ++i)
      event_index[k][d.events()[i]] = static_cast<std::int32_t>(i);
    std::vector<bool> uses(n_components, false);
    for (const std::uint32_t c : d.path()) uses[c] = true;
    uses_.push_back(std::move(uses));

    KindAnalytics out = d.values();
    out.culprit_probability.assign(n_components, 0.0);
    for (std::size_t j = 0; j < d.path().size(); ++j)
      out.culprit_probability[d.path()[j]] = d.culprit()[j];
    out.fired_failure_probability.assign(n_events, 0.0);
    for (std::size_t i = 0; i < d.events().size(); ++i)
      out.fired_failure_probability[d.events()[i]] =
          base_.event_fires[d.events()[i]] * d.if_fires()[i];
    const double share = model.kinds[k].weight / total_weight;
    for (std::size_t c = 0; c < n_components; ++c)
      culprit_[c] += share * out.culprit_probability[c];
    kinds_.push_back(std::move(out));
  }
  reliability_ = 0;
  unreliability_ = 0;
  for (std::size_t k = 0; k < n_kinds; ++k) {
    const double share = model.kinds[k].weight / total_weight;
    reliability_ += share * kinds_[k].reliability;
    unreliability_ += share * kinds_[k].unreliability;
  }

  // Mix-level importance inputs: a kind that does not use the element keeps its own U.
  if_perfect_.assign(n_components, 0.0);
  if_failed_.assign(n_components, 0.0);
  critical_.assign(n_components, 0.0);
  birnbaum_.assign(n_components, 0.0);
  improvement_.assign(n_components, 0.0);
  for (std::size_t c = 0; c < n_components; ++c) {
    for (std::size_t k = 0; k < n_kinds; ++k) {
      const double share = model.kinds[k].weight / total_weight;
      const std::int32_t j = position[k][c];
      const KindDiagram& d = *diagrams_[k];
      const double u = kinds_[k].unreliability;
      if_perfect_[c] += share * (j < 0 ? u : d.if_perfect()[static_cast<std::size_t>(j)]);
      if_failed_[c] += share * (j < 0 ? u : d.if_failed()[static_cast<std::size_t>(j)]);
      if (j < 0) continue;
      const auto at = static_cast<std::size_t>(j);
      critical_[c] += share * d.critical()[at];
      birnbaum_[c] += share * d.birnbaum()[at];
      improvement_[c] += share * d.improvement()[at];
    }
  }
  if_quiet_.assign(n_events, 0.0);
  if_fires_.assign(n_events, 0.0);
  fired_.assign(n_events, 0.0);
  for (std::size_t e = 0; e < n_events; ++e) {
    for (std::size_t k = 0; k < n_kinds; ++k) {
      const double share = model.kinds[k].weight / total_weight;
      const std::int32_t i = event_index[k][e];
      const KindDiagram& d = *diagrams_[k];
      const double u = kinds_[k].unreliability;
      if_quiet_[e] += share * (i < 0 ? u : d.if_quiet()[static_cast<std::size_t>(i)]);
      if_fires_[e] += share * (i < 0 ? u : d.if_fires()[static_cast<std::size_t>(i)]);
      fired_[e] += share * kinds_[k].fired_failure_probability[e];
    }
  }
}

double StructureAnalytics::kind_unreliability(std::size_t kind,
                                              const StructureProbabilities& p) const {
  return diagrams_.at(kind)->unreliability(p);
}

double StructureAnalytics::mix_unreliability(const StructureProbabilities& p) const {
  const double total = model_->total_weight();
  double u = 0;
  for (std::size_t k = 0; k < model_->kinds.size(); ++k)
    u += model_->kinds[k].weight / total * kind_unreliability(k, p);
  return u;
}

bool StructureAnalytics::kind_uses(std::size_t kind, std::uint32_t component) const {
  return uses_.at(kind).at(component);
}

const std::vector<std::uint32_t>& StructureAnalytics::kind_events(std::size_t kind) const {
  return diagrams_.at(kind)->events();
}

double StructureAnalytics::kind_failure_with_fired_set(std::size_t kind,
                                                       std::span<const std::uint32_t> fired) const {
  return diagrams_.at(kind)->failure_with_fired_set(fired);
}

double StructureAnalytics::failure_with_fired_set(std::span<const std::uint32_t> fired) const {
  const double total = model_->total_weight();
  double p = 0;
  for (std::size_t k = 0; k < model_->kinds.size(); ++k)
    p += model_->kinds[k].weight / total * kind_failure_with_fired_set(k, fired);
  return p;
}

}  // namespace nines
