#include "nines/sample/alert_evaluator.hpp"

#include <algorithm>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <stdexcept>

#include "nines/sample/outage_streams.hpp"

namespace nines {
namespace {

using Ranges = std::vector<std::array<std::uint64_t, 2>>;  // sorted, disjoint [lo, hi]

constexpr std::uint32_t kTopBits = 12;  // a top block holds 4096 slices
constexpr std::uint64_t kTopSlices = std::uint64_t{1} << kTopBits;
constexpr double kSecondsPerDay = 86400;

// Appends [lo, hi] to sorted ranges, merging with the last when they touch.
void append(Ranges& r, std::uint64_t lo, std::uint64_t hi) {
  if (lo > hi) return;
  if (!r.empty() && lo <= r.back()[1] + 1) {
    r.back()[1] = std::max(r.back()[1], hi);
    return;
  }
  r.push_back({lo, hi});
}

Ranges normalized(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& x : r) append(out, x[0], x[1]);
  return out;
}

Ranges unite(const Ranges& a, const Ranges& b) {
  Ranges all = a;
  all.insert(all.end(), b.begin(), b.end());
  return normalized(std::move(all));
}

Ranges intersect(const Ranges& a, const Ranges& b) {
  Ranges out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const std::uint64_t lo = std::max(a[i][0], b[j][0]);
    const std::uint64_t hi = std::min(a[i][1], b[j][1]);
    if (lo <= hi) append(out, lo, hi);
    if (a[i][1] < b[j][1])
      ++i;
    else
      ++j;
  }
  return out;
}

Ranges subtract(const Ranges& a, const Ranges& b) {
  Ranges out;
  std::size_t j = 0;
  for (const auto& x : a) {
    std::uint64_t lo = x[0];
    const std::uint64_t hi = x[1];
    while (j < b.size() && b[j][1] < lo) ++j;
    std::size_t k = j;
    while (lo <= hi && k < b.size() && b[k][0] <= hi) {
      if (b[k][0] > lo) append(out, lo, b[k][0] - 1);
      if (b[k][1] >= hi) {
        lo = hi + 1;
        break;
      }
      lo = std::max(lo, b[k][1] + 1);
      ++k;
    }
    if (lo <= hi) append(out, lo, hi);
  }
  return out;
}

// The slice ends whose moment lies in [a, b): e s in [a, b).
void append_ends_in(Ranges& r, double a, double b, double slice, std::uint64_t n) {
  const auto lo = static_cast<std::uint64_t>(std::max(0.0, std::ceil(a / slice)));
  const double top = std::ceil(b / slice) - 1;
  if (top < 0) return;
  const auto hi = std::min<std::uint64_t>(n, static_cast<std::uint64_t>(top));
  append(r, std::max<std::uint64_t>(lo, 1), hi);
}

}  // namespace

double quiet_exponent(double p, double threshold) noexcept {
  if (!(threshold > p) || p <= 0) return p <= 0 ? -std::numeric_limits<double>::infinity() : 0;
  const double s = std::log(threshold * (1 - p) / (p * (1 - threshold)));
  const double g = p * std::expm1(s * (1 - threshold)) + (1 - p) * std::expm1(-s * threshold);
  return std::min(g, 0.0);
}

// ---- the per-run plan ----

