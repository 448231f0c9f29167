#include "nines/exact/bdd.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nines {

Bdd::Bdd(std::uint32_t variables) : variables_(variables) {
  nodes_.push_back({variables, kFalse, kFalse});  // 0
  nodes_.push_back({variables, kTrue, kTrue});    // 1
}

Bdd::Node Bdd::make(std::uint32_t level, Node low, Node high) {
  if (low == high) return low;  // reduction: the test does not matter
  const Triple key{level, low, high};
  if (const auto it = unique_.find(key); it != unique_.end()) return it->second;
  if (nodes_.size() >= std::numeric_limits<Node>::max())
    throw std::length_error("Bdd: too many nodes");
  const auto id = static_cast<Node>(nodes_.size());
  nodes_.push_back({level, low, high});
  unique_.emplace(key, id);
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
  const Triple key{f, g, h};
  if (const auto it = ite_cache_.find(key); it != ite_cache_.end()) return it->second;
  const std::uint32_t top = std::min({level(f), level(g), level(h)});
  const Node low = ite(cofactor(f, top, false), cofactor(g, top, false), cofactor(h, top, false));
  const Node high = ite(cofactor(f, top, true), cofactor(g, top, true), cofactor(h, top, true));
  const Node out = make(top, low, high);
  ite_cache_.emplace(key, out);
  return out;
}

Bdd::Node Bdd::at_least(std::size_t k, std::span<const Node> functions) {
  const std::size_t n = functions.size();
  if (k == 0) return kTrue;
  if (k > n) return kFalse;
  // row[j] = "at least j of functions[i..n) are true", built from i = n down to 0:
  // T(i, j) = ite(f_i, T(i+1, j-1), T(i+1, j)); T(n, 0) = true, T(n, j > 0) = false.
  std::vector<Node> row(k + 1, kFalse);
  row[0] = kTrue;
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = k; j >= 1; --j) row[j] = ite(functions[i], row[j - 1], row[j]);
  }
  return row[k];
}

BddProbability::BddProbability(const Bdd& bdd, std::span<const double> p_true,
                               std::span<const double> p_false)
    : bdd_(bdd),
      p_true_(p_true),
      p_false_(p_false),
      memo_true_(bdd.size(), std::numeric_limits<double>::quiet_NaN()),
      memo_false_(bdd.size(), std::numeric_limits<double>::quiet_NaN()) {
  if (p_true.size() != bdd.variables() || p_false.size() != bdd.variables())
    throw std::invalid_argument("BddProbability: one probability per variable is needed");
}

double BddProbability::of_true(Bdd::Node f) {
  return evaluate(f, true);
}
double BddProbability::of_false(Bdd::Node f) {
  return evaluate(f, false);
}

double BddProbability::evaluate(Bdd::Node f, bool want_true) {
  if (f == Bdd::kTrue) return want_true ? 1.0 : 0.0;
  if (f == Bdd::kFalse) return want_true ? 0.0 : 1.0;
  std::vector<double>& memo = want_true ? memo_true_ : memo_false_;
  if (!std::isnan(memo[f])) return memo[f];
  const std::uint32_t v = bdd_.level(f);
  const double value = p_true_[v] * evaluate(bdd_.high(f), want_true) +
                       p_false_[v] * evaluate(bdd_.low(f), want_true);
  memo[f] = value;
  return value;
}

}  // namespace nines
