#include "nines/exact/kind_diagram.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "nines/exact/down_sets.hpp"
#include "nines/exact/level_cut.hpp"
#include "nines/model/block.hpp"

namespace nines {
namespace {

// The events that take down at least one component of the path, in file order.
std::vector<std::uint32_t> events_on(const StructureModel& model,
                                     const std::vector<std::uint32_t>& path) {
  std::vector<bool> on(model.components.size(), false);
  for (const std::uint32_t c : path) on[c] = true;
  std::vector<std::uint32_t> out;
  for (std::uint32_t e = 0; e < model.common_causes.size(); ++e) {
    for (const std::uint32_t c : model.common_causes[e].takes_down) {
      if (c < on.size() && on[c]) {
        out.push_back(e);
        break;
      }
    }
  }
  return out;
}

std::uint32_t variable_count(std::size_t events, std::size_t components) {
  return static_cast<std::uint32_t>(events + components);
}

// 1 - q^a from r = 1 - q without cancellation: -expm1(a log1p(-r)).
double one_minus_power(double r, double q, std::uint32_t a) {
  if (a == 1) return r;
  if (q == 0) return 1;
  return -std::expm1(static_cast<double>(a) * std::log1p(-r));
}

bool has_bit(const std::vector<std::uint64_t>& bits, std::size_t j) {
  return (bits[j / 64] >> (j % 64)) & 1U;
}

}  // namespace

KindDiagram::KindDiagram(const StructureModel& model, std::size_t kind,
                         const StructureProbabilities& base, std::size_t max_nodes, StopFlag stop)
    : path_(components_in_path_order(model.kinds.at(kind).path)),
      events_(events_on(model, path_)),
      attempts_(model.kinds[kind].retries + 1),
      bdd_(variable_count(events_.size(), path_.size()), max_nodes, stop) {
  const auto n_events = static_cast<std::uint32_t>(events_.size());
  const std::size_t n = path_.size();
  std::vector<std::int32_t> position(model.components.size(), -1);
  for (std::size_t j = 0; j < n; ++j) position[path_[j]] = static_cast<std::int32_t>(j);

  // up_j = x_j AND NOT (every event that takes it down).
  std::vector<std::vector<std::uint32_t>> takers(n);
  for (std::uint32_t i = 0; i < n_events; ++i)
    for (const std::uint32_t c : model.common_causes[events_[i]].takes_down)
      if (c < position.size() && position[c] >= 0)
        takers[static_cast<std::size_t>(position[c])].push_back(i);
  event_positions_.assign(n_events, {});
  for (std::size_t j = 0; j < n; ++j)
    for (const std::uint32_t i : takers[j])
      event_positions_[i].push_back(static_cast<std::uint32_t>(j));
  std::vector<Bdd::Node> up(n);
  for (std::size_t j = 0; j < n; ++j) {
    Bdd::Node u = bdd_.variable(n_events + static_cast<std::uint32_t>(j));
    for (auto it = takers[j].rbegin(); it != takers[j].rend(); ++it)
      u = bdd_.ite(bdd_.variable(*it), Bdd::kFalse, u);
    up[j] = u;
  }

  // The block tree, post-order with an explicit stack (paths can nest deeply).
  struct Frame {
    const Block* block;
    std::size_t next = 0;
    std::vector<Bdd::Node> children;
  };
  std::vector<Frame> stack;
  stack.push_back({&model.kinds[kind].path, 0, {}});
  Bdd::Node done = Bdd::kFalse;
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.block->kind != BlockKind::component && top.next < top.block->children.size()) {
      const Block* child = &top.block->children[top.next++];
      stack.push_back({child, 0, {}});  // invalidates `top`; the loop re-reads it
      continue;
    }
    done = top.block->kind == BlockKind::component
               ? up[static_cast<std::size_t>(position[top.block->component])]
               : bdd_.at_least(top.block->required(), top.children);
    stack.pop_back();
    if (!stack.empty()) stack.back().children.push_back(done);
  }
  root_ = done;
  bdd_.freeze();

  find_event_part();
  analyse(base, stop);
}