AlertPlan::AlertPlan(const StructureModel& model, const std::vector<double>& kind_share,
                     const std::vector<double>& base_unreliability, double horizon) {
  const TimeModel& time = *model.time;
  const std::size_t kinds = model.kinds.size();
  watched.assign(model.components.size(), 0);
  any = !time.alerting.empty();
  for (const ComponentTiming& c : time.components)
    detects = detects || (c.outages && c.detection.by_alert());
  const TrafficProfile& traffic = time.traffic;
  const double log_bound = std::log(kQuietFiringBound);
  for (const AlertPolicy& policy : time.alerting) {
    for (const std::uint32_t c : policy.needs_components) watched[c] = 1;
    for (const std::uint32_t c : policy.delivery_components) watched[c] = 1;
    AlertPolicyPlan pp;
    pp.scope = policy.kind ? *policy.kind : static_cast<std::uint32_t>(kinds);
    pp.kind_weight.assign(kinds, 0);
    pp.scope_share = policy.kind ? kind_share[*policy.kind] : 1.0;
    for (std::size_t k = 0; k < kinds; ++k)
      if (!policy.kind || *policy.kind == k) pp.kind_weight[k] = kind_share[k] / pp.scope_share;
    for (std::size_t k = 0; k < kinds; ++k) pp.quiet_p += pp.kind_weight[k] * base_unreliability[k];
    pp.slice = policy.slice_seconds;
    pp.slices = static_cast<std::uint64_t>(std::ceil(horizon / pp.slice));
    if (time.slo)
      pp.budget_requests = (1 - time.slo->target) * traffic.rate_per_second * pp.scope_share *
                           time.slo->window_seconds;
    // Expected scope requests up to each slice end, over the first windows and one period of
    // the traffic profile; the pattern of unsafe ends repeats with the period after that.
    std::uint64_t widest = 0;
    for (const AlertRule& r : policy.rules) widest = std::max<std::uint64_t>(widest, r.long_slices);
    const double period_seconds = traffic.daily_declared ? 7 * kSecondsPerDay : kSecondsPerDay;
    const auto period = static_cast<std::uint64_t>(std::llround(period_seconds / pp.slice));
    const std::uint64_t explicit_ends = std::min(pp.slices, widest + period);
    std::vector<double> cumulative(explicit_ends + 1, 0.0);
    for (std::uint64_t e = 1; e <= explicit_ends; ++e)
      cumulative[e] = cumulative[e - 1] +
                      pp.scope_share * traffic.arrivals_between(
                                           static_cast<double>(e - 1) * pp.slice,
                                           std::min(horizon, static_cast<double>(e) * pp.slice));
    for (const AlertRule& rule : policy.rules) {
      AlertRulePlan rp;
      rp.threshold = rule.threshold;
      rp.long_slices = rule.long_slices;
      rp.short_slices = rule.short_slices > 0 ? rule.short_slices : rule.long_slices;
      const double g = quiet_exponent(pp.quiet_p, rule.threshold);
      // A window holding fewer expected requests than this may fire on transient failures
      // alone with a probability above kQuietFiringBound.
      const double needed =
          g < 0 ? (std::isinf(g) ? 0.0 : log_bound / g) : std::numeric_limits<double>::infinity();
      const auto requests = [&](std::uint64_t e, std::uint64_t w) {
        return cumulative[e] - cumulative[e > w ? e - w : 0];
      };
      const auto unsafe_ranges = [&](std::uint64_t w) {
        Ranges pattern;
        for (std::uint64_t e = 1; e <= explicit_ends; ++e)
          if (!(requests(e, w) >= needed)) append(pattern, e, e);
        if (explicit_ends == pp.slices) return pattern;
        // Repeat the last period's pattern to the end of the horizon.
        const std::uint64_t first = explicit_ends - period + 1;
        Ranges tail;
        for (const auto& x : pattern)
          if (x[1] >= first) tail.push_back({std::max(x[0], first), x[1]});
        Ranges out = pattern;
        for (std::uint64_t shift = period; first + shift <= pp.slices; shift += period)
          for (const auto& x : tail) {
            if (x[0] + shift > pp.slices) break;
            append(out, x[0] + shift, std::min(pp.slices, x[1] + shift));
          }
        return out;
      };
      rp.unsafe_short = unsafe_ranges(rp.short_slices);
      rp.unsafe_long = unsafe_ranges(rp.long_slices);
      // The bound the skipped ends add up to: each quiet end's smaller bound.
      if (std::isfinite(needed) && needed > 0) {
        double pattern_sum = 0, period_sum = 0;
        for (std::uint64_t e = 1; e <= explicit_ends; ++e) {
          const double n = std::max(requests(e, rp.short_slices), requests(e, rp.long_slices));
          const double b = n >= needed ? std::exp(n * g) : 0.0;
          pattern_sum += b;
          if (e + period > explicit_ends) period_sum += b;
        }
        double total = pattern_sum;
        if (explicit_ends < pp.slices)
          total += period_sum * static_cast<double>(pp.slices - explicit_ends) /
                   static_cast<double>(period);
        missed_firing_bound += total;
      }
      pp.rules.push_back(std::move(rp));
    }
    policies.push_back(std::move(pp));
  }
}

