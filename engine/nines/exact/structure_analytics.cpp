#include "nines/exact/structure_analytics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>

namespace nines {
namespace {

// Leaf values of the event walk: P(f = 0) and P(f = 1) of each root given the events above.
using Leaf = std::function<double(std::span<const double> q, std::span<const double> r)>;

// E over common-cause configurations of leaf(...), for several roots walked in step. The
// events are the top `events` levels, so below them every node depends on component
// variables only and BddProbability evaluates it directly.
class EventWalk {
 public:
  EventWalk(const Bdd& bdd, std::uint32_t events, BddProbability& components,
            const std::vector<double>& fires, const std::vector<double>& quiet, Leaf leaf)
      : bdd_(bdd),
        events_(events),
        components_(components),
        fires_(fires),
        quiet_(quiet),
        leaf_(std::move(leaf)) {}

  double operator()(const std::vector<Bdd::Node>& roots) {
    std::uint32_t top = bdd_.variables();
    for (const Bdd::Node f : roots) top = std::min(top, bdd_.level(f));
    if (top >= events_) {
      std::vector<double> q, r;
      for (const Bdd::Node f : roots) {
        q.push_back(components_.of_false(f));
        r.push_back(components_.of_true(f));
      }
      return leaf_(q, r);
    }
    if (const auto it = memo_.find(roots); it != memo_.end()) return it->second;
    std::vector<Bdd::Node> low, high;
    for (const Bdd::Node f : roots) {
      const bool tests = bdd_.level(f) == top;
      low.push_back(tests ? bdd_.low(f) : f);
      high.push_back(tests ? bdd_.high(f) : f);
    }
    const double value = fires_[top] * (*this)(high) + quiet_[top] * (*this)(low);
    memo_.emplace(roots, value);
    return value;
  }

