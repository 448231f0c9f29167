#include "nines/allocate/allocation.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <utility>

#include "nines/base/error.hpp"
#include "nines/base/number_format.hpp"
#include "nines/exact/structure_analytics.hpp"

namespace nines {

const char* to_string(AllocationMethod method) noexcept {
  switch (method) {
    case AllocationMethod::equal:
      return "equal";
    case AllocationMethod::proportional:
      return "proportional";
    case AllocationMethod::cost:
      return "cost";
  }
  return "?";
}

StructureModel structure_of_chain(const Scenario& chain) {
  StructureModel m;
  m.format_version = chain.format_version;
  m.name = chain.name;
  m.description = chain.description;
  m.defaults = chain.defaults;
  m.source_path = chain.source_path;
  m.source_text = chain.source_text;
  std::vector<Block> steps;
  for (const Component& c : chain.components) {
    const auto index = static_cast<std::uint32_t>(m.components.size());
    StructureComponent s;
    s.name = c.name;
    s.declaration = c.name;
    s.reliability = c.reliability;
    s.description = c.description;
    s.improvement_cost = c.improvement_cost;
    m.components.push_back(std::move(s));
    ComponentDeclaration d;
    d.name = c.name;
    d.first = index;
    m.declarations.push_back(std::move(d));
    steps.push_back(Block::component_ref(index));
  }
  RequestKind kind;
  kind.name = "request";
  kind.path = Block::series(std::move(steps));
  m.kinds.push_back(std::move(kind));
  return m;
}

std::vector<AllocationTeam> allocation_teams(const StructureModel& model) {
  std::vector<AllocationTeam> teams;
  for (const ComponentDeclaration& d : model.declarations) {
    const StructureComponent& first = model.components[d.first];
    AllocationTeam team;
    team.name = d.name;
    team.reliability = first.reliability;
    team.retries = first.retries;
    team.improvement_cost = first.improvement_cost;
    const std::uint32_t copies = std::max<std::uint32_t>(d.replicas, 1);
    for (std::uint32_t r = 0; r < copies; ++r) team.components.push_back(d.first + r);
    teams.push_back(std::move(team));
  }
  return teams;
}

namespace {

// A reliability as a percent with the digits its unreliability u needs.
std::string percent_of(double u) {
  return number_format::percent_from_unreliability(u, number_format::decimals_for(u, 2));
}

constexpr double kLn10 = 2.302585092994045684;
// Log-parameter span searched below a method's "today" end: e^-2000 is 0 in double, so the low
// end always means "every team it scales is perfect".
constexpr double kLogSpan = 2000;

// Series for the cost method's closed form (allocation.hpp): every block is a component, a
// series, or an all-required k-of-n (parallel of one child counts too).
bool is_series(const Block& block) {
  if (block.kind == BlockKind::component) return true;
  if (block.required() != block.children.size()) return false;
  return std::all_of(block.children.begin(), block.children.end(), is_series);
}

class Allocator {
 public:
  Allocator(const StructureModel& model, double target, StopFlag stop)
      : model_(model),
        target_(target),
        max_unreliability_(1.0 - target),
        stop_(stop),
        analytics_(model, stop),
        teams_(allocation_teams(model)) {
    today_u_.reserve(teams_.size());
    for (const AllocationTeam& t : teams_) today_u_.push_back(1.0 - t.reliability);
    on_path_.assign(teams_.size(), false);
    for (std::size_t d = 0; d < teams_.size(); ++d)
      for (std::size_t k = 0; k < model.kinds.size(); ++k)
        for (std::uint32_t c : teams_[d].components)
          if (analytics_.kind_uses(k, c)) on_path_[d] = true;
  }

  Allocation run() {
    Allocation out;
    out.scenario_name = model_.name;
    out.format_version = model_.format_version;
    out.target = target_;
    out.today_reliability = analytics_.reliability();
    out.today_unreliability = analytics_.unreliability();
    out.teams = teams_;
    out.already_met = out.today_unreliability <= max_unreliability_;
    const std::vector<double> perfect(teams_.size(), 0.0);
    const double floor = unreliability_of(scaled(perfect, [](std::size_t) { return true; }));
    out.ceiling_reliability = 1.0 - floor;
    if (!out.already_met && !(floor < max_unreliability_)) {
      throw InputError("the target " + percent_of(1.0 - target_) +
                       " is unreachable: even with every component perfect the service "
                       "reliability is " +
                       percent_of(floor) +
                       " (its common-cause events alone fail more requests than the target "
                       "allows)");
    }
    out.methods.push_back(equal(out.already_met));
    out.methods.push_back(proportional(out.already_met));
    out.methods.push_back(cost(out.already_met));
    return out;
  }

