#include "nines/sample/alert_evaluator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "nines/sample/quiet_slices.hpp"
#include "nines/sample/scope_rates.hpp"
#include "nines/sample/slice_ranges.hpp"
#include "nines/sample/slice_tree.hpp"

namespace nines {
namespace {

using namespace slice_ranges;

enum class Verdict { none, all, unknown };

}  // namespace

struct AlertEvaluator::State {
  State(const StructureModel& m, const AlertPlan& p, std::uint64_t s)
      : model(m), plan(p), seed(s), runs(p.policies.size()), quiet_slices(p.policies.size()) {
    traffic.build(m.time->traffic);
    for (const AlertPolicyPlan& policy : p.policies) traffic.add_grid(policy.slice);
  }

  const StructureModel& model;
  const AlertPlan& plan;
  std::uint64_t seed;

  // One policy's view of the history being evaluated: its scope's states so far, their
  // rates, its slice tree, and (online) how far detection has looked.
  struct PolicyRun {
    std::uint32_t history = 0;
    bool online = false;              // started by first_page() for this history
    std::vector<std::size_t> cursor;  // per kind: its first piece not wholly before `built`
    double built = 0;                 // the scope's states are known on [0, built)
    ScopeRates rates;
    SliceTree tree;
    std::vector<std::array<double, 2>> hot;      // anything but the quiet state
    std::vector<std::array<double, 2>> outages;  // some kind of the scope down
    std::uint64_t checked = 0;                   // online: slice ends looked at for pages
  };
  std::vector<PolicyRun> runs;  // per policy
  // Per timeslice SLO's spec: its quiet slices' probabilities, kept across histories.
  std::vector<std::unique_ptr<QuietSlices>> quiet_slices;
  // The stream of a scope's drawn quiet slices: process scope | kQuietBit (kDirectBit is the
  // slice tree's, 1 << 23).
  static constexpr std::uint32_t kQuietBit = std::uint32_t{1} << 22;

  std::vector<std::vector<AlertKindPiece>> by_kind;
  std::size_t pieces_taken = 0;  // timeline pieces sorted into by_kind so far
  TrafficIntegral traffic;
  PolicyRun* cur = nullptr;
  Ranges firing;                     // one rule's firing ends
  Ranges pending;                    // ends left to decide from drawn counts
  std::uint64_t sure_ends = 0;       // ends decided from expected counts, this history
  std::vector<Ranges> page_firing;   // per rule: its firing ends if a page rule
  Ranges needs_down, delivery_down;  // the policy's ends without them
  std::vector<std::uint32_t> works;  // per component, during a flip walk

  const AlertPolicyPlan* pp = nullptr;
  const AlertRulePlan* rule = nullptr;
  double horizon = 0;

  double end_time(std::uint64_t e, double horizon_seconds) const {
    return std::min(horizon_seconds, static_cast<double>(e) * pp->slice);
  }

  // ---- the scope's state over the history ----

  void take_pieces(const AlertTimeline& timeline) {
    if (by_kind.size() != model.kinds.size()) by_kind.resize(model.kinds.size());
    for (; pieces_taken < timeline.pieces.size(); ++pieces_taken)
      by_kind[timeline.pieces[pieces_taken].kind].push_back(timeline.pieces[pieces_taken]);
  }

  // Starts policy pi's run of `history`: nothing known yet.
  void start_run(std::size_t pi, std::uint32_t history) {
    PolicyRun& run = runs[pi];
    const AlertPolicyPlan& p = plan.policies[pi];
    run.history = history;
    run.online = false;
    run.cursor.assign(model.kinds.size(), 0);
    run.built = 0;
    run.rates.start(traffic, p.scope_share, horizon, p.slice);
    run.tree.reset(p.slices, p.slice, run.rates, seed, history, p.scope);
    run.hot.clear();
    run.outages.clear();
    run.checked = 0;
  }