void KindDiagram::find_event_part() {
  const auto n_events = static_cast<std::uint32_t>(events_.size());
  boundary_.clear();
  steps_.clear();
  if (bdd_.level(root_) >= n_events) {
    boundary_.push_back(root_);
    return;
  }
  // Event-level nodes reachable from the root, top-down; their children below the event
  // levels are the boundary.
  std::vector<Bdd::Node> top_down;
  for (const Bdd::Node f : bdd_.reachable(root_)) {
    if (bdd_.level(f) >= n_events) continue;
    top_down.push_back(f);
    for (const Bdd::Node child : {bdd_.low(f), bdd_.high(f)})
      if (bdd_.level(child) >= n_events) boundary_.push_back(child);
  }
  std::sort(boundary_.begin(), boundary_.end());
  boundary_.erase(std::unique(boundary_.begin(), boundary_.end()), boundary_.end());
  std::unordered_map<Bdd::Node, std::uint32_t> index;
  for (std::uint32_t b = 0; b < boundary_.size(); ++b) index.emplace(boundary_[b], b);
  for (auto it = top_down.rbegin(); it != top_down.rend(); ++it)
    index.emplace(*it, static_cast<std::uint32_t>(boundary_.size() + (it - top_down.rbegin())));
  for (auto it = top_down.rbegin(); it != top_down.rend(); ++it)
    steps_.push_back({bdd_.level(*it), index.at(bdd_.low(*it)), index.at(bdd_.high(*it))});
}

std::size_t KindDiagram::root_index() const noexcept {
  return steps_.empty() ? 0 : boundary_.size() + steps_.size() - 1;
}

double KindDiagram::walk(std::span<const double> leaf, std::span<const double> fires,
                         std::span<const double> quiet) const {
  if (steps_.empty()) return leaf[0];
  std::vector<double> value(leaf.begin(), leaf.end());
  value.reserve(boundary_.size() + steps_.size());
  for (const Step& s : steps_)
    value.push_back(fires[s.level] * value[s.high] + quiet[s.level] * value[s.low]);
  return value.back();
}

void KindDiagram::analyse(const StructureProbabilities& base, StopFlag stop) {
  const std::size_t n_events = events_.size();
  const std::size_t n = path_.size();
  const std::uint32_t a = attempts_;
  std::vector<double> p_true(n_events + n), p_false(n_events + n);
  for (std::size_t i = 0; i < n_events; ++i) {
    fires_.push_back(base.event_fires[events_[i]]);
    quiet_.push_back(base.event_quiet[events_[i]]);
    p_true[i] = fires_[i];
    p_false[i] = quiet_[i];
  }
  for (std::size_t j = 0; j < n; ++j) {
    p_true[n_events + j] = base.component_up[path_[j]];
    p_false[n_events + j] = base.component_down[path_[j]];
  }
  throw_if_stopped(stop);
  // P(node = 0) for every node (the passes below need it), and the leaves of the event walk,
  // as 0.2.0 computed them.
  std::vector<double> p0, p1;
  std::vector<double> reliability, attempts;
  {
    const BddProbability probability(bdd_, p_true, p_false);
    p0.assign(probability.of_false().begin(), probability.of_false().end());
    p1.assign(probability.of_true().begin(), probability.of_true().end());
    for (const Bdd::Node b : boundary_) {
      const double q = p0[b], r = probability.of_true(b);
      leaf_unreliability_.push_back(std::pow(q, static_cast<double>(a)));
      reliability.push_back(one_minus_power(r, q, a));
      double sum = 0, power = 1;
      for (std::uint32_t t = 0; t < a; ++t, power *= q) sum += power;
      attempts.push_back(sum);
    }
  }
  values_.unreliability = walk(leaf_unreliability_, fires_, quiet_);
  values_.reliability = walk(reliability, fires_, quiet_);
  values_.attempt_unreliability = p0[root_];
  values_.expected_attempts = walk(attempts, fires_, quiet_);

  // Each event forced quiet and forced to fire: a walk over the event part each.
  for (std::size_t i = 0; i < n_events; ++i) {
    std::vector<double> fires = fires_, quiet = quiet_;
    fires[i] = 0;
    quiet[i] = 1;
    if_quiet_.push_back(walk(leaf_unreliability_, fires, quiet));
    fires[i] = 1;
    quiet[i] = 0;
    if_fires_.push_back(walk(leaf_unreliability_, fires, quiet));
  }
  attribute(p_true, p_false, stop);
  importance(p_true, p_false, p1, p0, stop);
}