 private:
  // Per-call reliabilities from per-team unreliabilities, rounded as a file would state them;
  // teams not selected keep today's.
  template <class Selected>
  std::vector<double> scaled(const std::vector<double>& u, Selected selected) const {
    std::vector<double> r(teams_.size());
    for (std::size_t d = 0; d < teams_.size(); ++d)
      r[d] = selected(d) ? 1.0 - std::min(u[d], today_u_[d]) : teams_[d].reliability;
    return r;
  }

  // The mix's unreliability with these per-team reliabilities, by one pass over the diagrams.
  double unreliability_of(const std::vector<double>& reliability) const {
    StructureProbabilities p = analytics_.base();
    for (std::size_t d = 0; d < teams_.size(); ++d) {
      for (std::uint32_t c : teams_[d].components) {
        StructureComponent copy = model_.components[c];
        copy.reliability = reliability[d];
        p.component_up[c] = copy.effective_reliability();
        p.component_down[c] = copy.effective_unreliability();
      }
    }
    return analytics_.mix_unreliability(p);
  }

  // The largest log-parameter in [top - kLogSpan, top] whose reliabilities meet the target,
  // where `at(p)` maps it to reliabilities, more unreliable as p grows, and `top` fails it.
  double bisect(double top, const std::function<std::vector<double>(double)>& at) const {
    double lo = top - kLogSpan, hi = top;
    for (int i = 0; i < 400; ++i) {
      if (stop_ != nullptr && stop_->load(std::memory_order_relaxed)) throw Interrupted();
      const double mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) break;
      if (unreliability_of(at(mid)) <= max_unreliability_)
        lo = mid;
      else
        hi = mid;
    }
    return lo;
  }

  // Fills the check and the per-team columns of a result from its reliabilities. The check is
  // a new StructureAnalytics of the model with them substituted: what `nines run` would
  // compute. Should it differ from the fast pass in the last bits and miss, `retry` gives the
  // reliabilities a step further in (at most 64 steps); the result is never reported met
  // unless the fresh evaluation says so.
  void finish(MethodResult& m, std::vector<double> reliability,
              const std::function<std::vector<double>(int)>& retry) const {
    for (int step = 0;; ++step) {
      StructureModel changed = model_;
      for (std::size_t d = 0; d < teams_.size(); ++d)
        for (std::uint32_t c : teams_[d].components)
          changed.components[c].reliability = reliability[d];
      const StructureAnalytics check(changed, stop_);
      m.service_reliability = check.reliability();
      m.service_unreliability = check.unreliability();
      m.met = m.service_unreliability <= max_unreliability_;
      if (m.met || step >= 64 || !retry) break;
      reliability = retry(step + 1);
    }
    m.reliability = reliability;
    m.extra_nines.assign(teams_.size(), 0.0);
    m.cost = 0;
    bool unknown_cost = false;
    bool any_cost = false;
    for (std::size_t d = 0; d < teams_.size(); ++d) {
      const double u0 = today_u_[d];
      const double u = 1.0 - reliability[d];
      if (u < u0)
        m.extra_nines[d] = u > 0 ? std::log10(u0 / u) : std::numeric_limits<double>::infinity();
      if (teams_[d].improvement_cost) {
        any_cost = true;
        m.cost += *teams_[d].improvement_cost * m.extra_nines[d];
      } else if (m.extra_nines[d] > 0) {
        unknown_cost = true;
      }
    }
    if (unknown_cost || !any_cost) m.cost = std::numeric_limits<double>::quiet_NaN();
  }

  std::vector<double> today() const {
    std::vector<double> r;
    for (const AllocationTeam& t : teams_) r.push_back(t.reliability);
    return r;
  }

  MethodResult equal(bool already_met) const {
    MethodResult m;
    m.method = AllocationMethod::equal;
    m.solver = "bisection on the common unreliability x against the exact engine";
    double top = -std::numeric_limits<double>::infinity();
    for (std::size_t d = 0; d < teams_.size(); ++d)
      if (on_path_[d] && today_u_[d] > 0) top = std::max(top, std::log(today_u_[d]));
    const auto at = [&](double p) {
      const std::vector<double> u(teams_.size(), std::exp(p));
      return scaled(u, [&](std::size_t d) { return on_path_[d]; });
    };
    if (already_met) {
      m.parameter = std::exp(top);
      finish(m, today(), {});
      return m;
    }
    const double p = bisect(top, at);
    double used = p;  // p, or a step further in if the fresh check asked for one
    finish(m, at(p), [&](int step) { return at(used = p - std::ldexp(1e-12, step)); });
    m.parameter = std::exp(used);
    return m;
  }

  MethodResult proportional(bool already_met) const {
    MethodResult m;
    m.method = AllocationMethod::proportional;
    m.solver = "bisection on the common factor f against the exact engine";
    const auto at = [&](double p) {
      std::vector<double> u(teams_.size());
      for (std::size_t d = 0; d < teams_.size(); ++d) u[d] = std::exp(p) * today_u_[d];
      return scaled(u, [&](std::size_t d) { return on_path_[d]; });
    };
    if (already_met) {
      m.parameter = 1;
      finish(m, today(), {});
      return m;
    }
    const double p = bisect(0.0, at);
    double used = p;
    finish(m, at(p), [&](int step) { return at(used = p - std::ldexp(1e-12, step)); });
    m.parameter = std::exp(used);
    return m;
  }