  static void extend(std::vector<std::array<double, 2>>& v, double a, double b) {
    if (!v.empty() && v.back()[1] == a)
      v.back()[1] = b;
    else
      v.push_back({a, b});
  }

  // The scope's states of the current run over [built, t): each kind's pieces so far, then
  // its open piece (online: the state it has had since its last piece ended).
  void extend_run(double t, const std::vector<AlertKindPiece>* open) {
    PolicyRun& run = *cur;
    const std::size_t kinds = by_kind.size();
    while (run.built < t) {
      double p = 0, next = t;
      std::uint32_t down = 0;
      for (std::size_t k = 0; k < kinds; ++k) {
        if (pp->kind_weight[k] == 0) continue;
        const auto& pieces = by_kind[k];
        std::size_t& at = run.cursor[k];
        while (at < pieces.size() && pieces[at].b <= run.built) ++at;
        const AlertKindPiece* piece = at < pieces.size() ? &pieces[at] : nullptr;
        if (piece == nullptr && open != nullptr) piece = &(*open)[k];
        if (piece == nullptr || piece->a > run.built || !(piece->b > run.built))
          throw std::logic_error("alert evaluation: a kind's states do not cover the history");
        p += pp->kind_weight[k] * piece->p;
        down |= piece->down;
        next = std::min(next, piece->b);
      }
      const ScopeSegment s{run.built, next, p, down};
      run.rates.append(s);
      if (s.down || s.p > pp->quiet_p) extend(run.hot, s.a, s.b);
      if (s.down) extend(run.outages, s.a, s.b);
      run.built = next;
    }
  }

  // Intervals [a, b) where `block` does not work, from the flips.
  std::vector<std::array<double, 2>> block_down(const AlertTimeline& timeline, const Block& block,
                                                bool empty, double until) {
    std::vector<std::array<double, 2>> out;
    if (empty) return out;
    works.assign(model.components.size(), 1);
    const auto& flips = timeline.flips;
    double since = 0;
    bool down = false;
    std::size_t i = 0;
    while (i < flips.size()) {
      const double t = flips[i].t;
      for (; i < flips.size() && flips[i].t == t; ++i) works[flips[i].component] = flips[i].works;
      const bool now_down = !block_works(block, [this](std::uint32_t c) { return works[c] != 0; });
      if (now_down && !down) since = t;
      if (!now_down && down && t > since) out.push_back({since, t});
      down = now_down;
    }
    if (down && until > since) out.push_back({since, until});
    return out;
  }

  // ---- one rule's decisions ----

  static bool fires(std::uint64_t f, std::uint64_t g, double threshold) {
    return static_cast<double>(f) * (1 - threshold) > threshold * static_cast<double>(g);
  }

  Verdict window_verdict(std::uint64_t lo, std::uint64_t hi, std::uint64_t w) {
    const SliceBounds all = cur->tree.bounds(lo > w ? lo - w : 0, hi);
    const std::uint64_t inner_start = hi > w ? hi - w : 0;
    // One end's windows: the intersection is the union.
    const SliceBounds inner = lo == hi           ? all
                              : inner_start < lo ? cur->tree.bounds(inner_start, lo)
                                                 : SliceBounds{};
    if (!fires(all.f_hi, inner.g_lo, rule->threshold)) return Verdict::none;
    if (fires(inner.f_lo, all.g_hi, rule->threshold)) return Verdict::all;
    return Verdict::unknown;
  }

  // The long window first: measured, it decides more ranges alone than the short one.
  Verdict classify(std::uint64_t lo, std::uint64_t hi) {
    const Verdict l = window_verdict(lo, hi, rule->long_slices);
    if (l == Verdict::none || rule->short_slices == rule->long_slices) return l;
    const Verdict s = window_verdict(lo, hi, rule->short_slices);
    if (s == Verdict::none) return Verdict::none;
    return l == Verdict::all && s == Verdict::all ? Verdict::all : Verdict::unknown;
  }

