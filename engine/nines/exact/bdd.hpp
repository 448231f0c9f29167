#pragma once
// A reduced ordered binary decision diagram (Bryant 1986) over independent Boolean variables:
// the exact engine behind the structure analytics. A shared component is one variable however
// many times a structure mentions it, so the probability computed on the diagram is exact where
// the naive product over a block tree double-counts it (Rauzy 1993, "New algorithms for fault
// trees analysis", computes fault-tree probabilities the same way).
//
// Variables are numbered 0..n-1 and that is also their order (0 at the top). Nodes are
// hash-consed through a unique table, so equal functions are equal node ids; ite() is memoised.
// Complement edges are not used: the diagrams here stay small and the code stays obvious.
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace nines {

class Bdd {
 public:
  using Node = std::uint32_t;
  static constexpr Node kFalse = 0;
  static constexpr Node kTrue = 1;

  explicit Bdd(std::uint32_t variables);

  std::uint32_t variables() const noexcept { return variables_; }
  std::size_t size() const noexcept { return nodes_.size(); }

  Node variable(std::uint32_t v);    // the function x_v
  Node ite(Node f, Node g, Node h);  // if f then g else h
  Node apply_and(Node a, Node b) { return ite(a, b, kFalse); }
  Node apply_or(Node a, Node b) { return ite(a, kTrue, b); }
  Node apply_not(Node a) { return ite(a, kFalse, kTrue); }
  // At least k of the functions are true (k = size: and; k = 1: or; k = 0: true).
  Node at_least(std::size_t k, std::span<const Node> functions);

  // The variable a node tests; variables() for the two terminals.
  std::uint32_t level(Node f) const noexcept { return nodes_[f].level; }
  Node low(Node f) const noexcept { return nodes_[f].low; }    // the x = 0 branch
  Node high(Node f) const noexcept { return nodes_[f].high; }  // the x = 1 branch

 private:
  struct NodeData {
    std::uint32_t level;
    Node low;
    Node high;
  };
  struct Triple {
    std::uint32_t a, b, c;
    bool operator==(const Triple&) const = default;
  };
  struct TripleHash {
    std::size_t operator()(const Triple& t) const noexcept {
      std::uint64_t h = t.a * 0x9E3779B97F4A7C15ULL;
      h ^= (h >> 29) ^ (t.b * 0xBF58476D1CE4E5B9ULL);
      h ^= (h >> 31) ^ (t.c * 0x94D049BB133111EBULL);
      return static_cast<std::size_t>(h ^ (h >> 32));
    }
  };

  Node make(std::uint32_t level, Node low, Node high);
  Node cofactor(Node f, std::uint32_t level, bool value) const noexcept {
    if (nodes_[f].level != level) return f;
    return value ? nodes_[f].high : nodes_[f].low;
  }

  std::uint32_t variables_;
  std::vector<NodeData> nodes_;
  std::unordered_map<Triple, Node, TripleHash> unique_;
  std::unordered_map<Triple, Node, TripleHash> ite_cache_;
};

// Probabilities over one diagram: P(f = 1) and P(f = 0), each computed on its own by Shannon
// expansion, P(f) = p_v P(f|x_v=1) + (1 - p_v) P(f|x_v=0), so a failure probability of 1e-15 is
// not the difference of two numbers near 1. Both p_true and p_false are given per variable (the
// caller knows 1 - p without rounding, e.g. q^(n) for a retried component). Results are memoised
// per node, so the object answers many queries on one probability assignment.
class BddProbability {
 public:
  BddProbability(const Bdd& bdd, std::span<const double> p_true, std::span<const double> p_false);

  double of_true(Bdd::Node f);
  double of_false(Bdd::Node f);

 private:
  double evaluate(Bdd::Node f, bool want_true);
  const Bdd& bdd_;
  std::span<const double> p_true_;
  std::span<const double> p_false_;
  std::vector<double> memo_true_;
  std::vector<double> memo_false_;
};

}  // namespace nines
