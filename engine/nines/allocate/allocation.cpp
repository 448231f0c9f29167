#include "nines/allocate/allocation.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
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
    out.methods.push_back(cost_method(out.already_met, out.methods[0], out.methods[1]));
    return out;
  }

  // The general cost method on this model, whatever its structure (for tests and comparison).
  MethodResult general_cost_only() {
    const bool met = analytics_.unreliability() <= max_unreliability_;
    const MethodResult eq = equal(met), prop = proportional(met);
    if (!any_cost()) return no_cost();
    return general_cost(met, eq, prop);
  }

  // The cost method: not available without costs; the closed form for series structures
  // (cost), else the general method with its bound (general_cost).
  MethodResult cost_method(bool already_met, const MethodResult& eq,
                           const MethodResult& prop) const {
    if (!any_cost()) return no_cost();
    return series_structure() ? cost(already_met) : general_cost(already_met, eq, prop);
  }

  bool any_cost() const {
    return std::any_of(teams_.begin(), teams_.end(),
                       [](const AllocationTeam& t) { return t.improvement_cost; });
  }

  static MethodResult no_cost() {
    MethodResult m;
    m.method = AllocationMethod::cost;
    m.available = false;
    m.reason = "no component has an improvement_cost";
    return m;
  }

  // One request kind without request retries whose path is a series: the closed form.
  bool series_structure() const {
    return model_.kinds.size() == 1 && model_.kinds.front().retries == 0 &&
           is_series(model_.kinds.front().path);
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

  // Series structures with costs only (cost_method decides).
  MethodResult cost(bool already_met) const {
    MethodResult m;
    m.method = AllocationMethod::cost;
    const RequestKind& kind = model_.kinds.front();
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

  // ---- The cost method for every structure (allocation.hpp, "Other structures"). ----

  // Minimal cut sets of a block (component indices, sorted), at most kMaxCuts; any subset of the
  // true family (and any non-minimal cut) still gives valid constraints.
  static constexpr std::size_t kMaxCuts = 100'000;
  // And at most this many component entries in one family (16 MB).
  static constexpr std::size_t kMaxCutEntries = 4'000'000;
  using Cut = std::vector<std::uint32_t>;

  static void minimise(std::vector<Cut>& cuts) {
    std::sort(cuts.begin(), cuts.end(), [](const Cut& a, const Cut& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    if (cuts.size() > 5000) return;  // supersets kept: weaker, still valid
    std::vector<Cut> kept;
    for (Cut& c : cuts) {
      const bool superset = std::any_of(kept.begin(), kept.end(), [&](const Cut& k) {
        return std::includes(c.begin(), c.end(), k.begin(), k.end());
      });
      if (!superset) kept.push_back(std::move(c));
    }
    cuts = std::move(kept);
  }

  // Unions of one cut from each family, at most kMaxCuts.
  static std::vector<Cut> combine(const std::vector<const std::vector<Cut>*>& families,
                                  bool& capped) {
    std::vector<Cut> out{Cut{}};
    for (const std::vector<Cut>* f : families) {
      std::vector<Cut> next;
      std::size_t entries = 0;
      for (const Cut& a : out) {
        for (const Cut& b : *f) {
          if (next.size() >= kMaxCuts || entries >= kMaxCutEntries) {
            capped = true;
            break;
          }
          Cut u;
          std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(u));
          entries += u.size();
          next.push_back(std::move(u));
        }
      }
      out = std::move(next);
      minimise(out);
    }
    return out;
  }

  static std::vector<Cut> cuts_of(const Block& block, bool& capped) {
    if (block.kind == BlockKind::component) return {Cut{block.component}};
    std::vector<std::vector<Cut>> child;
    for (const Block& b : block.children) child.push_back(cuts_of(b, capped));
    const std::size_t n = child.size();
    const std::size_t need = block.required();
    if (need > n) return {Cut{}};           // never works: the empty cut
    const std::size_t fail = n - need + 1;  // children that must fail together
    std::vector<Cut> out;
    std::size_t entries = 0;
    // Every combination of `fail` children, in lexicographic order, until the cap.
    std::vector<std::size_t> pick(fail);
    for (std::size_t i = 0; i < fail; ++i) pick[i] = i;
    for (;;) {
      std::vector<const std::vector<Cut>*> families;
      for (std::size_t i : pick) families.push_back(&child[i]);
      for (Cut& c : combine(families, capped)) {
        if (out.size() >= kMaxCuts || entries >= kMaxCutEntries) {
          capped = true;
          break;
        }
        entries += c.size();
        out.push_back(std::move(c));
      }
      if (out.size() >= kMaxCuts || entries >= kMaxCutEntries) {
        capped = true;
        break;
      }
      std::size_t i = fail;
      while (i > 0 && pick[i - 1] == n - fail + i - 1) --i;
      if (i == 0) break;
      ++pick[i - 1];
      for (std::size_t j = i; j < fail; ++j) pick[j] = pick[j - 1] + 1;
    }
    minimise(out);
    return out;
  }

  // One linear covering constraint sum_d m_d z_d >= b over the teams for sale (z in nines).
  struct Covering {
    std::vector<double> m;  // per team
    double b = 0;
  };

  // The dual of  min c.z  s.t.  M z >= b, z >= 0  is  max b.y  s.t.  M^T y <= c, y >= 0; with
  // c > 0 the slack basis is feasible, so a primal simplex on it needs no phase 1. Any y it
  // reaches is dual feasible; it is clipped and scaled onto M^T y <= c before use, so the
  // returned b.y is a lower bound whatever the floating point did.
  static double dual_bound(const std::vector<Covering>& rows, const std::vector<std::size_t>& sale,
                           const std::vector<double>& c) {
    const std::size_t n = sale.size(), m = rows.size();
    if (n == 0 || m == 0) return 0;
    const std::size_t cols = m + n;
    std::vector<double> t(n * cols, 0.0), rhs(n), profit(cols, 0.0);
    std::vector<std::size_t> basis(n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < m; ++j) t[i * cols + j] = rows[j].m[sale[i]];
      t[i * cols + m + i] = 1;
      rhs[i] = c[sale[i]];
      basis[i] = m + i;
    }
    for (std::size_t j = 0; j < m; ++j) profit[j] = rows[j].b;
    const std::size_t max_pivots = 50 * (n + 10);
    for (std::size_t it = 0; it < max_pivots; ++it) {
      const bool bland = it > max_pivots / 2;
      std::size_t enter = cols;
      for (std::size_t j = 0; j < cols; ++j) {
        if (profit[j] <= 1e-12) continue;
        if (enter == cols || (!bland && profit[j] > profit[enter])) enter = j;
        if (bland) break;
      }
      if (enter == cols) break;
      std::size_t leave = n;
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t i = 0; i < n; ++i) {
        const double a = t[i * cols + enter];
        if (a > 1e-12 && rhs[i] / a < best) {
          best = rhs[i] / a;
          leave = i;
        }
      }
      if (leave == n) break;  // unbounded cannot happen (c >= M^T y bounds y); stop safely
      const double pv = t[leave * cols + enter];
      for (std::size_t j = 0; j < cols; ++j) t[leave * cols + j] /= pv;
      rhs[leave] /= pv;
      for (std::size_t i = 0; i < n; ++i) {
        if (i == leave) continue;
        const double f = t[i * cols + enter];
        if (f == 0) continue;
        for (std::size_t j = 0; j < cols; ++j) t[i * cols + j] -= f * t[leave * cols + j];
        rhs[i] = std::max(0.0, rhs[i] - f * rhs[leave]);
      }
      const double f = profit[enter];
      for (std::size_t j = 0; j < cols; ++j) profit[j] -= f * t[leave * cols + j];
      basis[leave] = enter;
    }
    std::vector<double> y(m, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      if (basis[i] < m) y[basis[i]] = std::max(0.0, rhs[i]);
    double scale = 1;
    for (std::size_t i = 0; i < n; ++i) {
      double load = 0;
      for (std::size_t j = 0; j < m; ++j) load += rows[j].m[sale[i]] * y[j];
      if (load > c[sale[i]]) scale = std::min(scale, c[sale[i]] / load);
    }
    double bound = 0;
    for (std::size_t j = 0; j < m; ++j) bound += rows[j].b * y[j] * scale;
    return std::max(0.0, bound);
  }

 public:
  // The cost method on any structure: a feasible allocation found against the exact engine
  // (greedy, then pairwise exchange), and a lower bound by LP duality over cut-set constraints.
  MethodResult general_cost(bool already_met, const MethodResult& eq,
                            const MethodResult& prop) const {
    MethodResult m;
    m.method = AllocationMethod::cost;
    const std::size_t n = teams_.size();
    std::vector<std::size_t> sale;
    std::vector<double> c(n, 0.0);
    for (std::size_t d = 0; d < n; ++d) {
      if (teams_[d].improvement_cost && on_path_[d] && today_u_[d] > 0) {
        sale.push_back(d);
        c[d] = *teams_[d].improvement_cost;
      }
    }
    const auto rel_of = [&](const std::vector<double>& z) {
      std::vector<double> r = today();
      for (std::size_t d : sale) r[d] = 1.0 - today_u_[d] * std::pow(10.0, -z[d]);
      return r;
    };
    const auto u_of = [&](const std::vector<double>& z) {
      if (stop_ != nullptr && stop_->load(std::memory_order_relaxed)) throw Interrupted();
      return unreliability_of(rel_of(z));
    };
    const auto feasible = [&](const std::vector<double>& z) {
      return u_of(z) <= max_unreliability_;
    };
    const auto cost_of = [&](const std::vector<double>& z) {
      double s = 0;
      for (std::size_t d : sale) s += c[d] * z[d];
      return s;
    };
    m.solver = "greedy and pairwise exchange against the exact engine";
    if (already_met) {
      finish(m, today(), {});
      m.solver += "; already met";
      return m;
    }
    {
      std::vector<double> perfect(n, 0.0);
      std::vector<double> r = today();
      for (std::size_t d : sale) r[d] = 1.0;
      const double best = unreliability_of(r);
      if (!(best <= max_unreliability_)) {
        throw InputError(
            "the target " + percent_of(1.0 - target_) +
            " is unreachable by the cost method: with every component that has an "
            "improvement_cost perfect, the others keep today's values and the service reaches "
            "only " +
            percent_of(best) + "; give the others an improvement_cost too");
      }
    }
    // Lowers z_d as far as the target allows (bisection, z stays feasible).
    const auto lower = [&](std::vector<double>& z, std::size_t d) {
      const double top = z[d];
      z[d] = 0;
      if (feasible(z)) return;
      double lo = 0, hi = top;
      for (int i = 0; i < 60 && hi - lo > 1e-13 * std::max(1.0, hi); ++i) {
        z[d] = 0.5 * (lo + hi);
        if (feasible(z))
          hi = z[d];
        else
          lo = z[d];
      }
      z[d] = hi;
    };
    const auto polish = [&](std::vector<double> z) {
      std::vector<std::size_t> order = sale;
      std::sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return c[a] > c[b]; });
      for (std::size_t d : order) lower(z, d);
      for (double delta : {0.1, 0.03, 0.01, 0.003, 0.001, 3e-4, 1e-4}) {
        for (int iter = 0; iter < 100; ++iter) {
          const double u0 = u_of(z);
          std::size_t j = n, i = n;
          double up_best = -1, down_best = std::numeric_limits<double>::infinity();
          std::vector<double> down(n, std::numeric_limits<double>::infinity());
          for (std::size_t d : sale) {
            std::vector<double> t = z;
            t[d] += delta;
            const double up = (u0 - u_of(t)) / (c[d] * delta);
            if (up > up_best) {
              up_best = up;
              j = d;
            }
            if (z[d] > 0) {
              const double step = std::min(delta, z[d]);
              t[d] = z[d] - step;
              down[d] = (u_of(t) - u0) / (c[d] * step);
            }
          }
          for (std::size_t d : sale)
            if (d != j && down[d] < down_best) {
              down_best = down[d];
              i = d;
            }
          if (j == n || i == n || !(up_best > down_best)) break;
          std::vector<double> t = z;
          t[j] += delta;
          lower(t, i);
          if (!(cost_of(t) < cost_of(z) * (1 - 1e-13))) break;
          z = std::move(t);
        }
      }
      return z;
    };
    // Greedy from today: the step with the largest failure reduction per cost, until feasible.
    std::vector<double> z(n, 0.0);
    for (int step = 0; step < 20000 && !feasible(z); ++step) {
      const double u0 = u_of(z);
      std::size_t pick = n;
      double best = -1;
      for (std::size_t d : sale) {
        std::vector<double> t = z;
        t[d] += 0.1;
        const double gain = (u0 - u_of(t)) / c[d];
        if (gain > best) {
          best = gain;
          pick = d;
        }
      }
      if (pick == n) break;
      z[pick] += 0.1;
    }
    std::vector<std::vector<double>> starts;
    if (feasible(z)) starts.push_back(z);
    // The scaled methods' allocations, when they improve only teams for sale.
    for (const MethodResult* other : {&prop, &eq}) {
      if (!other->available || !other->met || std::isnan(other->cost)) continue;
      std::vector<double> s(n, 0.0);
      for (std::size_t d : sale) s[d] = other->extra_nines[d];
      if (std::isfinite(cost_of(s)) && feasible(s)) starts.push_back(s);
    }
    if (starts.empty()) {  // every team for sale perfect: feasible (checked above)
      std::vector<double> s(n, 0.0);
      for (std::size_t d : sale) s[d] = 400;  // 10^-400 is 0 in double
      starts.push_back(s);
    }
    std::vector<double> best_z;
    double best_cost = std::numeric_limits<double>::infinity();
    for (const std::vector<double>& s : starts) {
      std::vector<double> p = polish(s);
      if (cost_of(p) < best_cost) {
        best_cost = cost_of(p);
        best_z = std::move(p);
      }
    }
    finish(m, rel_of(best_z), [&](int step) {
      std::vector<double> t = best_z;
      for (std::size_t d : sale)
        if (t[d] > 0) t[d] += std::ldexp(1e-12, step);
      return rel_of(t);
    });
    std::vector<double> zstar(n, 0.0);
    for (std::size_t d : sale) zstar[d] = std::isfinite(m.extra_nines[d]) ? m.extra_nines[d] : 400;

    // Lower bound (allocation.hpp): covering constraints in z from cut sets, by LP duality.
    std::vector<int> team_of(model_.components.size(), -1);
    for (std::size_t d = 0; d < n; ++d)
      for (std::uint32_t comp : teams_[d].components) team_of[comp] = static_cast<int>(d);
    std::vector<double> ln_v0(model_.components.size());
    for (std::size_t comp = 0; comp < model_.components.size(); ++comp)
      ln_v0[comp] = std::log(model_.components[comp].effective_unreliability());
    const double total_weight = model_.total_weight();
    const double ln_max = std::log(max_unreliability_);
    std::vector<Covering> single, aggregated;
    struct KindTerm {
      double ln_w, a;
      std::vector<double> m;
      double c0, ln_s;
    };
    std::vector<KindTerm> kinds_terms;
    std::size_t cut_count = 0;
    bool capped = false;
    for (std::size_t k = 0; k < model_.kinds.size(); ++k) {
      const RequestKind& kind = model_.kinds[k];
      const double w = kind.weight / total_weight;
      if (!(w > 0)) continue;
      const double a = kind.retries + 1.0;
      bool kind_capped = false;
      const std::vector<Cut> cuts = cuts_of(kind.path, kind_capped);
      capped = capped || kind_capped;
      cut_count += cuts.size();
      // Per cut: ln p0 (today, one attempt), per-team multiplicities n_{C,d} (r_d + 1), and
      // ln p at the primal.
      struct CutInfo {
        double ln_p0, ln_p_star;
        std::vector<double> mult;
        const Cut* cut;
      };
      std::vector<CutInfo> info;
      for (const Cut& cut : cuts) {
        CutInfo ci{0, 0, std::vector<double>(n, 0.0), &cut};
        bool any_sale = false;
        for (std::uint32_t comp : cut) {
          ci.ln_p0 += ln_v0[comp];
          const int d = team_of[comp];
          if (d >= 0 && c[static_cast<std::size_t>(d)] > 0) {
            ci.mult[static_cast<std::size_t>(d)] +=
                teams_[static_cast<std::size_t>(d)].retries + 1.0;
            any_sale = true;
          }
        }
        // Cuts of teams not for sale stay in the families below (they use up the budget) but
        // give no covering row of their own.
        if (!std::isfinite(ci.ln_p0)) continue;
        ci.ln_p_star = ci.ln_p0;
        for (std::size_t d : sale) ci.ln_p_star -= kLn10 * ci.mult[d] * zstar[d];
        // w p^a <= U*: a (mult . z) ln 10 >= ln w + a ln p0 - ln U*.
        Covering row;
        row.b = (std::log(w) + a * ci.ln_p0 - ln_max) / kLn10;
        if (row.b > 0 && any_sale) {
          row.m = ci.mult;
          for (double& x : row.m) x *= a;
          single.push_back(std::move(row));
        }
        info.push_back(std::move(ci));
      }
      // One attempt fails with probability Q >= P(some cut of S fails) and U >= w Q^a, so
      // Q <= T = (U*/w)^(1/a). Tangent (Gibbs) cut of log sum_C e^(l_C) at the primal.
      const double T = std::pow(max_unreliability_ / w, 1.0 / a);
      if (info.empty()) continue;
      std::sort(info.begin(), info.end(),
                [](const CutInfo& x, const CutInfo& y) { return x.ln_p_star > y.ln_p_star; });
      // sum_{C in S} f_C p_C(z) >= its tangent: log of it >= c0 - ln 10 m.z (Gibbs, theta_C ~
      // f_C p_C(z*)); ln_s is its log at the primal.
      struct Term {
        double ln_s = -std::numeric_limits<double>::infinity(), c0 = 0;
        std::vector<double> m;
      };
      const auto tangent = [&](const std::vector<const CutInfo*>& family,
                               const std::vector<double>& ln_f) {
        Term term;
        term.m.assign(n, 0.0);
        double top = -std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < family.size(); ++i)
          top = std::max(top, family[i]->ln_p_star + ln_f[i]);
        if (!std::isfinite(top)) return term;
        std::vector<double> theta(family.size());
        double sum = 0;
        for (std::size_t i = 0; i < family.size(); ++i)
          sum += theta[i] = std::exp(family[i]->ln_p_star + ln_f[i] - top);
        term.ln_s = top + std::log(sum);
        for (std::size_t i = 0; i < family.size(); ++i) {
          const double th = theta[i] / sum;
          if (th <= 0) continue;
          term.c0 += th * (family[i]->ln_p0 + ln_f[i]) - th * std::log(th);
          for (std::size_t d : sale) term.m[d] += th * family[i]->mult[d];
        }
        return term;
      };
      // The kind's own row: sum f p <= L.
      const auto kind_row = [&](const Term& term, double ln_L) {
        if (!std::isfinite(term.ln_s)) return;
        Covering row;
        row.m = term.m;
        row.b = (term.c0 - ln_L) / kLn10;
        const bool any = std::any_of(row.m.begin(), row.m.end(), [](double x) { return x > 0; });
        if (row.b > 0 && any) aggregated.push_back(std::move(row));
      };
      Term best_term;  // for the row over all kinds
      // (1) Disjoint cuts fail independently: Q >= 1 - prod(1 - p_C) >= 1 - e^(-sum p_C); and
      // as 1 - e^-s >= kappa s for s <= s0 (today's sum; concavity), Q >= kappa sum p_C.
      {
        std::vector<const CutInfo*> family;
        std::vector<bool> used(model_.components.size(), false);
        double s0 = 0;
        for (const CutInfo& ci : info) {
          if (family.size() >= 1000) break;
          if (std::any_of(ci.cut->begin(), ci.cut->end(), [&](std::uint32_t x) { return used[x]; }))
            continue;
          for (std::uint32_t x : *ci.cut) used[x] = true;
          family.push_back(&ci);
          s0 += std::exp(ci.ln_p0);
        }
        const Term term = tangent(family, std::vector<double>(family.size(), 0.0));
        if (T < 1) kind_row(term, std::log(-std::log1p(-T)));
        const double kappa = s0 > 0 ? -std::expm1(-s0) / s0 : 1.0;
        best_term = tangent(family, std::vector<double>(family.size(), std::log(kappa)));
      }
      // (2) Overlapping cuts, Bonferroni: Q >= sum p_C - sum_{C<C'} p_{C u C'} >= sum p_C f_C,
      // f_C = 1 - eps_C / 2, eps_C = sum_{C' != C} prod_{C' \ C} v0 (today's bound them).
      {
        std::vector<const CutInfo*> family;
        std::vector<double> eps;
        const auto beyond = [&](const Cut& x, const Cut& y) {  // prod over y \ x of v0
          double s = 0;
          for (std::uint32_t comp : y)
            if (!std::binary_search(x.begin(), x.end(), comp)) s += ln_v0[comp];
          return std::exp(s);
        };
        for (std::size_t i = 0; i < info.size() && i < 200; ++i) {
          const Cut& cand = *info[i].cut;
          std::vector<double> add(family.size());
          double own = 0;
          bool ok = true;
          for (std::size_t f = 0; f < family.size(); ++f) {
            add[f] = beyond(*family[f]->cut, cand);
            own += beyond(cand, *family[f]->cut);
            if (eps[f] + add[f] > 1) ok = false;
          }
          if (!ok || own > 1) continue;
          for (std::size_t f = 0; f < family.size(); ++f) eps[f] += add[f];
          family.push_back(&info[i]);
          eps.push_back(own);
        }
        std::vector<double> ln_f(family.size());
        for (std::size_t f = 0; f < family.size(); ++f) ln_f[f] = std::log1p(-0.5 * eps[f]);
        Term term = tangent(family, ln_f);
        if (T < 1) kind_row(term, std::log(T));
        if (term.ln_s > best_term.ln_s) best_term = std::move(term);
      }
      if (std::isfinite(best_term.ln_s))
        kinds_terms.push_back(
            {std::log(w), a, std::move(best_term.m), best_term.c0, best_term.ln_s});
    }
    // Over all kinds: U >= sum_k w_k (sum_C f_C p_C)^(a_k) = sum_k e^(ln w_k + a_k LSE_k), whose
    // log is >= its Gibbs tangent in (phi_k ~ each kind's term at the primal) too.
    if (!kinds_terms.empty()) {
      double top = -std::numeric_limits<double>::infinity();
      for (const KindTerm& t : kinds_terms) top = std::max(top, t.ln_w + t.a * t.ln_s);
      double sum = 0;
      std::vector<double> phi;
      for (const KindTerm& t : kinds_terms) {
        phi.push_back(std::exp(t.ln_w + t.a * t.ln_s - top));
        sum += phi.back();
      }
      Covering row;
      row.m.assign(n, 0.0);
      double rhs = -ln_max;
      for (std::size_t k = 0; k < kinds_terms.size(); ++k) {
        const double ph = phi[k] / sum;
        if (ph <= 0) continue;
        const KindTerm& t = kinds_terms[k];
        rhs += ph * (t.ln_w + t.a * t.c0) - ph * std::log(ph);
        for (std::size_t d : sale) row.m[d] += ph * t.a * t.m[d];
      }
      row.b = rhs / kLn10;
      const bool any = std::any_of(row.m.begin(), row.m.end(), [](double x) { return x > 0; });
      if (row.b > 0 && any) aggregated.push_back(std::move(row));
    }
    // The single-cut rows nearest to binding at the primal, at most 5000 (fewer rows relax).
    if (single.size() > 5000) {
      const auto slack = [&](const Covering& r) {
        double s = -r.b;
        for (std::size_t d : sale) s += r.m[d] * zstar[d];
        return s;
      };
      std::nth_element(single.begin(), single.begin() + 5000, single.end(),
                       [&](const Covering& x, const Covering& y) { return slack(x) < slack(y); });
      single.resize(5000);
    }
    const std::size_t rows_single = single.size();
    for (Covering& r : aggregated) single.push_back(std::move(r));
    const double bound = dual_bound(single, sale, c);
    if (bound > m.cost * (1 + 1e-9) + 1e-12)
      throw std::logic_error("allocation: a lower bound above a feasible cost");
    m.parameter = bound;
    m.optimality_gap = std::max(0.0, m.cost - bound);
    m.solver += "; lower bound by LP duality over " + std::to_string(cut_count) +
                " minimal cut sets (" + std::to_string(rows_single) + " single-cut rows, " +
                std::to_string(single.size() - rows_single) + " aggregated)";
    if (capped)
      m.solver +=
          ", cut sets capped at 100000 (or 4M entries) per block (the bound uses those kept)";
    return m;
  }

 private:
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

MethodResult allocate_cost_general(const StructureModel& model, double target, StopFlag stop) {
  if (!(target > 0 && target < 1))
    throw InputError("the target must be a service reliability between 0 and 100% (exclusive)");
  return Allocator(model, target, stop).general_cost_only();
}

}  // namespace nines