  // One more level of refinement at each edge of end e's windows; false when they are all
  // slice boundaries already (the window sums are then exact).
  bool refine_end(std::uint64_t e) {
    bool any = cur->tree.refine_step(e);
    if (e > rule->long_slices) any = cur->tree.refine_step(e - rule->long_slices) || any;
    if (e > rule->short_slices) any = cur->tree.refine_step(e - rule->short_slices) || any;
    return any;
  }

  void decide(std::uint64_t lo, std::uint64_t hi) {
    Verdict v = classify(lo, hi);
    if (v == Verdict::unknown) {
      if (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        decide(lo, mid);
        decide(mid + 1, hi);
        return;
      }
      // Refine the windows' edges a level at a time until the bounds decide: the left
      // edges, deep in quiet time, rarely need slices.
      while (v == Verdict::unknown) {
        if (!refine_end(lo))
          throw std::logic_error("alert evaluation: a refined window is still undecided");
        v = classify(lo, lo);
      }
    }
    if (v == Verdict::all) append(firing, lo, hi);
  }

  // ---- decisions from expected counts ----

  // Bounds on the expected errors (a) and good requests (b) of the windows of w slices of
  // every end in [lo, hi]: from the integrated rates over the windows' intersection and
  // union, and (`by_rate`) from the least and greatest rates over the union.
  struct Expected {
    double a_lo = 0, a_hi = 0, b_lo = 0, b_hi = 0;
  };
  // The expected counts up to slice boundary x, computed when first asked for (f < 0: not
  // yet): a range's halves share its edges.
  struct Edge {
    double f = -1, g = 0;
  };
  const Edge& edge(Edge& e, std::uint64_t x) const {
    if (e.f < 0) cur->rates.at_boundary(x, e.f, e.g);
    return e;
  }
  // The edges of a range of ends [lo, hi] and of its windows of w slices: lo, hi, lo - w and
  // hi - w (0 when negative), for the long window and the short one.
  struct RangeEdges {
    Edge lo, hi;
    std::array<Edge, 2> lo_back, hi_back;  // [0] long, [1] short
  };
  Expected expected(std::uint64_t lo, std::uint64_t hi, std::uint64_t w, RangeEdges& r,
                    std::size_t which) const {
    Expected e;
    const Edge& at_hi = edge(r.hi, hi);
    const Edge& lo_back = edge(r.lo_back[which], lo > w ? lo - w : 0);
    e.a_hi = std::max(0.0, at_hi.f - lo_back.f);
    e.b_hi = std::max(0.0, at_hi.g - lo_back.g);
    if (hi < lo + w) {
      const Edge& at_lo = edge(r.lo, lo);
      const Edge& hi_back = edge(r.hi_back[which], hi > w ? hi - w : 0);
      e.a_lo = std::max(0.0, at_lo.f - hi_back.f);
      e.b_lo = std::max(0.0, at_lo.g - hi_back.g);
    }
    return e;
  }

  // Tightens `e` by the least and greatest rates over the windows, when every window is
  // whole (w slices, none past the horizon): w slices at those rates bound its means.
  bool by_rate(std::uint64_t lo, std::uint64_t hi, std::uint64_t w, Expected& e) const {
    const double s = pp->slice;
    if (lo < w || static_cast<double>(hi) * s > cur->rates.horizon()) return false;
    double f_low, f_high, g_low, g_high;
    cur->rates.rate_bounds(static_cast<double>(lo - w) * s, static_cast<double>(hi) * s, f_low,
                           f_high, g_low, g_high);
    const double span = static_cast<double>(w) * s;
    e.a_lo = std::max(e.a_lo, span * f_low);
    e.a_hi = std::min(e.a_hi, span * f_high);
    e.b_lo = std::max(e.b_lo, span * g_low);
    e.b_hi = std::min(e.b_hi, span * g_high);
    return true;
  }