void KindDiagram::attribute(std::span<const double> p_true, std::span<const double> p_false,
                            StopFlag stop) {
  const auto n_events = static_cast<std::uint32_t>(events_.size());
  const std::size_t n = path_.size();
  const std::uint32_t a = attempts_;
  culprit_.assign(n, 0.0);
  // F over the effective states alone: the cofactor with every event quiet.
  std::size_t at = root_index();
  while (at >= boundary_.size()) at = steps_[at - boundary_.size()].low;
  const Bdd::Node quiet_root = boundary_[at];
  if (Bdd::terminal(quiet_root)) return;
  const std::vector<Bdd::Node> nodes = bdd_.reachable(quiet_root);  // top-down

  // allup(N): the structure below N works with every component up (follow the 1-branches).
  std::vector<std::uint8_t> allup(bdd_.size(), 0);
  allup[Bdd::kTrue] = 1;
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) allup[*it] = allup[bdd_.high(*it)];
  const auto local = [&](Bdd::Node f) { return bdd_.level(f) - n_events; };
  // Where a down set breaks the structure with everything else up: the first low edge (a
  // member of the set) that loses allup.
  const auto break_position = [&](const std::vector<std::uint64_t>& bits) -> std::size_t {
    Bdd::Node f = quiet_root;
    while (!Bdd::terminal(f)) {
      const std::size_t j = local(f);
      if (has_bit(bits, j)) {
        if (!allup[bdd_.low(f)]) return j;
        f = bdd_.low(f);
      } else {
        f = bdd_.high(f);
      }
    }
    return kNoBreak;
  };

  std::vector<EventOnPath> on_path;
  for (std::size_t i = 0; i < n_events; ++i)
    on_path.push_back({event_positions_[i], fires_[i], quiet_[i]});
  const std::size_t max_sets =
      std::min(kMaxCommonCauseSets, std::max<std::size_t>(1, kMaxCommonCauseWork / nodes.size()));
  const std::vector<DownSet> sets = enumerate_down_sets(n, on_path, break_position, max_sets, stop);

  StopPoller poll(stop);
  std::vector<long double> reach(bdd_.size(), 0.0L), failed;
  std::vector<long double> given(n, 0.0L), total(n, 0.0L);
  for (const DownSet& set : sets) {
    const auto up_of = [&](std::size_t j) {
      return has_bit(set.bits, j) ? 0.0L : p_true[n_events + j];
    };
    const auto down_of = [&](std::size_t j) {
      return has_bit(set.bits, j) ? 1.0L : p_false[n_events + j];
    };
    long double weight = set.probability;
    if (a > 1 && set.breaks_at == kNoBreak) {
      // Q(D) = P(an attempt fails | D), bottom-up; a set that breaks the structure has Q = 1.
      if (failed.empty()) {
        failed.assign(bdd_.size(), 0.0L);
        failed[Bdd::kFalse] = 1;
      }
      for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
        const std::size_t j = local(*it);
        failed[*it] = up_of(j) * failed[bdd_.high(*it)] + down_of(j) * failed[bdd_.low(*it)];
      }
      weight *= std::pow(failed[quiet_root], static_cast<long double>(a - 1));
      poll.tick(nodes.size());
    }
    for (const Bdd::Node f : nodes) reach[f] = 0;
    reach[quiet_root] = 1;
    for (const Bdd::Node f : nodes) {
      const long double r = reach[f];
      if (r == 0) continue;
      const std::size_t j = local(f);
      const long double down = down_of(j);
      // The culprit: the structure with this component and every later one up works here
      // (allup(N)), and with this one down fails (not allup(low(N))).
      if (allup[f] && !allup[bdd_.low(f)]) given[j] += r * down;
      reach[bdd_.high(f)] += r * up_of(j);
      reach[bdd_.low(f)] += r * down;
    }
    poll.tick(nodes.size());
    for (std::size_t j = 0; j < n; ++j) {
      total[j] += weight * given[j];
      given[j] = 0;
    }
  }
  for (std::size_t j = 0; j < n; ++j) culprit_[j] = static_cast<double>(total[j]);
}