// ---- one history ----

namespace {

struct Segment {
  double a, b, p;
  std::uint32_t down;
};

// The traffic's expected arrivals over [0, t) in constant time: the profile repeats every
// week, and is constant on each hour (TrafficProfile::rate_at).
class TrafficIntegral {
 public:
  void build(const TrafficProfile& traffic) {
    prefix_[0] = 0;
    for (std::size_t h = 0; h < kHours; ++h) {
      rate_[h] = traffic.rate_at(static_cast<double>(h) * 3600 + 1800);
      prefix_[h + 1] = prefix_[h] + rate_[h] * 3600;
    }
  }
  double at(double t) const noexcept {
    if (!(t > 0)) return 0;
    const double weeks = std::floor(t / kWeek);
    const double rest = t - weeks * kWeek;
    const auto h = std::min<std::size_t>(kHours - 1, static_cast<std::size_t>(rest / 3600));
    return weeks * prefix_[kHours] + prefix_[h] + rate_[h] * (rest - static_cast<double>(h) * 3600);
  }

 private:
  static constexpr std::size_t kHours = 168;
  static constexpr double kWeek = 7 * kSecondsPerDay;
  std::array<double, kHours> rate_{};
  std::array<double, kHours + 1> prefix_{};
};

// The scope's integrated error and good-request intensities, built segment by segment as
// the history's states become known.
class ScopeRates {
 public:
  void start(const TrafficIntegral& traffic, double share, double horizon) {
    segments_.clear();
    traffic_ = &traffic;
    share_ = share;
    horizon_ = horizon;
    cum_f_.assign(1, 0.0);
    cum_g_.assign(1, 0.0);
  }
  void append(const Segment& s) {
    const double n = share_ * (traffic_->at(s.b) - traffic_->at(s.a));
    segments_.push_back(s);
    cum_f_.push_back(cum_f_.back() + s.p * n);
    cum_g_.push_back(cum_g_.back() + (1 - s.p) * n);
  }
  // Errors' and good requests' expected counts over [0, t) (t within the segments so far).
  void at(double t, double& f, double& g) const {
    t = std::min(t, horizon_);
    if (t <= 0 || segments_.empty()) {
      f = g = 0;
      return;
    }
    t = std::min(t, segments_.back().b);
    auto it = std::upper_bound(segments_.begin(), segments_.end(), t,
                               [](double x, const Segment& s) { return x < s.a; });
    const std::size_t i = static_cast<std::size_t>(it - segments_.begin()) - 1;
    const Segment& s = segments_[i];
    const double n = share_ * (traffic_->at(std::min(t, s.b)) - traffic_->at(s.a));
    f = cum_f_[i] + s.p * n;
    g = cum_g_[i] + (1 - s.p) * n;
  }

 private:
  std::vector<Segment> segments_;
  const TrafficIntegral* traffic_ = nullptr;
  double share_ = 1, horizon_ = 0;
  std::vector<double> cum_f_, cum_g_;
};

struct Bounds {
  std::uint64_t f_lo = 0, f_hi = 0, g_lo = 0, g_hi = 0;
};

// The lazily refined tree of a scope's slice counts (see the header).
//
// Offline (the history is over) every node can be drawn: a top block's root draws its totals
// (Poisson) and every other node comes from its parent's split. Online (detection by alert,
// while the history runs) only slices before the frontier have rates, so a node may be drawn
// only when it lies entirely before it: a node that reaches past the frontier stays undrawn
// and its children are drawn instead; when it is complete later, it is the sum of its
// children. Every drawn node is one of: a root or a node with no drawn ancestor, drawn from
// its own rate (Poisson, independent of every other such node, since their slices are
// disjoint); a split of its drawn parent, which then had no drawn descendants (Binomial);
// or the sum of its two drawn children. Together they are exactly the counts of two Poisson
// processes, whatever order the nodes were drawn in.
class SliceTree {
 public:
  void reset(std::uint64_t slices, double slice, const ScopeRates& rates, std::uint64_t seed,
             std::uint32_t history, std::uint32_t scope) {
    slices_ = slices;
    slice_ = slice;
    rates_ = &rates;
    seed_ = seed;
    history_ = history;
    scope_ = scope;
    frontier_ = std::numeric_limits<std::uint64_t>::max();
    nodes_.clear();
    top_.assign((slices + kTopSlices - 1) / kTopSlices, -1);
  }