  // Chernoff bounds at a few fixed s per rule, tried before the least one: each is a bound,
  // linear in the means (so no logarithm or exponential per range), and most decided ranges
  // are far from the threshold, where one of them already proves the verdict.
  static constexpr std::array<double, 4> kFixedRatios = {4, 32, 1024, 1e6};  // e^s
  struct FixedBounds {
    const AlertRulePlan* rule = nullptr;
    // [k] = {coefficient of a, coefficient of b} at e^s = kFixedRatios[k]
    std::array<std::array<double, 2>, kFixedRatios.size()> fire{}, miss{};
  };
  mutable FixedBounds fixed;

  Verdict sure_verdict(const Expected& e) const {
    static const double log_bound = std::log(kSureDecisionBound);
    const double t = rule->threshold;
    if (fixed.rule != rule) {
      fixed.rule = rule;
      for (std::size_t k = 0; k < kFixedRatios.size(); ++k) {
        const double s = std::log(kFixedRatios[k]);
        fixed.fire[k] = {std::expm1(s * (1 - t)), std::expm1(-s * t)};
        fixed.miss[k] = {std::expm1(-s * (1 - t)), std::expm1(s * t)};
      }
    }
    // The chance to fire grows with the errors and falls with the good requests.
    if (t * e.b_lo > (1 - t) * e.a_hi) {
      for (const auto& c : fixed.fire)
        if (e.a_hi * c[0] + e.b_lo * c[1] <= log_bound) return Verdict::none;
      if (fire_exponent(e.a_hi, e.b_lo, t) <= log_bound) return Verdict::none;
    } else if (!(e.a_hi > 0)) {
      return Verdict::none;
    }
    if ((1 - t) * e.a_lo > t * e.b_hi) {
      for (const auto& c : fixed.miss)
        if (e.a_lo * c[0] + e.b_hi * c[1] <= log_bound) return Verdict::all;
      if (miss_exponent(e.a_lo, e.b_hi, t) <= log_bound) return Verdict::all;
    } else if (!(e.b_hi > 0) && -e.a_lo <= log_bound) {
      return Verdict::all;
    }
    return Verdict::unknown;
  }

  Verdict sure_window_verdict(std::uint64_t lo, std::uint64_t hi, std::uint64_t w, RangeEdges& r,
                              std::size_t which) const {
    Expected e = expected(lo, hi, w, r, which);
    const Verdict v = sure_verdict(e);
    if (v != Verdict::unknown || !by_rate(lo, hi, w, e)) return v;
    return sure_verdict(e);
  }

  // Decides ends [lo, hi] from expected counts where that is all but certain, halving the
  // range; the ends left are decided from drawn counts, a run of them at a time (`pending`).
  // `known_long`, `known_short`: a window's verdict over a range that holds [lo, hi] (a
  // verdict over a range holds over its parts), unknown when it has to be worked out. `r`:
  // the range's edges, those known from the range it was halved from.
  void decide_sure(std::uint64_t lo, std::uint64_t hi, Verdict known_long, Verdict known_short,
                   RangeEdges& r) {
    const bool one_window = rule->short_slices == rule->long_slices;
    Verdict l = known_long, s = one_window ? Verdict::all : known_short;
    if (l == Verdict::unknown) l = sure_window_verdict(lo, hi, rule->long_slices, r, 0);
    if (l != Verdict::none && s == Verdict::unknown)
      s = sure_window_verdict(lo, hi, rule->short_slices, r, 1);
    if (l == Verdict::none || s == Verdict::none) {
      flush();
      sure_ends += hi - lo + 1;
      return;
    }
    if (l == Verdict::all && s == Verdict::all) {
      flush();
      append(firing, lo, hi);
      sure_ends += hi - lo + 1;
      return;
    }
    if (lo == hi) {
      append(pending, lo, hi);
      return;
    }
    const std::uint64_t mid = lo + (hi - lo) / 2;
    RangeEdges left, right;
    left.lo = r.lo;
    left.lo_back = r.lo_back;
    right.hi = r.hi;
    right.hi_back = r.hi_back;
    decide_sure(lo, mid, l, s, left);
    decide_sure(mid + 1, hi, l, s, right);
  }

