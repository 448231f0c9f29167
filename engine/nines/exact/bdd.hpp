#pragma once
// A reduced ordered binary decision diagram (Bryant 1986) over independent Boolean variables:
// the exact engine behind the structure analytics. A shared component is one variable however
// many times a structure mentions it, so the probability computed on the diagram is exact where
// the naive product over a block tree double-counts it (Rauzy 1993, "New algorithms for fault
// trees analysis", computes fault-tree probabilities the same way).
//
// Variables are numbered 0..n-1 and that is also their order (0 at the top). Nodes are
// hash-consed through a unique table, so equal functions are equal node ids, and a node's
// children always have smaller ids than the node: iterating ids upwards is a bottom-up pass,
// downwards a top-down one. ite() is memoised in a lossy computed table (a fixed-size cache
// that grows with the diagram, as in CUDD): it only saves work, so a lost entry costs time,
// never correctness. Complement edges are not used: the code stays obvious.
//
// Size. Building a diagram can take exponential space for some functions and variable orders,
// so every diagram has a node limit, checked whenever a node is created (BddNodeLimit), and
// polls a stop flag every few thousand operations (Interrupted), so neither a wide structure
// nor Ctrl-C leaves the caller waiting.
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "nines/base/stop.hpp"

namespace nines {

// The default node limit of one diagram (2^22, about 4.2 million nodes; a diagram this large
// takes about 150 MB while it is built).
inline constexpr std::size_t kMaxBddNodes = std::size_t{1} << 22;

// Thrown when a diagram would exceed its node limit.
class BddNodeLimit : public std::length_error {
 public:
  explicit BddNodeLimit(std::size_t limit);
  std::size_t limit() const noexcept { return limit_; }

 private:
  std::size_t limit_;
};

class Bdd {
 public:
  using Node = std::uint32_t;
  static constexpr Node kFalse = 0;
  static constexpr Node kTrue = 1;

  // max_nodes counts every node, the two terminals included.
  explicit Bdd(std::uint32_t variables, std::size_t max_nodes = kMaxBddNodes,
               StopFlag stop = nullptr);

  std::uint32_t variables() const noexcept { return variables_; }
  std::size_t size() const noexcept { return nodes_.size(); }
  std::size_t max_nodes() const noexcept { return max_nodes_; }

  Node variable(std::uint32_t v);    // the function x_v
  Node ite(Node f, Node g, Node h);  // if f then g else h
  Node apply_and(Node a, Node b) { return ite(a, b, kFalse); }
  Node apply_or(Node a, Node b) { return ite(a, kTrue, b); }
  Node apply_not(Node a) { return ite(a, kFalse, kTrue); }
  // At least k of the functions are true (k = size: and; k = 1: or; k = 0: true). And and or
  // are folds from the last function to the first, so functions over consecutive variable
  // ranges (a series or parallel block in path order) cost time and nodes in proportion to
  // their own sizes; 1 < k < size is the usual table "at least j of functions[i..]", kept to
  // the band of (i, j) that can still decide the outcome (k (size - k + 1) entries).
  Node at_least(std::size_t k, std::span<const Node> functions);

  // The variable a node tests; variables() for the two terminals.
  std::uint32_t level(Node f) const noexcept { return nodes_[f].level; }
  Node low(Node f) const noexcept { return nodes_[f].low; }    // the x = 0 branch
  Node high(Node f) const noexcept { return nodes_[f].high; }  // the x = 1 branch
  static bool terminal(Node f) noexcept { return f <= kTrue; }

  // Marks reused across reachable() calls, so that many calls on one large diagram (one per
  // cofactor) cost the sizes of what they reach, not of the diagram.
  class Marks {
   public:
    bool mark(Node f);  // true the first time f is marked since the last clear()
    void clear() noexcept { ++epoch_; }

   private:
    std::vector<std::uint32_t> stamp_;
    std::uint32_t epoch_ = 1;
  };

  // The nodes reachable from root (root included, terminals excluded), by decreasing id: a
  // top-down order (every node before its children).
  std::vector<Node> reachable(Node root, Marks& marks) const;
  std::vector<Node> reachable(Node root) const {
    Marks marks;
    return reachable(root, marks);
  }

  // Done building: releases the unique and computed tables (about two thirds of the memory
  // of a large diagram). The nodes stay readable; making new ones throws std::logic_error.
  void freeze();

 private:
  struct NodeData {
    std::uint32_t level;
    Node low;
    Node high;
  };
  struct CacheEntry {
    Node f = 0, g = 0, h = 0, result = 0;  // f == 0 marks an empty entry (f is never a terminal)
  };

  Node make(std::uint32_t level, Node low, Node high);
  Node cofactor(Node f, std::uint32_t level, bool value) const noexcept {
    if (nodes_[f].level != level) return f;
    return value ? nodes_[f].high : nodes_[f].low;
  }
  void grow_unique();
  void poll();

  std::uint32_t variables_;
  std::size_t max_nodes_;
  StopFlag stop_;
  std::uint64_t operations_ = 0;
  std::vector<NodeData> nodes_;
  std::vector<Node> unique_;  // open addressing over node ids; 0 = empty slot
  std::vector<CacheEntry> cache_;
};

// Probabilities over one diagram: P(f = 1) and P(f = 0), each computed on its own by Shannon
// expansion, P(f) = p_v P(f|x_v=1) + (1 - p_v) P(f|x_v=0), so a failure probability of 1e-15 is
// not the difference of two numbers near 1. Both p_true and p_false are given per variable (the
// caller knows 1 - p without rounding, e.g. q^(n) for a retried component). Every node is
// evaluated once, bottom-up, when the object is made; the queries are look-ups.
class BddProbability {
 public:
  BddProbability(const Bdd& bdd, std::span<const double> p_true, std::span<const double> p_false);

  double of_true(Bdd::Node f) const { return true_.at(f); }
  double of_false(Bdd::Node f) const { return false_.at(f); }
  // Every node's value, indexed by node id.
  std::span<const double> of_true() const noexcept { return true_; }
  std::span<const double> of_false() const noexcept { return false_; }

 private:
  std::vector<double> true_;
  std::vector<double> false_;
};

}  // namespace nines
