#include "nines/exact/level_cut.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <unordered_map>

namespace nines {
namespace {

// Range add, point read, with positive additions only: a value added to [l, r) lands on the
// O(log n) tree nodes that tile the range, and a point reads the sum along its path to the
// root.
class RangeSums {
 public:
  explicit RangeSums(std::size_t n) : size_(1) {
    while (size_ < n) size_ *= 2;
    tags_.assign(2 * size_, 0.0L);
  }
  void add(std::size_t l, std::size_t r, long double value) {
    for (l += size_, r += size_; l < r; l /= 2, r /= 2) {
      if (l & 1U) tags_[l++] += value;
      if (r & 1U) tags_[--r] += value;
    }
  }
  long double at(std::size_t i) const {
    long double sum = 0;
    for (i += size_; i >= 1; i /= 2) sum += tags_[i];
    return sum;
  }

 private:
  std::size_t size_;
  std::vector<long double> tags_;
};

}  // namespace

std::vector<double> node_differences(const Bdd& bdd, Bdd::Node root, std::uint32_t first_level,
                                     std::span<const double> p_true,
                                     std::span<const double> p_false,
                                     std::span<const double> p_false_of_node, std::size_t max_pairs,
                                     StopPoller& poll) {
  std::vector<double> out(bdd.size(), 0.0);
  // P(a = 0 and b = 1), by Shannon expansion on the pair.
  std::unordered_map<std::uint64_t, double> memo;
  bool over_budget = false;
  const std::function<double(Bdd::Node, Bdd::Node)> fails_works = [&](Bdd::Node a,
                                                                      Bdd::Node b) -> double {
    if (a == b || a == Bdd::kTrue || b == Bdd::kFalse) return 0;
    if (a == Bdd::kFalse && b == Bdd::kTrue) return 1;
    if (b == Bdd::kTrue) return p_false_of_node[a];
    const std::uint64_t key = std::uint64_t{a} << 32 | b;
    if (const auto it = memo.find(key); it != memo.end()) return it->second;
    if (memo.size() >= max_pairs) {
      over_budget = true;
      return 0;
    }
    poll.tick();
    const std::uint32_t top = std::min(bdd.level(a), bdd.level(b));
    const auto branch = [&](Bdd::Node f, bool high) {
      return bdd.level(f) != top ? f : high ? bdd.high(f) : bdd.low(f);
    };
    const double value = p_true[top] * fails_works(branch(a, true), branch(b, true)) +
                         p_false[top] * fails_works(branch(a, false), branch(b, false));
    memo.emplace(key, value);
    return value;
  };
  for (const Bdd::Node f : bdd.reachable(root)) {
    if (bdd.level(f) < first_level) continue;
    const Bdd::Node lo = bdd.low(f), hi = bdd.high(f);
    if (!over_budget) out[f] = fails_works(lo, hi);
    if (over_budget) out[f] = std::max(0.0, p_false_of_node[lo] - p_false_of_node[hi]);
  }
  return out;
}

void level_cut(const Bdd& bdd, Bdd::Node root, std::uint32_t first_level,
               std::span<const double> p_true, std::span<const double> p_false,
               std::span<const double> p_false_of_node, std::span<const double> difference_of_node,
               std::vector<long double>& reach, LevelCut& out, StopPoller& poll) {
  const std::uint32_t last = bdd.variables();
  if (first_level > last) throw std::invalid_argument("level_cut: first level out of range");
  const std::size_t n = last - first_level;
  out.false_if_true.assign(n, 0.0L);
  out.false_if_false.assign(n, 0.0L);
  out.difference.assign(n, 0.0L);
  if (n == 0) return;
  RangeSums jumped(n);
  // An edge from a node at level v (v = first_level - 1 for the virtual edge into the root)
  // to `to` jumps over the levels in range strictly between them, if any.
  const auto jump = [&](std::uint32_t v, Bdd::Node to, long double reach_edge) {
    const long double q = p_false_of_node[to];
    const std::uint32_t t = bdd.level(to);  // variables() for a leaf
    if (q == 0 || t < first_level) return;
    const std::size_t begin = v < first_level ? 0 : v - first_level + 1;
    const std::size_t end = t - first_level;
    if (end > begin) jumped.add(begin, end, reach_edge * q);
  };
  if (first_level > 0) {
    jump(first_level - 1, root, 1.0L);
  } else if (bdd.level(root) > 0) {
    if (p_false_of_node[root] > 0) jumped.add(0, bdd.level(root), p_false_of_node[root]);
  }
  const std::vector<Bdd::Node> nodes = bdd.reachable(root);
  reach.resize(bdd.size());
  for (const Bdd::Node f : nodes) reach[f] = 0;
  if (!Bdd::terminal(root)) reach[root] = 1;
  for (const Bdd::Node f : nodes) {
    poll.tick();
    const long double r = reach[f];
    if (r == 0) continue;
    const Bdd::Node hi = bdd.high(f), lo = bdd.low(f);
    const std::uint32_t v = bdd.level(f);
    const long double r_hi = r * p_true[v], r_lo = r * p_false[v];
    if (!Bdd::terminal(hi)) reach[hi] += r_hi;
    if (!Bdd::terminal(lo)) reach[lo] += r_lo;
    jump(v, hi, r_hi);
    jump(v, lo, r_lo);
    if (v < first_level) continue;  // above the range: it only passes probability on
    const std::size_t j = v - first_level;
    const long double q_hi = p_false_of_node[hi], q_lo = p_false_of_node[lo];
    out.false_if_true[j] += r * q_hi;
    out.false_if_false[j] += r * q_lo;
    out.difference[j] += r * difference_of_node[f];
  }
  for (std::size_t j = 0; j < n; ++j) {
    const long double skipped = jumped.at(j);
    out.false_if_true[j] += skipped;
    out.false_if_false[j] += skipped;
  }
}

}  // namespace nines