  void flush() {
    for (const auto& r : pending) decide(r[0], r[1]);
    pending.clear();
  }

  // Errors in the long window of end e, exactly.
  std::uint64_t long_window_errors(std::uint64_t e) {
    const std::uint64_t start = e > rule->long_slices ? e - rule->long_slices : 0;
    cur->tree.refine_at(e);
    cur->tree.refine_at(start);
    return cur->tree.bounds(start, e).f_lo;
  }

  // The slice counts around policy pi's first firing about an outage, refined to slices:
  // from one long window of its rule before the firing to one after.
  void record_series(std::size_t pi, AlertHistoryResult& out) {
    const AlertFiring* first = nullptr;
    for (const AlertFiring& f : out.firings)
      if (f.policy == pi && !std::isnan(f.outage_start) &&
          (first == nullptr || f.fired < first->fired))
        first = &f;
    if (first == nullptr) return;
    const std::uint64_t n = pp->slices;
    const auto fired = static_cast<std::uint64_t>(std::llround(first->fired / pp->slice));
    const std::uint64_t half =
        std::min<std::uint64_t>(kMaxSeriesSlices / 2, pp->rules[first->rule].long_slices + 10);
    const std::uint64_t lo = fired > half ? fired - half : 0;
    const std::uint64_t hi = std::min(n, fired + half);
    AlertSeries series;
    series.policy = static_cast<std::uint32_t>(pi);
    series.first_slice = lo;
    for (std::uint64_t x = lo; x <= hi; ++x) cur->tree.refine_at(x);
    for (std::uint64_t x = lo; x < hi; ++x) {
      const SliceBounds b = cur->tree.bounds(x, x + 1);
      series.requests.push_back(b.f_lo + b.g_lo);
      series.errors.push_back(b.f_lo);
    }
    out.series.push_back(std::move(series));
  }

  Ranges ends_touching(const std::vector<std::array<double, 2>>& intervals, std::uint64_t w,
                       std::uint64_t n) const {
    Ranges r;
    const double s = pp->slice;
    for (const auto& x : intervals) {
      const auto lo = static_cast<std::uint64_t>(std::floor(x[0] / s)) + 1;
      const double top = std::ceil(x[1] / s) + static_cast<double>(w) - 1;
      const auto hi = std::min<std::uint64_t>(n, static_cast<std::uint64_t>(top));
      append(r, lo, hi);
    }
    return r;
  }

  // The candidate slice ends of the current rule within [1, last]: those whose windows see
  // a state other than the quiet one, or where the quiet bound does not hold.
  Ranges candidates(std::uint64_t last) const {
    const Ranges hot_short = ends_touching(cur->hot, rule->short_slices, last);
    const Ranges hot_long = ends_touching(cur->hot, rule->long_slices, last);
    Ranges c = unite(hot_short, intersect(rule->unsafe_short, unite(hot_long, rule->unsafe_long)));
    if (plan.exhaustive) c = {{1, last}};
    return intersect(subtract(c, needs_down), Ranges{{1, last}});
  }

  void block_ends(const AlertTimeline& timeline, const AlertPolicy& policy, double until,
                  std::uint64_t n) {
    needs_down.clear();
    delivery_down.clear();
    for (const auto& x : block_down(timeline, policy.needs, policy.needs_components.empty(), until))
      append_ends_in(needs_down, x[0], x[1], pp->slice, n);
    for (const auto& x :
         block_down(timeline, policy.delivery, policy.delivery_components.empty(), until))
      append_ends_in(delivery_down, x[0], x[1], pp->slice, n);
  }

