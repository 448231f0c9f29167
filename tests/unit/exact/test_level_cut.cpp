// One-pass forced probabilities against one evaluation per forced variable, on random
// diagrams, with the root above the measured levels (the events of a kind) or inside them.
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/exact/bdd.hpp"
#include "nines/exact/level_cut.hpp"

namespace {

using nines::Bdd;

// A random monotone function of the variables from `first` on (and anti-monotone in the ones
// above, like common-cause events), from random and/or gates.
Bdd::Node random_function(Bdd& bdd, std::uint32_t first, std::mt19937_64& rng) {
  std::vector<Bdd::Node> pool;
  for (std::uint32_t v = first; v < bdd.variables(); ++v) {
    Bdd::Node up = bdd.variable(v);
    for (std::uint32_t e = 0; e < first; ++e)
      if (rng() % 3 == 0) up = bdd.ite(bdd.variable(e), Bdd::kFalse, up);
    pool.push_back(up);
  }
  for (int g = 0; g < 10; ++g) {
    const Bdd::Node x = pool[rng() % pool.size()], y = pool[rng() % pool.size()];
    pool.push_back(rng() % 2 ? bdd.apply_and(x, y) : bdd.apply_or(x, y));
  }
  return pool.back();
}

}  // namespace

TEST_CASE("level_cut gives P(f = 0 | x_v) for every v, as forced evaluations do", "[bdd]") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.01, 0.99);
  for (int trial = 0; trial < 100; ++trial) {
    const std::uint32_t first = static_cast<std::uint32_t>(trial % 3);  // 0..2 levels above
    const std::uint32_t n = first + 2 + static_cast<std::uint32_t>(rng() % 6);
    Bdd bdd(n);
    const Bdd::Node f = random_function(bdd, first, rng);
    std::vector<double> p(n), q(n);
    for (std::uint32_t v = 0; v < n; ++v) {
      p[v] = unit(rng);
      q[v] = 1 - p[v];
    }
    const nines::BddProbability base(bdd, p, q);
    nines::StopPoller poll(nullptr);
    const bool exact_differences = trial % 4 != 3;  // every fourth: the fallback (no budget)
    const std::vector<Bdd::Node> nodes = bdd.reachable(f);
    const std::vector<double> differences =
        nines::node_differences(bdd, nodes, first, p, q, base.of_true(), base.of_false(),
                                exact_differences ? 1000 : 0, poll);
    nines::LevelCut cut;
    std::vector<long double> reach;
    nines::level_cut(bdd, f, nodes, first, p, q, base.of_false(), differences, reach, cut, poll);
    INFO("trial " << trial);
    for (std::uint32_t v = first; v < n; ++v) {
      std::vector<double> pv = p, qv = q;
      pv[v] = 1;
      qv[v] = 0;
      const double if_true = nines::BddProbability(bdd, pv, qv).of_false(f);
      pv[v] = 0;
      qv[v] = 1;
      const double if_false = nines::BddProbability(bdd, pv, qv).of_false(f);
      const std::size_t j = v - first;
      CHECK(static_cast<double>(cut.false_if_true[j]) == Approx(if_true).margin(1e-15));
      CHECK(static_cast<double>(cut.false_if_false[j]) == Approx(if_false).margin(1e-15));
      CHECK(static_cast<double>(cut.difference[j]) == Approx(if_false - if_true).margin(1e-15));
    }
  }
}

TEST_CASE("node differences keep their digits where a subtraction would not", "[bdd]") {
  // Three replicas (any one suffices) in series with a weak component: the first replica's
  // node differs from its 1-branch by q^2 r_weak, below two values near 0.1.
  Bdd bdd(4);
  const Bdd::Node a = bdd.variable(0), b = bdd.variable(1), c = bdd.variable(2);
  const Bdd::Node weak = bdd.variable(3);
  const Bdd::Node group = bdd.apply_or(a, bdd.apply_or(b, c));
  const Bdd::Node f = bdd.apply_and(group, weak);
  const double q = 1e-6;
  const std::vector<double> p = {1 - q, 1 - q, 1 - q, 0.9}, pf = {q, q, q, 0.1};
  const nines::BddProbability base(bdd, p, pf);
  nines::StopPoller poll(nullptr);
  const auto d = nines::node_differences(bdd, bdd.reachable(f), 0, p, pf, base.of_true(),
                                         base.of_false(), 1000, poll);
  // P(low fails and high works) at the root: b and c both fail, weak works.
  CHECK(d[f] == Approx(q * q * 0.9).epsilon(1e-15));
}
