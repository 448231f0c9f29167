#pragma once
// The lazily refined tree of an alert policy scope's slice counts (errors and good requests,
// two independent Poisson processes): see sample/alert_evaluator.hpp for how decisions use it.
#include <algorithm>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cstdint>
#include <limits>
#include <vector>

#include "nines/sample/outage_streams.hpp"
#include "nines/sample/scope_rates.hpp"

namespace nines {

inline constexpr std::uint32_t kSliceTopBits = 12;  // a top block holds 4096 slices
inline constexpr std::uint64_t kSliceTopSlices = std::uint64_t{1} << kSliceTopBits;

// Bounds on the counts of a range of slices: nodes inside it count fully; nodes that overlap
// it without being split count 0 towards the lower bounds and fully towards the upper ones.
struct SliceBounds {
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
    top_.assign((slices + kSliceTopSlices - 1) / kSliceTopSlices, -1);
    top_cum_.assign(top_.size() + 1, Cum{});
  }

  // Slices from `frontier` on have no rates yet (online); max: every slice has.
  void set_frontier(std::uint64_t frontier) { frontier_ = frontier; }

  // SliceBounds on the counts of slices [x, y), y at most the frontier.
  SliceBounds bounds(std::uint64_t x, std::uint64_t y) {
    SliceBounds b;
    y = std::min(y, slices_);
    if (x >= y) return b;
    for (std::uint64_t j = x >> kSliceTopBits; j <= (y - 1) >> kSliceTopBits; ++j)
      add(root(j), j, 1, j << kSliceTopBits, kSliceTopSlices, x, y, b);
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
    const std::uint64_t j = x >> kSliceTopBits;
    std::int32_t node = root(j);
    std::uint64_t start = j << kSliceTopBits, size = kSliceTopSlices;
    std::uint32_t heap = 1;
    // The expected counts up to the node's start and end, when known.
    Cum left, right;
    if (complete(start, size)) {
      left = top_cum(j);
      right = top_cum(j + 1);
    }
    while (x != start && size > 1) {
      if (!at(node).drawn) {
        if (complete(start, size)) {
          draw(node, j, heap, start, size);
          return true;
        }
        ensure_children(node);
      } else if (at(node).child < 0 || !at(at(node).child).drawn) {
        split(node, j, heap, start, size, left, right);
        return true;
      }
      const std::uint64_t mid = start + size / 2;
      const std::int32_t child = at(node).child;
      const Cum middle{at(node).mid_f, at(node).mid_g};
      if (x < mid) {
        node = child;
        heap = 2 * heap;
        right = middle;
      } else {
        node = child + 1;
        heap = 2 * heap + 1;
        start = mid;
        left = middle;
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
    // The expected counts up to the node's middle (ScopeRates::at) once it has been split:
    // its children's splits use them again instead of recomputing them.
    double mid_f = kUnknown, mid_g = kUnknown;
  };
  static constexpr double kUnknown = -1;

  // Expected counts up to a slice boundary (ScopeRates::at), with a known flag.
  struct Cum {
    double f = kUnknown, g = kUnknown;
    bool known() const { return f >= 0; }
  };
  Cum cum_at(std::uint64_t x) const {
    Cum c;
    rates_->at_boundary(x, c.f, c.g);
    return c;
  }
  // The expected counts up to top block j's start (j up to the number of blocks), memoised
  // (only for complete blocks, whose rates are final).
  Cum top_cum(std::uint64_t j) {
    if (!top_cum_[j].known()) top_cum_[j] = cum_at(std::min(j << kSliceTopBits, slices_));
    return top_cum_[j];
  }

  Node& at(std::int32_t index) { return nodes_[static_cast<std::size_t>(index)]; }
  const Node& at(std::int32_t index) const { return nodes_[static_cast<std::size_t>(index)]; }

  bool complete(std::uint64_t start, std::uint64_t size) const { return start + size <= frontier_; }

  void expected(std::uint64_t x, std::uint64_t y, double& f, double& g) const {
    double f0, g0, f1, g1;
    rates_->at_boundary(x, f0, g0);
    rates_->at_boundary(y, f1, g1);
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
    if (!at(r).drawn && complete(j << kSliceTopBits, kSliceTopSlices))
      draw(r, j, 1, j << kSliceTopBits, kSliceTopSlices);
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
    if (heap == 1) {
      const Cum a = top_cum(j), b = top_cum(j + 1);
      f = std::max(0.0, b.f - a.f);
      g = std::max(0.0, b.g - a.g);
    } else {
      expected(start, start + size, f, g);
    }
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
  // `left`, `right`: the expected counts up to its start and end, when known.
  void split(std::int32_t node, std::uint64_t j, std::uint32_t heap, std::uint64_t start,
             std::uint64_t size, Cum left, Cum right) {
    if (!left.known()) left = cum_at(start);
    if (!right.known()) right = cum_at(start + size);
    const Cum middle = cum_at(start + size / 2);
    at(node).mid_f = middle.f;
    at(node).mid_g = middle.g;
    const double f0 = left.f, g0 = left.g, f1 = middle.f, g1 = middle.g;
    const double f2 = right.f, g2 = right.g;
    const double f_all = std::max(0.0, f2 - f0), g_all = std::max(0.0, g2 - g0);
    const double f_left = std::max(0.0, f1 - f0), g_left = std::max(0.0, g1 - g0);
    OutageStream s = stream(j, heap);
    const std::uint64_t f = at(node).f, g = at(node).g;
    const std::uint64_t left_f = binomial(f, f_all > 0 ? f_left / f_all : 0.0, s);
    const std::uint64_t left_g = binomial(g, g_all > 0 ? g_left / g_all : 0.0, s);
    ensure_children(node);
    const std::int32_t c = at(node).child;
    at(c).f = left_f;
    at(c).g = left_g;
    at(c).drawn = true;
    at(c + 1).f = f - left_f;
    at(c + 1).g = g - left_g;
    at(c + 1).drawn = true;
  }

  void add(std::int32_t index, std::uint64_t j, std::uint32_t heap, std::uint64_t start,
           std::uint64_t size, std::uint64_t x, std::uint64_t y, SliceBounds& b) {
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
  std::vector<Cum> top_cum_;
};

}  // namespace nines