  // Online (detection by alert): the first slice end in [from, t], after those looked at
  // before, at which a page rule of policy pi fires while its needs and delivery work; its
  // time, or +inf. `open`: each kind's state since its last piece, up to t.
  //
  // The ends are decided one at a time, in order, and the scope's states are taken only up
  // to the end being decided: a page changes what happens after it (the outage is repaired),
  // so nothing after the page may be drawn from the state that held before it.
  double first_page(std::size_t pi, std::uint32_t history, double from, double t,
                    const AlertTimeline& timeline, const std::vector<AlertKindPiece>& open) {
    pp = &plan.policies[pi];
    cur = &runs[pi];
    if (!cur->online || cur->history != history) {
      start_run(pi, history);
      cur->online = true;
    }
    take_pieces(timeline);
    const auto last = static_cast<std::uint64_t>(std::floor(t / pp->slice));
    const auto first = std::max<std::uint64_t>(
        cur->checked + 1, static_cast<std::uint64_t>(std::ceil(from / pp->slice)));
    constexpr double kNever = std::numeric_limits<double>::infinity();
    if (first > last) return kNever;
    const AlertPolicy& policy = plan.specs[pi];
    block_ends(timeline, policy, t, last);
    // Where the scope is not quiet: what is known, and the open states up to t.
    const std::vector<std::array<double, 2>> known_hot = cur->hot;
    {
      double p = 0;
      std::uint32_t down = 0;
      for (std::size_t k = 0; k < open.size(); ++k) {
        p += pp->kind_weight[k] * open[k].p;
        down |= pp->kind_weight[k] > 0 ? open[k].down : 0;
      }
      // The pieces after `built` are this open state or pieces closed since with the same
      // states, so the state at t stands for [built, t) only when nothing closed since; to
      // be safe every end after `built` is a candidate when the open state is not quiet.
      if ((down || p > pp->quiet_p) && cur->built < t) extend(cur->hot, cur->built, t);
    }
    std::vector<Ranges> rule_candidates(policy.rules.size());
    Ranges all;
    for (std::size_t ri = 0; ri < policy.rules.size(); ++ri) {
      if (policy.rules[ri].severity != AlertSeverity::page) continue;
      rule = &pp->rules[ri];
      rule_candidates[ri] = intersect(candidates(last), Ranges{{first, last}});
      all = unite(all, rule_candidates[ri]);
    }
    cur->hot = known_hot;
    std::uint64_t page = 0;
    for (const auto& range : all) {
      for (std::uint64_t e = range[0]; e <= range[1] && page == 0; ++e) {
        extend_run(end_time(e, horizon), &open);
        cur->tree.set_frontier(e);
        for (std::size_t ri = 0; ri < policy.rules.size() && page == 0; ++ri) {
          if (!contains(rule_candidates[ri], e)) continue;
          rule = &pp->rules[ri];
          firing.clear();
          decide(e, e);
          if (!firing.empty() && !contains(delivery_down, e)) page = e;
        }
      }
      if (page != 0) break;
    }
    cur->tree.set_frontier(std::numeric_limits<std::uint64_t>::max());
    cur->checked = page != 0 ? page : last;
    return page != 0 ? end_time(page, horizon) : kNever;
  }

  void begin_history(double horizon_seconds) {
    horizon = horizon_seconds;
    by_kind.assign(model.kinds.size(), {});
    pieces_taken = 0;
    for (PolicyRun& run : runs) run.online = false;
  }

