// The BDD engine against truth tables: every function it builds is checked on every assignment,
// and probabilities against brute-force sums over all 2^n assignments.
#include <atomic>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/exact/bdd.hpp"

namespace {

using nines::Bdd;
using nines::kMaxBddNodes;

bool evaluate(const Bdd& bdd, Bdd::Node f, std::uint32_t assignment) {
  while (f != Bdd::kTrue && f != Bdd::kFalse) {
    f = (assignment >> bdd.level(f)) & 1U ? bdd.high(f) : bdd.low(f);
  }
  return f == Bdd::kTrue;
}

}  // namespace

TEST_CASE("BDD operations match their truth tables", "[bdd]") {
  Bdd bdd(4);
  const auto a = bdd.variable(0), b = bdd.variable(1), c = bdd.variable(2), d = bdd.variable(3);
  const Bdd::Node fs[] = {a, b, c, d};
  const auto and_ab = bdd.apply_and(a, b);
  const auto or_cd = bdd.apply_or(c, d);
  const auto not_a = bdd.apply_not(a);
  const auto two_of_four = bdd.at_least(2, fs);
  const auto mixed = bdd.ite(a, or_cd, bdd.apply_and(b, not_a));
  for (std::uint32_t x = 0; x < 16; ++x) {
    const bool va = x & 1, vb = x & 2, vc = x & 4, vd = x & 8;
    INFO("assignment " << x);
    CHECK(evaluate(bdd, and_ab, x) == (va && vb));
    CHECK(evaluate(bdd, or_cd, x) == (vc || vd));
    CHECK(evaluate(bdd, not_a, x) == !va);
    CHECK(evaluate(bdd, two_of_four, x) == (va + vb + vc + vd >= 2));
    CHECK(evaluate(bdd, mixed, x) == (va ? (vc || vd) : vb));
  }
  CHECK(bdd.at_least(0, fs) == Bdd::kTrue);
  CHECK(bdd.at_least(5, fs) == Bdd::kFalse);
  CHECK(bdd.at_least(4, fs) == bdd.apply_and(bdd.apply_and(a, b), bdd.apply_and(c, d)));
  // Hash-consing: the same function is the same node.
  CHECK(bdd.apply_and(a, b) == bdd.apply_and(b, a));
  CHECK(bdd.apply_or(a, not_a) == Bdd::kTrue);
}

TEST_CASE("BDD probabilities equal brute-force sums over all assignments", "[bdd]") {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 50; ++trial) {
    const std::uint32_t n = 3 + trial % 6;
    Bdd bdd(n);
    // A random function from random gates over the variables.
    std::vector<Bdd::Node> pool;
    for (std::uint32_t v = 0; v < n; ++v) pool.push_back(bdd.variable(v));
    for (int g = 0; g < 12; ++g) {
      const auto x = pool[rng() % pool.size()], y = pool[rng() % pool.size()];
      switch (rng() % 3) {
        case 0:
          pool.push_back(bdd.apply_and(x, y));
          break;
        case 1:
          pool.push_back(bdd.apply_or(x, y));
          break;
        default:
          pool.push_back(bdd.apply_not(x));
          break;
      }
    }
    const Bdd::Node f = pool.back();
    std::vector<double> p(n), q(n);
    for (std::uint32_t v = 0; v < n; ++v) {
      p[v] = unit(rng);
      q[v] = 1 - p[v];
    }
    double brute = 0;
    for (std::uint32_t x = 0; x < (1U << n); ++x) {
      if (!evaluate(bdd, f, x)) continue;
      double w = 1;
      for (std::uint32_t v = 0; v < n; ++v) w *= (x >> v) & 1U ? p[v] : q[v];
      brute += w;
    }
    nines::BddProbability prob(bdd, p, q);
    CHECK(std::fabs(prob.of_true(f) - brute) < 1e-12);
    CHECK(std::fabs(prob.of_false(f) - (1 - brute)) < 1e-12);
  }
}

