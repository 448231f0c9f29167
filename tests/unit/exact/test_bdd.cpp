// The BDD engine against truth tables: every function it builds is checked on every assignment,
// and probabilities against brute-force sums over all 2^n assignments.
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/exact/bdd.hpp"

namespace {

using nines::Bdd;

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