  void evaluate(std::uint32_t history, const AlertTimeline& timeline, double horizon_seconds,
                bool keep_firings, AlertHistoryResult& out) {
    horizon = horizon_seconds;
    const std::size_t policies = plan.policies.size();
    out.outages.assign(plan.user_policies, 0);
    out.rows.resize(plan.user_policies);
    out.bad_slices.resize(policies - plan.user_policies);
    out.firings.clear();
    out.series.clear();
    sure_ends = 0;
    bool any_online = false;
    for (const PolicyRun& run : runs)
      any_online = any_online || (run.online && run.history == history);
    if (!any_online) {
      by_kind.assign(model.kinds.size(), {});
      pieces_taken = 0;
    }
    take_pieces(timeline);
    for (std::size_t pi = 0; pi < policies; ++pi) {
      pp = &plan.policies[pi];
      cur = &runs[pi];
      if (!(cur->online && cur->history == history)) start_run(pi, history);
      cur->tree.set_frontier(std::numeric_limits<std::uint64_t>::max());
      extend_run(horizon, nullptr);
      const AlertPolicy& policy = plan.specs[pi];
      const std::size_t rules = policy.rules.size();
      const std::uint64_t n = pp->slices;
      block_ends(timeline, policy, horizon, n);
      if (pi >= plan.user_policies) {  // a timeslice SLO: its bad slices
        rule = &pp->rules[0];
        Ranges decided = candidates(n), quiet;
        if (!plan.exhaustive) {
          // Wholly quiet slices the bound could not skip: drawn directly (quiet_slices.hpp).
          const Ranges hot = ends_touching(cur->hot, 1, n);
          quiet = subtract(decided, hot);
          decided = intersect(decided, hot);
        }
        firing.clear();
        decide_candidates(decided);
        if (!quiet.empty()) {
          auto& q = quiet_slices[pi];
          if (!q)
            q = std::make_unique<QuietSlices>(pp->quiet_p, rule->threshold, pp->scope_share,
                                              pp->slice, horizon, traffic);
          OutageStream stream(seed, history, 0, OutagePurpose::alert, pp->scope | kQuietBit);
          Ranges drawn;
          q->draw(quiet, stream, drawn);
          firing = unite(firing, drawn);
        }
        out.bad_slices[pi - plan.user_policies] = firing;
        continue;
      }
      std::vector<AlertRow>& rows = out.rows[pi];
      rows.assign(rules + 1, AlertRow{});
      out.outages[pi] = cur->outages.size();
      page_firing.clear();
      for (std::size_t ri = 0; ri < rules; ++ri) {
        rule = &pp->rules[ri];
        const AlertRule& spec = policy.rules[ri];
        const bool page = spec.severity == AlertSeverity::page;
        firing.clear();
        decide_candidates(candidates(n));
        page_firing.push_back(page ? firing : Ranges{});
        account(firing, pi, static_cast<std::int32_t>(ri), rows[ri], keep_firings, out);
      }
      // The page rules together: the union of their firings, as a grouping alert manager
      // sends them (one page while any of them fires); the budget is that of the first rule
      // that fires at a page's start.
      Ranges pages;
      for (const Ranges& r : page_firing) pages = unite(pages, r);
      account(pages, pi, -1, rows[rules], keep_firings, out);
      if (keep_firings && history < kSeriesHistories) record_series(pi, out);
    }
    out.sure_ends = sure_ends;
  }

  // The current rule's firing ends among its candidates in [1, n], into `firing`.
  void decide_candidates(const Ranges& ends) {
    for (const auto& range : ends) {
      if (!plan.exhaustive) {
        RangeEdges edges;
        decide_sure(range[0], range[1], Verdict::unknown, Verdict::unknown, edges);
        flush();
        continue;
      }
      for (std::uint64_t e = range[0]; e <= range[1]; ++e) {
        cur->tree.refine_at(e);
        if (e > rule->long_slices) cur->tree.refine_at(e - rule->long_slices);
        if (e > rule->short_slices) cur->tree.refine_at(e - rule->short_slices);
        const Verdict v = classify(e, e);
        if (v == Verdict::unknown) throw std::logic_error("alert evaluation: undecided");
        if (v == Verdict::all) append(firing, e, e);
      }
    }
  }

