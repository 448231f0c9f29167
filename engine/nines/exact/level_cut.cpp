#include "nines/exact/level_cut.hpp"

#include <algorithm>
#include <stdexcept>

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

// (node, node) -> probability, open addressing; a key is never 0 (its first node is not a
// leaf).
class PairMemo {
 public:
  const double* find(std::uint64_t key) const {
    if (keys_.empty()) return nullptr;
    for (std::size_t i = slot(key);; i = (i + 1) & (keys_.size() - 1)) {
      if (keys_[i] == key) return &values_[i];
      if (keys_[i] == 0) return nullptr;
    }
  }
  void insert(std::uint64_t key, double value) {
    if (2 * (size_ + 1) > keys_.size()) grow();
    std::size_t i = slot(key);
    while (keys_[i] != 0) i = (i + 1) & (keys_.size() - 1);
    keys_[i] = key;
    values_[i] = value;
    ++size_;
  }
  std::size_t size() const noexcept { return size_; }

 private:
  std::size_t slot(std::uint64_t key) const noexcept {
    key ^= key >> 33;
    key *= 0xFF51AFD7ED558CCDULL;
    key ^= key >> 33;
    return static_cast<std::size_t>(key) & (keys_.size() - 1);
  }
  void grow() {
    std::vector<std::uint64_t> keys = std::move(keys_);
    std::vector<double> values = std::move(values_);
    keys_.assign(keys.empty() ? 1024 : 2 * keys.size(), 0);
    values_.assign(keys_.size(), 0.0);
    size_ = 0;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] != 0) insert(keys[i], values[i]);
  }
  std::vector<std::uint64_t> keys_;
  std::vector<double> values_;
  std::size_t size_ = 0;
};

}  // namespace

std::vector<double> node_differences(const Bdd& bdd, std::span<const Bdd::Node> nodes,
                                     std::uint32_t first_level, std::span<const double> p_true,
                                     std::span<const double> p_false,
                                     std::span<const double> p_true_of_node,
                                     std::span<const double> p_false_of_node, std::size_t max_pairs,
                                     StopPoller& poll) {
  std::vector<double> out(bdd.size(), 0.0);
  PairMemo memo;
  bool over_budget = false;
  // P(a = 0 and b = 1), by Shannon expansion on the pair; a leaf on either side ends it.
  const auto fails_works = [&](const auto& self, Bdd::Node a, Bdd::Node b) -> double {
    if (a == b || a == Bdd::kTrue || b == Bdd::kFalse) return 0;
    if (a == Bdd::kFalse) return p_true_of_node[b];
    if (b == Bdd::kTrue) return p_false_of_node[a];
    // An event of probability 0 on either side (also where it underflowed) ends it.
    if (p_false_of_node[a] == 0 || p_true_of_node[b] == 0) return 0;
    const std::uint64_t key = std::uint64_t{a} << 32 | b;
    if (const double* known = memo.find(key)) return *known;
    if (memo.size() >= max_pairs) {
      over_budget = true;
      return 0;
    }
    poll.tick();
    const std::uint32_t top = std::min(bdd.level(a), bdd.level(b));
    const auto branch = [&](Bdd::Node f, bool high) {
      return bdd.level(f) != top ? f : high ? bdd.high(f) : bdd.low(f);
    };
    const double value = p_true[top] * self(self, branch(a, true), branch(b, true)) +
                         p_false[top] * self(self, branch(a, false), branch(b, false));
    memo.insert(key, value);
    return value;
  };
  for (const Bdd::Node f : nodes) {
    if (bdd.level(f) < first_level) continue;
    const double q_lo = p_false_of_node[bdd.low(f)], q_hi = p_false_of_node[bdd.high(f)];
    const double subtracted = std::max(0.0, q_lo - q_hi);
    if (over_budget) {
      out[f] = subtracted;
      continue;
    }
    const double exact = fails_works(fails_works, bdd.low(f), bdd.high(f));
    out[f] = over_budget ? subtracted : exact;
  }
  return out;
}

void level_cut(const Bdd& bdd, Bdd::Node root, std::span<const Bdd::Node> nodes,
               std::uint32_t first_level, std::span<const double> p_true,
               std::span<const double> p_false, std::span<const double> p_false_of_node,
               std::span<const double> difference_of_node, std::vector<long double>& reach,
               LevelCut& out, StopPoller& poll) {
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