TEST_CASE("BDD failure probabilities keep their digits near certainty", "[bdd]") {
  // Three components in series, each failing with 1e-12: P(fail) = 3e-12 - 3e-24 + 1e-36.
  Bdd bdd(3);
  const Bdd::Node v[] = {bdd.variable(0), bdd.variable(1), bdd.variable(2)};
  const auto series = bdd.at_least(3, v);
  const std::vector<double> up(3, 1 - 1e-12), down(3, 1e-12);
  nines::BddProbability prob(bdd, up, down);
  CHECK(prob.of_false(series) == Approx(3e-12).epsilon(1e-9));
}

TEST_CASE("at_least: folds and the k-of-n band match their truth tables", "[bdd]") {
  for (std::uint32_t n = 1; n <= 7; ++n) {
    for (std::size_t k = 0; k <= n + 1; ++k) {
      Bdd bdd(n);
      std::vector<Bdd::Node> vars;
      for (std::uint32_t v = 0; v < n; ++v) vars.push_back(bdd.variable(v));
      const Bdd::Node f = bdd.at_least(k, vars);
      for (std::uint32_t x = 0; x < (1U << n); ++x) {
        INFO("n " << n << " k " << k << " assignment " << x);
        CHECK(evaluate(bdd, f, x) == (static_cast<std::size_t>(__builtin_popcount(x)) >= k));
      }
      // The reduced diagram of "at least k of n variables" has k (n - k + 1) nodes.
      if (k >= 1 && k <= n) CHECK(bdd.reachable(f).size() == k * (n - k + 1));
    }
  }
}

TEST_CASE("at_least over blocks in variable order costs their own sizes", "[bdd]") {
  // A series of 2,000 parallel pairs: 4,000 variables; per pair 2 variable nodes, 1 for the
  // pair, 2 for the pair in the series (the final diagram), plus the two leaves.
  const std::uint32_t pairs = 2000;
  Bdd bdd(2 * pairs);
  std::vector<Bdd::Node> blocks;
  for (std::uint32_t i = 0; i < pairs; ++i) {
    const Bdd::Node two[] = {bdd.variable(2 * i), bdd.variable(2 * i + 1)};
    blocks.push_back(bdd.at_least(1, two));
  }
  const Bdd::Node series = bdd.at_least(blocks.size(), blocks);
  CHECK(bdd.reachable(series).size() == 2 * pairs);
  CHECK(bdd.size() == 5 * static_cast<std::size_t>(pairs));  // the last pair is reused as is
}

TEST_CASE("the node limit: just under builds, just over throws BddNodeLimit", "[bdd]") {
  // 3 of 12 variables: 12 variable nodes are made first, then the band adds the rest.
  const auto build = [](std::size_t limit) {
    Bdd bdd(12, limit);
    std::vector<Bdd::Node> vars;
    for (std::uint32_t v = 0; v < 12; ++v) vars.push_back(bdd.variable(v));
    bdd.at_least(3, vars);
    return bdd.size();
  };
  const std::size_t needed = build(kMaxBddNodes);
  CHECK(build(needed) == needed);
  CHECK_THROWS_AS(build(needed - 1), nines::BddNodeLimit);
  CHECK(Bdd(3).max_nodes() == nines::kMaxBddNodes);
}

TEST_CASE("a stop request interrupts a diagram being built", "[bdd]") {
  std::atomic<bool> stop{true};
  Bdd bdd(2000, nines::kMaxBddNodes, &stop);
  std::vector<Bdd::Node> vars;
  for (std::uint32_t v = 0; v < 2000; ++v) vars.push_back(bdd.variable(v));
  CHECK_THROWS_AS(bdd.at_least(1000, vars), nines::Interrupted);
}

TEST_CASE("a frozen diagram stays readable and refuses new nodes", "[bdd]") {
  Bdd bdd(3);
  const Bdd::Node a = bdd.variable(0), b = bdd.variable(1);
  const Bdd::Node f = bdd.apply_and(a, b);
  bdd.freeze();
  CHECK(evaluate(bdd, f, 3));
  CHECK_FALSE(evaluate(bdd, f, 1));
  CHECK(bdd.reachable(f) == std::vector<Bdd::Node>{f, b});
  CHECK_THROWS_AS(bdd.apply_or(a, b), std::logic_error);
}
