#pragma once
// P(f = 0) with one variable forced, for every variable at once, in one top-down pass: the
// importance measures need U with each component perfect and with it failed, and evaluating
// the diagram once per component would cost (components x nodes).
//
// Every path from the root to a leaf either passes a node testing v or jumps over v's level
// along one edge. With reach(N) the probability of arriving at N from the root:
//   P(f = 0 | x_v = b) = sum over nodes N testing v of reach(N) P(child_b(N) = 0)
//                      + sum over edges e jumping over v of reach(e) P(target(e) = 0).
// The second sum is a range sum (each edge adds to the levels it jumps over); a segment tree
// adds every edge to O(log n) ranges and reads each level as the sum of its ranges, so every
// term is a positive number added to positive numbers: no difference of two probabilities,
// hence no cancellation, even when forcing v changes P(f = 0) by orders of magnitude.
// The Birnbaum part P(f = 0 | x_v = 0) - P(f = 0 | x_v = 1) is also returned as its own sum,
// over the nodes testing v only, because the jumping edges cancel from it exactly; each node's
// term P(low(N) = 0) - P(high(N) = 0) is given by node_differences() as P(low(N) = 0 and
// high(N) = 1), a probability of its own (for a monotone f the two are equal), so that it
// keeps its digits when both are close: for one replica of three, the difference is q^2 times
// the rest, where subtracting two values near U would leave about 1e-12 of relative error.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/exact/bdd.hpp"

namespace nines {

// Polls a stop flag once per `interval` units of work.
class StopPoller {
 public:
  explicit StopPoller(StopFlag stop, std::uint64_t interval = 4096) noexcept
      : stop_(stop), interval_(interval) {}
  void tick(std::uint64_t work = 1) {
    done_ += work;
    if (done_ >= interval_) {
      done_ = 0;
      throw_if_stopped(stop_);
    }
  }

 private:
  StopFlag stop_;
  std::uint64_t interval_;
  std::uint64_t done_ = 0;
};

// Per level in [first_level, bdd.variables()), indexed by level - first_level.
struct LevelCut {
  std::vector<long double> false_if_true;   // P(f = 0 | x_v = 1)
  std::vector<long double> false_if_false;  // P(f = 0 | x_v = 0)
  std::vector<long double> difference;      // P(f = 0 | x_v = 0) - P(f = 0 | x_v = 1)
};

// `nodes`: Bdd::reachable(root), top-down.
// Per node id: P(low(N) = 0 and high(N) = 1) for every node reachable from root at a level >=
// first_level (0 elsewhere), by a memoised recursion over pairs of nodes that ends at a leaf
// on either side (P(low = 0 and high = 1) is P(high = 1) when low is the 0-leaf). The pairs are
// few for the shapes structures have (series: none; parallel groups and k-of-n bands: about
// one per node); past max_pairs of them the remaining nodes fall back to the difference
// P(low = 0) - P(high = 0), clamped at 0. p_true_of_node / p_false_of_node: P(node = 1) /
// P(node = 0) per node id.
std::vector<double> node_differences(const Bdd& bdd, std::span<const Bdd::Node> nodes,
                                     std::uint32_t first_level, std::span<const double> p_true,
                                     std::span<const double> p_false,
                                     std::span<const double> p_true_of_node,
                                     std::span<const double> p_false_of_node, std::size_t max_pairs,
                                     StopPoller& poll);

// The root may test any level: nodes above first_level only pass their probability on (so a
// structure's events can sit above its components). p_true/p_false are per variable;
// p_false_of_node is P(node = 0) and difference_of_node the node_differences() for every node
// id. `reach` is scratch space of any content; it is resized to bdd.size() and left dirty.
void level_cut(const Bdd& bdd, Bdd::Node root, std::span<const Bdd::Node> nodes,
               std::uint32_t first_level, std::span<const double> p_true,
               std::span<const double> p_false, std::span<const double> p_false_of_node,
               std::span<const double> difference_of_node, std::vector<long double>& reach,
               LevelCut& out, StopPoller& poll);

}  // namespace nines