  MethodResult cost(bool already_met) const {
    MethodResult m;
    m.method = AllocationMethod::cost;
    const bool any_cost = std::any_of(teams_.begin(), teams_.end(),
                                      [](const AllocationTeam& t) { return t.improvement_cost; });
    if (!any_cost) {
      m.available = false;
      m.reason = "no component has an improvement_cost";
      return m;
    }
    const RequestKind& kind = model_.kinds.front();
    if (model_.kinds.size() != 1 || kind.retries != 0 || !is_series(kind.path)) {
      m.available = false;
      m.reason =
          "the cost-weighted optimum is solved for series structures only (one request kind "
          "without request retries whose path is a series of components)";
      return m;
    }
    m.solver = "KKT of the convex series problem, multiplier by bisection against the exact engine";
    if (already_met) {
      finish(m, today(), {});
      return m;
    }
    // Per team: copies on the path (k), attempts per call (a); odds weight w = cost / (a k).
    std::vector<double> weight(teams_.size(), 0.0), copies(teams_.size(), 0.0);
    for (std::uint32_t c : components_in_path_order(kind.path))
      for (std::size_t d = 0; d < teams_.size(); ++d)
        for (std::uint32_t own : teams_[d].components)
          if (own == c) copies[d] += 1;
    const auto for_sale = [&](std::size_t d) {
      return teams_[d].improvement_cost.has_value() && copies[d] > 0 && today_u_[d] > 0;
    };
    double top = -std::numeric_limits<double>::infinity();
    std::vector<double> today_odds(teams_.size(), 0.0);
    for (std::size_t d = 0; d < teams_.size(); ++d) {
      if (!for_sale(d)) continue;
      const double a = teams_[d].retries + 1.0;
      weight[d] = *teams_[d].improvement_cost / (a * copies[d]);
      StructureComponent copy = model_.components[teams_[d].components.front()];
      const double v0 = copy.effective_unreliability();
      today_odds[d] = v0 / copy.effective_reliability();
      top = std::max(top, std::log(today_odds[d] / weight[d]));
    }
    // Effective odds s * w (capped at today's) back to the per-call unreliability.
    const auto at = [&](double p) {
      std::vector<double> u(teams_.size(), 1.0);
      for (std::size_t d = 0; d < teams_.size(); ++d) {
        if (!for_sale(d)) continue;
        const double odds = std::min(today_odds[d], std::exp(p) * weight[d]);
        const double v = odds / (1.0 + odds);
        u[d] = std::pow(v, 1.0 / (teams_[d].retries + 1.0));
      }
      return scaled(u, for_sale);
    };
    const std::vector<double> best = at(-std::numeric_limits<double>::infinity());
    if (!(unreliability_of(best) <= max_unreliability_)) {
      throw InputError(
          "the target " + percent_of(1.0 - target_) +
          " is unreachable by the cost method: with every component that has an "
          "improvement_cost perfect, the others keep today's values and the service reaches "
          "only " +
          percent_of(unreliability_of(best)) + "; give the others an improvement_cost too");
    }
    const double p = bisect(top, at);
    double used_p = p;
    finish(m, at(p), [&](int step) { return at(used_p = p - std::ldexp(1e-12, step)); });
    // lambda, in cost per nat of -ln(1 - v): odds = cost / (a k lambda ln 10) = s w.
    m.parameter = 1.0 / (std::exp(used_p) * kLn10);
    // Duality gap of the closed form at this multiplier (allocation.hpp): lambda * slack.
    double used = 0;
    for (std::size_t d = 0; d < teams_.size(); ++d) {
      if (copies[d] == 0) continue;
      StructureComponent copy = model_.components[teams_[d].components.front()];
      copy.reliability = m.reliability[d];
      used += copies[d] * -std::log1p(-copy.effective_unreliability());
    }
    const double budget = std::log(1.0 - unreliability_of(perfect_all())) - std::log(target_);
    m.optimality_gap = std::max(0.0, m.parameter * (budget - used));
    return m;
  }

  std::vector<double> perfect_all() const {
    return scaled(std::vector<double>(teams_.size(), 0.0), [](std::size_t) { return true; });
  }

  const StructureModel& model_;
  double target_;
  double max_unreliability_;
  StopFlag stop_;
  StructureAnalytics analytics_;
  std::vector<AllocationTeam> teams_;
  std::vector<double> today_u_;
  std::vector<bool> on_path_;
};

}  // namespace

Allocation allocate(const StructureModel& model, double target, StopFlag stop) {
  if (!(target > 0 && target < 1))
    throw InputError("the target must be a service reliability between 0 and 100% (exclusive)");
  return Allocator(model, target, stop).run();
}

}  // namespace nines