 private:
  const Bdd& bdd_;
  std::uint32_t events_;
  BddProbability& components_;
  const std::vector<double>& fires_;
  const std::vector<double>& quiet_;
  Leaf leaf_;
  std::map<std::vector<Bdd::Node>, double> memo_;
};

// 1 - q^a from r = 1 - q without cancellation: -expm1(a log1p(-r)).
double one_minus_power(double r, double q, std::uint32_t a) {
  if (a == 1) return r;
  if (q == 0) return 1;
  return -std::expm1(static_cast<double>(a) * std::log1p(-r));
}

}  // namespace

StructureAnalytics::StructureAnalytics(const StructureModel& model)
    : model_(model),
      variable_of_(model.components.size(), 0),
      bdd_(static_cast<std::uint32_t>(model.common_causes.size() + model.components.size())) {
  const std::size_t n_components = model.components.size();
  const auto n_events = static_cast<std::uint32_t>(model.common_causes.size());

  // Variable order: components in the order the kinds' paths first meet them, then the ones
  // no path uses. Components met together stay close in the order, which keeps diagrams small.
  std::vector<bool> placed(n_components, false);
  std::uint32_t next = 0;
  for (const RequestKind& kind : model.kinds) {
    path_order_.push_back(components_in_path_order(kind.path));
    for (const std::uint32_t c : path_order_.back()) {
      if (!placed[c]) {
        placed[c] = true;
        variable_of_[c] = next++;
      }
    }
  }
  for (std::size_t c = 0; c < n_components; ++c)
    if (!placed[c]) variable_of_[c] = next++;

  for (std::uint32_t c = 0; c < n_components; ++c) {
    Bdd::Node up = bdd_.variable(component_variable(c));
    for (std::uint32_t e = 0; e < n_events; ++e) {
      const auto& down = model.common_causes[e].takes_down;
      if (std::binary_search(down.begin(), down.end(), c))
        up = bdd_.apply_and(up, bdd_.apply_not(bdd_.variable(e)));
    }
    effective_up_.push_back(up);
  }

  for (std::size_t k = 0; k < model.kinds.size(); ++k) {
    const std::vector<std::uint32_t>& order = path_order_[k];
    std::vector<bool> uses(n_components, false);
    for (const std::uint32_t c : order) uses[c] = true;
    uses_.push_back(uses);
    kind_root_.push_back(build(model.kinds[k].path, std::vector<bool>(n_components, false)));
    // G_m: components after the m-th in path order forced up.
    std::vector<bool> forced = uses;
    std::vector<Bdd::Node> prefixes;
    for (std::size_t m = 0; m < order.size(); ++m) {
      forced[order[m]] = false;
      prefixes.push_back(m + 1 == order.size() ? kind_root_.back()
                                               : build(model.kinds[k].path, forced));
    }
    prefix_root_.push_back(std::move(prefixes));
  }

  for (const StructureComponent& c : model.components) {
    base_.component_up.push_back(c.effective_reliability());
    base_.component_down.push_back(c.effective_unreliability());
  }
  for (const CommonCauseEvent& e : model.common_causes) {
    base_.event_fires.push_back(e.probability);
    base_.event_quiet.push_back(1.0 - e.probability);
  }

  const std::vector<double> p_true = variable_probabilities(base_, true);
  const std::vector<double> p_false = variable_probabilities(base_, false);
  BddProbability probability(bdd_, p_true, p_false);
  const double total_weight = model.total_weight();
  culprit_.assign(n_components, 0.0);
  for (std::size_t k = 0; k < model.kinds.size(); ++k) {
    const std::uint32_t a = model.kinds[k].retries + 1;
    const Bdd::Node f = kind_root_[k];
    KindAnalytics out;
    const auto walk = [&](Leaf leaf, const std::vector<Bdd::Node>& roots) {
      return EventWalk(bdd_, n_events, probability, base_.event_fires, base_.event_quiet,
                       std::move(leaf))(roots);
    };
    out.unreliability =
        walk([a](auto q, auto) { return std::pow(q[0], static_cast<double>(a)); }, {f});
    out.reliability = walk([a](auto q, auto r) { return one_minus_power(r[0], q[0], a); }, {f});
    out.attempt_unreliability = probability.of_false(f);
    out.expected_attempts = walk(
        [a](auto q, auto) {
          double sum = 0, power = 1;
          for (std::uint32_t t = 0; t < a; ++t, power *= q[0]) sum += power;
          return sum;
        },
        {f});
    out.culprit_probability.assign(n_components, 0.0);
    const auto& prefixes = prefix_root_[k];
    for (std::size_t m = 0; m < prefixes.size(); ++m) {
      const Bdd::Node before = m == 0 ? Bdd::kTrue : prefixes[m - 1];
      out.culprit_probability[path_order_[k][m]] = walk(
          [a](auto q, auto) { return std::pow(q[0], static_cast<double>(a - 1)) * (q[2] - q[1]); },
          {f, before, prefixes[m]});
    }
    const double share = model.kinds[k].weight / total_weight;
    for (std::size_t c = 0; c < n_components; ++c)
      culprit_[c] += share * out.culprit_probability[c];
    kinds_.push_back(std::move(out));
  }
  reliability_ = 0;
  unreliability_ = 0;
  for (std::size_t k = 0; k < kinds_.size(); ++k) {
    const double share = model.kinds[k].weight / total_weight;
    reliability_ += share * kinds_[k].reliability;
    unreliability_ += share * kinds_[k].unreliability;
  }
}

Bdd::Node StructureAnalytics::build(const Block& block, const std::vector<bool>& forced_up) {
  if (block.kind == BlockKind::component)
    return forced_up[block.component] ? Bdd::kTrue : effective_up_[block.component];
  std::vector<Bdd::Node> children;
  children.reserve(block.children.size());
  for (const Block& child : block.children) children.push_back(build(child, forced_up));
  return bdd_.at_least(block.required(), children);
}

std::vector<double> StructureAnalytics::variable_probabilities(const StructureProbabilities& p,
                                                               bool up) const {
  std::vector<double> out(bdd_.variables(), 0.0);
  for (std::size_t e = 0; e < model_.common_causes.size(); ++e)
    out[e] = up ? p.event_fires[e] : p.event_quiet[e];
  for (std::uint32_t c = 0; c < model_.components.size(); ++c)
    out[component_variable(c)] = up ? p.component_up[c] : p.component_down[c];
  return out;
}

double StructureAnalytics::kind_unreliability(std::size_t kind,
                                              const StructureProbabilities& p) const {
  const std::vector<double> p_true = variable_probabilities(p, true);
  const std::vector<double> p_false = variable_probabilities(p, false);
  BddProbability probability(bdd_, p_true, p_false);
  const std::uint32_t a = model_.kinds.at(kind).retries + 1;
  EventWalk walk(bdd_, static_cast<std::uint32_t>(model_.common_causes.size()), probability,
                 p.event_fires, p.event_quiet,
                 [a](auto q, auto) { return std::pow(q[0], static_cast<double>(a)); });
  return walk({kind_root_[kind]});
}

double StructureAnalytics::mix_unreliability(const StructureProbabilities& p) const {
  const double total = model_.total_weight();
  double u = 0;
  for (std::size_t k = 0; k < model_.kinds.size(); ++k)
    u += model_.kinds[k].weight / total * kind_unreliability(k, p);
  return u;
}

bool StructureAnalytics::kind_uses(std::size_t kind, std::uint32_t component) const {
  return uses_.at(kind).at(component);
}

}  // namespace nines