  // Slices from `frontier` on have no rates yet (online); max: every slice has.
  void set_frontier(std::uint64_t frontier) { frontier_ = frontier; }

  // Bounds on the counts of slices [x, y), y at most the frontier.
  Bounds bounds(std::uint64_t x, std::uint64_t y) {
    Bounds b;
    y = std::min(y, slices_);
    if (x >= y) return b;
    for (std::uint64_t j = x >> kTopBits; j <= (y - 1) >> kTopBits; ++j)
      add(root(j), j, 1, j << kTopBits, kTopSlices, x, y, b);
    return b;
  }

  // Splits nodes until slice boundary x is a boundary of the nodes around it.
  void refine_at(std::uint64_t x) {
    while (refine_step(x)) {
    }
  }

  // Draws one more node at slice boundary x (x at most the frontier): splits the drawn unsplit
  // node that holds x inside it; false when x is a node boundary of drawn nodes already.
  bool refine_step(std::uint64_t x) {
    if (x == 0 || x >= slices_) return false;
    const std::uint64_t j = x >> kTopBits;
    std::int32_t node = root(j);
    std::uint64_t start = j << kTopBits, size = kTopSlices;
    std::uint32_t heap = 1;
    while (x != start && size > 1) {
      if (!at(node).drawn) {
        if (complete(start, size)) {
          draw(node, j, heap, start, size);
          return true;
        }
        ensure_children(node);
      } else if (at(node).child < 0 || !at(at(node).child).drawn) {
        split(node, j, heap, start, size);
        return true;
      }
      const std::uint64_t mid = start + size / 2;
      const std::int32_t child = at(node).child;
      if (x < mid) {
        node = child;
        heap = 2 * heap;
      } else {
        node = child + 1;
        heap = 2 * heap + 1;
        start = mid;
      }
      size /= 2;
    }
    return false;
  }

 private:
  struct Node {
    std::uint64_t f = 0, g = 0;
    std::int32_t child = -1;  // the left child's index (the right one follows); -1: none
    bool drawn = false;
  };

  Node& at(std::int32_t index) { return nodes_[static_cast<std::size_t>(index)]; }
  const Node& at(std::int32_t index) const { return nodes_[static_cast<std::size_t>(index)]; }

  bool complete(std::uint64_t start, std::uint64_t size) const { return start + size <= frontier_; }

  double time_at(std::uint64_t slice_boundary) const {
    return static_cast<double>(slice_boundary) * slice_;
  }

  void expected(std::uint64_t x, std::uint64_t y, double& f, double& g) const {
    double f0, g0, f1, g1;
    rates_->at(time_at(x), f0, g0);
    rates_->at(time_at(y), f1, g1);
    f = std::max(0.0, f1 - f0);
    g = std::max(0.0, g1 - g0);
  }

  // Top block j's root, drawn when the block is complete.
  std::int32_t root(std::uint64_t j) {
    std::int32_t& index = top_[j];
    if (index < 0) {
      index = static_cast<std::int32_t>(nodes_.size());
      nodes_.emplace_back();
    }
    const std::int32_t r = index;
    if (!at(r).drawn && complete(j << kTopBits, kTopSlices))
      draw(r, j, 1, j << kTopBits, kTopSlices);
    return r;
  }

  void ensure_children(std::int32_t node) {
    if (at(node).child >= 0) return;
    const auto child = static_cast<std::int32_t>(nodes_.size());
    nodes_.emplace_back();
    nodes_.emplace_back();
    at(node).child = child;
  }

