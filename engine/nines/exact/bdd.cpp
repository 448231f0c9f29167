#include "nines/exact/bdd.hpp"

#include <algorithm>
#include <functional>
#include <limits>
#include <string>

namespace nines {
namespace {

constexpr std::size_t kFirstUniqueSlots = std::size_t{1} << 12;
constexpr std::size_t kFirstCacheEntries = std::size_t{1} << 12;
// The computed table grows with the diagram up to this many entries (16 bytes each).
constexpr std::size_t kMaxCacheEntries = std::size_t{1} << 22;
// Operations between two looks at the stop flag (well under a millisecond of work).
constexpr std::uint64_t kPollMask = (std::uint64_t{1} << 12) - 1;

// Three 32-bit ids to a well-mixed 64-bit hash (both tables index by its low bits).
std::uint64_t mix3(std::uint64_t a, std::uint64_t b, std::uint64_t c) noexcept {
  std::uint64_t h = (a << 32 | b) ^ (c * 0x9E3779B97F4A7C15ULL);
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

}  // namespace

BddNodeLimit::BddNodeLimit(std::size_t limit)
    : std::length_error("decision diagram larger than " + std::to_string(limit) + " nodes"),
      limit_(limit) {}

Bdd::Bdd(std::uint32_t variables, std::size_t max_nodes, StopFlag stop)
    : variables_(variables),
      max_nodes_(std::min<std::size_t>(max_nodes, std::numeric_limits<Node>::max())),
      stop_(stop),
      unique_(kFirstUniqueSlots, 0),
      cache_(kFirstCacheEntries) {
  if (max_nodes_ < 2) throw BddNodeLimit(max_nodes_);
  nodes_.push_back({variables, kFalse, kFalse});  // 0
  nodes_.push_back({variables, kTrue, kTrue});    // 1
}

void Bdd::poll() {
  if ((++operations_ & kPollMask) == 0) throw_if_stopped(stop_);
}

void Bdd::grow_unique() {
  std::vector<Node> bigger(unique_.size() * 2, 0);
  const std::size_t mask = bigger.size() - 1;
  for (const Node id : unique_) {
    if (id == 0) continue;
    const NodeData& n = nodes_[id];
    std::size_t slot = mix3(n.level, n.low, n.high) & mask;
    while (bigger[slot] != 0) slot = (slot + 1) & mask;
    bigger[slot] = id;
  }
  unique_ = std::move(bigger);
}

void Bdd::freeze() {
  std::vector<Node>().swap(unique_);
  std::vector<CacheEntry>().swap(cache_);
}

Bdd::Node Bdd::make(std::uint32_t level, Node low, Node high) {
  if (low == high) return low;  // reduction: the test does not matter
  if (unique_.empty()) throw std::logic_error("Bdd: the diagram is frozen");
  std::size_t mask = unique_.size() - 1;
  std::size_t slot = mix3(level, low, high) & mask;
  while (const Node id = unique_[slot]) {
    const NodeData& n = nodes_[id];
    if (n.level == level && n.low == low && n.high == high) return id;
    slot = (slot + 1) & mask;
  }
  if (nodes_.size() >= max_nodes_) throw BddNodeLimit(max_nodes_);
  const auto id = static_cast<Node>(nodes_.size());
  nodes_.push_back({level, low, high});
  unique_[slot] = id;
  if (2 * nodes_.size() > unique_.size()) grow_unique();  // load factor at most 1/2
  if (nodes_.size() > cache_.size() && cache_.size() < kMaxCacheEntries) {
    // The old entries stay valid (ids never change); rehash them into the bigger table.
    std::vector<CacheEntry> bigger(cache_.size() * 2);
    mask = bigger.size() - 1;
    for (const CacheEntry& e : cache_)
      if (e.f != 0) bigger[mix3(e.f, e.g, e.h) & mask] = e;
    cache_ = std::move(bigger);
  }
  return id;
}

Bdd::Node Bdd::variable(std::uint32_t v) {
  if (v >= variables_) throw std::out_of_range("Bdd::variable: no such variable");
  return make(v, kFalse, kTrue);
}

Bdd::Node Bdd::ite(Node f, Node g, Node h) {
  if (f == kTrue) return g;
  if (f == kFalse) return h;
  if (g == h) return g;
  if (g == kTrue && h == kFalse) return f;
  if (cache_.empty()) throw std::logic_error("Bdd: the diagram is frozen");
  CacheEntry& entry = cache_[mix3(f, g, h) & (cache_.size() - 1)];
  if (entry.f == f && entry.g == g && entry.h == h) return entry.result;
  poll();
  const std::uint32_t top = std::min({level(f), level(g), level(h)});
  const Node low = ite(cofactor(f, top, false), cofactor(g, top, false), cofactor(h, top, false));
  const Node high = ite(cofactor(f, top, true), cofactor(g, top, true), cofactor(h, top, true));
  const Node out = make(top, low, high);
  // The recursion may have grown the table: look the slot up again.
  cache_[mix3(f, g, h) & (cache_.size() - 1)] = {f, g, h, out};
  return out;
}

Bdd::Node Bdd::at_least(std::size_t k, std::span<const Node> functions) {
  const std::size_t n = functions.size();
  if (k == 0) return kTrue;
  if (k > n) return kFalse;
  if (k == n) {  // and
    Node all = kTrue;
    for (std::size_t i = n; i-- > 0;) all = ite(functions[i], all, kFalse);
    return all;
  }
  if (k == 1) {  // or
    Node any = kFalse;
    for (std::size_t i = n; i-- > 0;) any = ite(functions[i], kTrue, any);
    return any;
  }
  // row[j] = T(i, j) = "at least j of functions[i..n) are true", from i = n down to 0:
  // T(i, j) = ite(f_i, T(i+1, j-1), T(i+1, j)); T(i, 0) = true; T(i, j) = false for j > n - i.
  // T(0, k) needs T(i, j) only for k - i <= j, so each row is computed over
  // [max(1, k - i), min(k, n - i)], downwards so that row[j - 1] still holds row i + 1.
  std::vector<Node> row(k + 1, kFalse);
  row[0] = kTrue;
  for (std::size_t i = n; i-- > 0;) {
    const std::size_t lo = k > i ? k - i : 1;
    const std::size_t hi = std::min(k, n - i);
    for (std::size_t j = hi; j >= lo; --j) row[j] = ite(functions[i], row[j - 1], row[j]);
  }
  return row[k];
}

bool Bdd::Marks::mark(Node f) {
  if (f >= stamp_.size()) stamp_.resize(std::max<std::size_t>(2 * stamp_.size(), f + 1), 0);
  if (stamp_[f] == epoch_) return false;
  stamp_[f] = epoch_;
  return true;
}

std::vector<Bdd::Node> Bdd::reachable(Node root, Marks& marks) const {
  std::vector<Node> out;
  if (terminal(root)) return out;
  // Depth first, touching only the nodes below the root, then sorted: ids are topological,
  // so decreasing ids are top-down.
  marks.clear();
  marks.mark(root);
  std::vector<Node> stack{root};
  while (!stack.empty()) {
    const Node f = stack.back();
    stack.pop_back();
    out.push_back(f);
    for (const Node child : {nodes_[f].low, nodes_[f].high})
      if (!terminal(child) && marks.mark(child)) stack.push_back(child);
  }
  std::sort(out.begin(), out.end(), std::greater<>());
  return out;
}

BddProbability::BddProbability(const Bdd& bdd, std::span<const double> p_true,
                               std::span<const double> p_false)
    : true_(bdd.size(), 0.0), false_(bdd.size(), 0.0) {
  if (p_true.size() != bdd.variables() || p_false.size() != bdd.variables())
    throw std::invalid_argument("BddProbability: one probability per variable is needed");
  true_[Bdd::kTrue] = 1;
  false_[Bdd::kFalse] = 1;
  for (Bdd::Node f = Bdd::kTrue + 1; f < bdd.size(); ++f) {
    const std::uint32_t v = bdd.level(f);
    true_[f] = p_true[v] * true_[bdd.high(f)] + p_false[v] * true_[bdd.low(f)];
    false_[f] = p_true[v] * false_[bdd.high(f)] + p_false[v] * false_[bdd.low(f)];
  }
}

}  // namespace nines