  // The firings (runs of firing ends) of rule `ri` of policy pi, or with ri = -1 of its page
  // rules together, into `row` (and out.firings when kept).
  void account(const Ranges& episodes, std::size_t pi, std::int32_t ri, AlertRow& row, bool keep,
               AlertHistoryResult& out) {
    std::vector<double> first_delivery(cur->outages.size(),
                                       std::numeric_limits<double>::infinity());
    std::size_t d = 0;
    for (const auto& episode : episodes) {
      if (ri >= 0) {
        rule = &pp->rules[static_cast<std::size_t>(ri)];
      } else {
        for (std::size_t r = 0; r < page_firing.size(); ++r)
          if (contains(page_firing[r], episode[0])) {
            rule = &pp->rules[r];
            break;
          }
      }
      AlertFiring f;
      f.policy = static_cast<std::uint32_t>(pi);
      // The page rules together are listed as rule `rules` (the row after the policy's rules).
      f.rule =
          ri >= 0 ? static_cast<std::uint32_t>(ri) : static_cast<std::uint32_t>(pp->rules.size());
      f.fired = end_time(episode[0], horizon);
      // The first end of the firing at which delivery works.
      std::uint64_t e = episode[0];
      while (d < delivery_down.size() && delivery_down[d][1] < e) ++d;
      if (d < delivery_down.size() && delivery_down[d][0] <= e) e = delivery_down[d][1] + 1;
      if (e <= episode[1]) f.delivered = end_time(e, horizon);
      // The outage it is about: the latest to start before it fired that overlaps the long
      // window of the rule that fired.
      const double window_start = f.fired - static_cast<double>(rule->long_slices) * pp->slice;
      auto it = std::lower_bound(cur->outages.begin(), cur->outages.end(), f.fired,
                                 [](const std::array<double, 2>& o, double t) { return o[0] < t; });
      std::ptrdiff_t about = -1;
      if (it != cur->outages.begin() && std::prev(it)->at(1) > window_start)
        about = std::prev(it) - cur->outages.begin();
      ++row.firings;
      if (!std::isnan(f.delivered)) ++row.delivered;
      if (pp->budget_requests > 0)
        f.budget = static_cast<double>(long_window_errors(episode[0])) / pp->budget_requests;
      if (about < 0) {
        ++row.noise;
        const auto hour = static_cast<std::size_t>(std::fmod(f.fired, kSecondsPerDay) / 3600);
        ++row.noise_by_hour[std::min<std::size_t>(hour, 23)];
      } else {
        f.outage_start = cur->outages[static_cast<std::size_t>(about)][0];
        if (!std::isnan(f.budget)) row.budget_at_firing.push_back(f.budget);
        if (!std::isnan(f.delivered)) {
          double& first = first_delivery[static_cast<std::size_t>(about)];
          first = std::min(first, f.delivered);
        }
      }
      if (keep) out.firings.push_back(f);
    }
    for (std::size_t o = 0; o < cur->outages.size(); ++o) {
      if (!std::isfinite(first_delivery[o])) continue;
      ++row.outages_paged;
      row.time_to_page.push_back(first_delivery[o] - cur->outages[o][0]);
    }
  }

  static bool contains(const Ranges& r, std::uint64_t e) {
    auto it = std::upper_bound(
        r.begin(), r.end(), e,
        [](std::uint64_t x, const std::array<std::uint64_t, 2>& y) { return x < y[0]; });
    return it != r.begin() && std::prev(it)->at(1) >= e;
  }
};

AlertEvaluator::AlertEvaluator(const StructureModel& model, const AlertPlan& plan,
                               std::uint64_t seed)
    : state_(std::make_unique<State>(model, plan, seed)) {}
AlertEvaluator::~AlertEvaluator() = default;

void AlertEvaluator::evaluate(std::uint32_t history, const AlertTimeline& timeline, double horizon,
                              bool keep_firings, AlertHistoryResult& out) {
  state_->evaluate(history, timeline, horizon, keep_firings, out);
}

void AlertEvaluator::begin_history(double horizon) {
  state_->begin_history(horizon);
}

double AlertEvaluator::first_page(std::uint32_t policy, std::uint32_t history, double from,
                                  double t, const AlertTimeline& timeline,
                                  const std::vector<AlertKindPiece>& open) {
  return state_->first_page(policy, history, from, t, timeline, open);
}

}  // namespace nines