  bool any_drawn(std::int32_t node) const {
    if (at(node).drawn) return true;
    const std::int32_t c = at(node).child;
    return c >= 0 && (any_drawn(c) || any_drawn(c + 1));
  }

  // Draws a complete node that has no drawn ancestor: the sum of its children when some node
  // below it is drawn, else from its rate.
  void draw(std::int32_t node, std::uint64_t j, std::uint32_t heap, std::uint64_t start,
            std::uint64_t size) {
    const std::int32_t c = at(node).child;
    if (c >= 0 && (any_drawn(c) || any_drawn(c + 1))) {
      draw_or_keep(c, j, 2 * heap, start, size / 2);
      draw_or_keep(c + 1, j, 2 * heap + 1, start + size / 2, size / 2);
      at(node).f = at(c).f + at(c + 1).f;
      at(node).g = at(c).g + at(c + 1).g;
      at(node).drawn = true;
      return;
    }
    double f, g;
    expected(start, start + size, f, g);
    // A top block's root keeps the stream it has always had; other nodes drawn from their
    // rate (only online) have streams of their own.
    OutageStream s = heap == 1 ? stream(j, 0) : direct_stream(j, heap);
    at(node).f = f > 0 ? boost::random::poisson_distribution<std::uint64_t, double>(f)(s) : 0;
    at(node).g = g > 0 ? boost::random::poisson_distribution<std::uint64_t, double>(g)(s) : 0;
    at(node).drawn = true;
  }

  void draw_or_keep(std::int32_t node, std::uint64_t j, std::uint32_t heap, std::uint64_t start,
                    std::uint64_t size) {
    if (!at(node).drawn) draw(node, j, heap, start, size);
  }

  OutageStream stream(std::uint64_t j, std::uint32_t heap) const {
    return OutageStream(seed_, history_, static_cast<std::uint32_t>(j << 13 | heap),
                        OutagePurpose::alert, scope_);
  }
  OutageStream direct_stream(std::uint64_t j, std::uint32_t heap) const {
    return OutageStream(seed_, history_, static_cast<std::uint32_t>(j << 13 | heap),
                        OutagePurpose::alert, scope_ | kDirectBit);
  }
  static constexpr std::uint32_t kDirectBit = std::uint32_t{1} << 23;

  static std::uint64_t binomial(std::uint64_t n, double p, OutageStream& s) {
    if (n == 0 || !(p > 0)) return 0;
    if (!(p < 1)) return n;
    return static_cast<std::uint64_t>(boost::random::binomial_distribution<std::int64_t, double>(
        static_cast<std::int64_t>(n), p)(s));
  }

  // Splits a drawn node whose children are not drawn (none below them is).
  void split(std::int32_t node, std::uint64_t j, std::uint32_t heap, std::uint64_t start,
             std::uint64_t size) {
    double f0, g0, f1, g1, f2, g2;
    rates_->at(time_at(start), f0, g0);
    rates_->at(time_at(start + size / 2), f1, g1);
    rates_->at(time_at(start + size), f2, g2);
    const double f_all = std::max(0.0, f2 - f0), g_all = std::max(0.0, g2 - g0);
    const double f_left = std::max(0.0, f1 - f0), g_left = std::max(0.0, g1 - g0);
    OutageStream s = stream(j, heap);
    const std::uint64_t f = at(node).f, g = at(node).g;
    const std::uint64_t left_f = binomial(f, f_all > 0 ? f_left / f_all : 0.0, s);
    const std::uint64_t left_g = binomial(g, g_all > 0 ? g_left / g_all : 0.0, s);
    ensure_children(node);
    const std::int32_t c = at(node).child;
    at(c) = Node{left_f, left_g, at(c).child, true};
    at(c + 1) = Node{f - left_f, g - left_g, at(c + 1).child, true};
  }