void KindDiagram::importance(std::span<const double> p_true, std::span<const double> p_false,
                             std::span<const double> p_true_of_node,
                             std::span<const double> p_false_of_node, StopFlag stop) {
  const auto n_events = static_cast<std::uint32_t>(events_.size());
  const std::size_t n = path_.size();
  const std::uint32_t a = attempts_;
  const std::size_t n_boundary = boundary_.size();
  // P(the events lead to boundary node b), top-down over the event part.
  std::vector<long double> reach_boundary(n_boundary + steps_.size(), 0.0L);
  reach_boundary[root_index()] = 1;
  for (std::size_t s = steps_.size(); s-- > 0;) {
    const Step& step = steps_[s];
    const long double r = reach_boundary[n_boundary + s];
    reach_boundary[step.high] += r * fires_[step.level];
    reach_boundary[step.low] += r * quiet_[step.level];
  }
  std::vector<long double> perfect(n, 0.0L), failed(n, 0.0L);
  std::vector<long double> birnbaum(n, 0.0L), improvement(n, 0.0L), critical(n, 0.0L);
  // sum_{t < a} x^t y^(a-1-t): x^a - y^a = (x - y) times this, with positive terms only.
  const auto power_sum = [a](long double x, long double y) {
    long double sum = 1, x_power = 1;
    for (std::uint32_t m = 2; m <= a; ++m) {
      x_power *= x;
      sum = x_power + y * sum;
    }
    return sum;
  };
  StopPoller poll(stop);
  Bdd::Marks marks;
  const std::vector<Bdd::Node> all = bdd_.reachable(root_, marks);
  // Per-node Birnbaum terms, with at most one pair for every two nodes (32 bytes each).
  const std::vector<double> differences =
      node_differences(bdd_, all, n_events, p_true, p_false, p_true_of_node, p_false_of_node,
                       bdd_.size() / 2 + 65536, poll);
  LevelCut cut;
  std::vector<long double> reach;
  if (a == 1) {
    // Everything is linear in the per-configuration values: one pass from the root, through
    // the event levels, covers every configuration at once.
    level_cut(bdd_, root_, all, n_events, p_true, p_false, p_false_of_node, differences, reach, cut,
              poll);
    for (std::size_t j = 0; j < n; ++j) {
      perfect[j] = cut.false_if_true[j];
      failed[j] = cut.false_if_false[j];
      birnbaum[j] = improvement[j] = critical[j] = cut.difference[j];
    }
  }
  for (std::size_t b = 0; a > 1 && b < n_boundary; ++b) {
    const long double w = reach_boundary[b];
    const Bdd::Node node = boundary_[b];
    if (w == 0 || node == Bdd::kTrue) continue;
    if (node == Bdd::kFalse) {  // every attempt fails whatever the components do
      for (std::size_t j = 0; j < n; ++j) {
        perfect[j] += w;
        failed[j] += w;
      }
      continue;
    }
    level_cut(bdd_, node, bdd_.reachable(node, marks), n_events, p_true, p_false, p_false_of_node,
              differences, reach, cut, poll);
    const long double q = p_false_of_node[node];
    const long double earlier_fail = std::pow(q, static_cast<long double>(a - 1));
    for (std::size_t j = 0; j < n; ++j) {
      const long double q_up = cut.false_if_true[j], q_down = cut.false_if_false[j];
      const long double d = w * cut.difference[j];
      perfect[j] += w * std::pow(q_up, static_cast<long double>(a));
      failed[j] += w * std::pow(q_down, static_cast<long double>(a));
      if (d == 0) continue;
      // Per attempt Q = q Q(down) + (1 - q) Q(up), so Q - Q(up) = q (Q(down) - Q(up)): both
      // differences of the request's U come out as sums of positive terms.
      birnbaum[j] += d * power_sum(q_down, q_up);
      improvement[j] += d * power_sum(q, q_up);
      critical[j] += d * earlier_fail;
    }
    poll.tick(n);
  }
  for (std::size_t j = 0; j < n; ++j) {
    const long double own_down = p_false[n_events + j];
    if_perfect_.push_back(static_cast<double>(perfect[j]));
    if_failed_.push_back(static_cast<double>(failed[j]));
    birnbaum_.push_back(static_cast<double>(birnbaum[j]));
    improvement_.push_back(static_cast<double>(own_down * improvement[j]));
    // The last attempt: the component's own calls failed (q) and that decided the attempt.
    critical_.push_back(static_cast<double>(own_down * critical[j]));
  }
}

double KindDiagram::unreliability(const StructureProbabilities& p) const {
  std::vector<double> p_true, p_false, fires, quiet;
  for (const std::uint32_t e : events_) {
    fires.push_back(p.event_fires.at(e));
    quiet.push_back(p.event_quiet.at(e));
  }
  p_true = fires;
  p_false = quiet;
  for (const std::uint32_t c : path_) {
    p_true.push_back(p.component_up.at(c));
    p_false.push_back(p.component_down.at(c));
  }
  const BddProbability probability(bdd_, p_true, p_false);
  std::vector<double> leaf;
  for (const Bdd::Node b : boundary_)
    leaf.push_back(std::pow(probability.of_false(b), static_cast<double>(attempts_)));
  return walk(leaf, fires, quiet);
}

double KindDiagram::failure_with_fired_set(std::span<const std::uint32_t> fired) const {
  const std::size_t n_events = events_.size();
  std::vector<bool> member(n_events, false);
  std::size_t i = 0;
  for (std::size_t f = 0; f < fired.size(); ++f) {
    if (f > 0 && fired[f] <= fired[f - 1])
      throw std::invalid_argument("failure_with_fired_set: events must be strictly increasing");
    while (i < n_events && events_[i] < fired[f]) ++i;
    if (i == n_events || events_[i] != fired[f]) return 0;  // never drawn for this kind
    member[i] = true;
  }
  long double probability = 1;
  for (std::size_t e = 0; e < n_events; ++e) probability *= member[e] ? fires_[e] : quiet_[e];
  std::size_t at = root_index();
  while (at >= boundary_.size()) {
    const Step& step = steps_[at - boundary_.size()];
    at = member[step.level] ? step.high : step.low;
  }
  return static_cast<double>(probability * leaf_unreliability_[at]);
}

}  // namespace nines