  void add(std::int32_t index, std::uint64_t j, std::uint32_t heap, std::uint64_t start,
           std::uint64_t size, std::uint64_t x, std::uint64_t y, Bounds& b) {
    const std::uint64_t end = start + size;
    if (end <= x || start >= y) return;
    if (!at(index).drawn) {
      if (complete(start, size)) {
        draw(index, j, heap, start, size);
      } else {
        // Reaches past the frontier: its children are asked instead.
        ensure_children(index);
        const std::int32_t c = at(index).child;
        add(c, j, 2 * heap, start, size / 2, x, y, b);
        add(c + 1, j, 2 * heap + 1, start + size / 2, size / 2, x, y, b);
        return;
      }
    }
    const Node& n = at(index);
    if (x <= start && end <= y) {
      b.f_lo += n.f;
      b.f_hi += n.f;
      b.g_lo += n.g;
      b.g_hi += n.g;
      return;
    }
    if (n.child < 0 || !at(n.child).drawn) {
      b.f_hi += n.f;
      b.g_hi += n.g;
      return;
    }
    const std::int32_t c = n.child;
    add(c, j, 2 * heap, start, size / 2, x, y, b);
    add(c + 1, j, 2 * heap + 1, start + size / 2, size / 2, x, y, b);
  }

  std::uint64_t slices_ = 0;
  double slice_ = 60;
  const ScopeRates* rates_ = nullptr;
  std::uint64_t seed_ = 0;
  std::uint32_t history_ = 0, scope_ = 0;
  std::uint64_t frontier_ = std::numeric_limits<std::uint64_t>::max();
  std::vector<Node> nodes_;
  std::vector<std::int32_t> top_;
};

enum class Verdict { none, all, unknown };

}  // namespace

struct AlertEvaluator::State {
  State(const StructureModel& m, const AlertPlan& p, std::uint64_t s)
      : model(m), plan(p), seed(s), runs(p.policies.size()) {
    traffic.build(m.time->traffic);
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

  std::vector<std::vector<AlertKindPiece>> by_kind;
  std::size_t pieces_taken = 0;  // timeline pieces sorted into by_kind so far
  TrafficIntegral traffic;
  PolicyRun* cur = nullptr;
  Ranges firing;                     // one rule's firing ends
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
    run.rates.start(traffic, p.scope_share, horizon);
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
      const Segment s{run.built, next, p, down};
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
    const Bounds all = cur->tree.bounds(lo > w ? lo - w : 0, hi);
    const std::uint64_t inner_start = hi > w ? hi - w : 0;
    const Bounds inner = inner_start < lo ? cur->tree.bounds(inner_start, lo) : Bounds{};
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
      const Bounds b = cur->tree.bounds(x, x + 1);
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
    const AlertPolicy& policy = model.time->alerting[pi];
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
    out.outages.assign(policies, 0);
    out.rows.resize(policies);
    out.firings.clear();
    out.series.clear();
    bool any_online = false;
    for (const PolicyRun& run : runs)
      any_online = any_online || (run.online && run.history == history);
    if (!any_online) {
      by_kind.assign(model.kinds.size(), {});
      pieces_taken = 0;
    }
    take_pieces(timeline);
    const TimeModel& time = *model.time;
    for (std::size_t pi = 0; pi < policies; ++pi) {
      pp = &plan.policies[pi];
      cur = &runs[pi];
      if (!(cur->online && cur->history == history)) start_run(pi, history);
      cur->tree.set_frontier(std::numeric_limits<std::uint64_t>::max());
      extend_run(horizon, nullptr);
      const AlertPolicy& policy = time.alerting[pi];
      const std::size_t rules = policy.rules.size();
      std::vector<AlertRow>& rows = out.rows[pi];
      rows.assign(rules + 1, AlertRow{});
      out.outages[pi] = cur->outages.size();
      const std::uint64_t n = pp->slices;
      block_ends(timeline, policy, horizon, n);
      page_firing.clear();
      for (std::size_t ri = 0; ri < rules; ++ri) {
        rule = &pp->rules[ri];
        const AlertRule& spec = policy.rules[ri];
        const bool page = spec.severity == AlertSeverity::page;
        firing.clear();
        for (const auto& range : candidates(n)) {
          if (!plan.exhaustive) {
            decide(range[0], range[1]);
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
