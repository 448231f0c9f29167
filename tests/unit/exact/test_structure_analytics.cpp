// The exact structure analytics against closed forms and against brute-force enumeration of
// every component and common-cause state on random small structures (random nesting, shared
// components, k-of-n, retries, common causes), to 1e-12.
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/exact/structure_analytics.hpp"
#include "nines/model/block.hpp"
#include "nines/model/structure_model.hpp"

namespace {

using nines::Block;
using nines::StructureModel;

StructureModel model_of(const std::vector<double>& reliabilities, Block path,
                        std::uint32_t retries = 0) {
  StructureModel m;
  m.name = "t";
  for (std::size_t i = 0; i < reliabilities.size(); ++i) {
    nines::StructureComponent c;
    c.name = "c" + std::to_string(i);
    c.declaration = c.name;
    c.reliability = reliabilities[i];
    m.components.push_back(c);
  }
  nines::RequestKind kind;
  kind.name = "k";
  kind.path = std::move(path);
  kind.retries = retries;
  m.kinds.push_back(std::move(kind));
  return m;
}

Block c(std::uint32_t i) {
  return Block::component_ref(i);
}

// Every assignment of (component own-states, event firings): the reference the BDD must match.
struct BruteForce {
  const StructureModel& m;

  // Probability weight and effective-up predicate of one assignment.
  template <class Visit>
  void for_each_state(std::uint32_t event_mask, Visit&& visit) const {
    const std::size_t n = m.components.size();
    for (std::uint64_t x = 0; x < (std::uint64_t{1} << n); ++x) {
      double w = 1;
      for (std::size_t i = 0; i < n; ++i)
        w *= (x >> i) & 1U ? m.components[i].effective_reliability()
                           : m.components[i].effective_unreliability();
      const auto up = [&](std::uint32_t comp) {
        if (!((x >> comp) & 1U)) return false;
        for (std::size_t e = 0; e < m.common_causes.size(); ++e) {
          if (!((event_mask >> e) & 1U)) continue;
          for (auto t : m.common_causes[e].takes_down)
            if (t == comp) return false;
        }
        return true;
      };
      visit(w, up);
    }
  }

  double event_weight(std::uint32_t mask) const {
    double w = 1;
    for (std::size_t e = 0; e < m.common_causes.size(); ++e)
      w *= (mask >> e) & 1U ? m.common_causes[e].probability : 1 - m.common_causes[e].probability;
    return w;
  }

  // Unreliability of kind k and P(fail, culprit = c) by the sampler's definition of the culprit.
  void kind(std::size_t k, double& unreliability, std::vector<double>& culprit) const {
    const auto& kind = m.kinds[k];
    const auto order = nines::components_in_path_order(kind.path);
    const double a = kind.retries + 1.0;
    unreliability = 0;
    culprit.assign(m.components.size(), 0.0);
    for (std::uint32_t mask = 0; mask < (1U << m.common_causes.size()); ++mask) {
      double q = 0;
      std::vector<double> culprit_given(m.components.size(), 0.0);
      for_each_state(mask, [&](double w, auto up) {
        if (nines::block_works(kind.path, up)) return;
        q += w;
        // Failures walked in path order; the culprit breaks the structure first.
        std::vector<bool> down(m.components.size(), false);
        for (const auto comp : order) {
          if (up(comp)) continue;
          down[comp] = true;
          if (!nines::block_works(kind.path, [&](std::uint32_t i) { return !down[i]; })) {
            culprit_given[comp] += w;
            return;
          }
        }
        FAIL("a failed state without a culprit");
      });
      const double pw = event_weight(mask);
      unreliability += pw * std::pow(q, a);
      for (std::size_t i = 0; i < culprit.size(); ++i)
        culprit[i] += pw * std::pow(q, a - 1) * culprit_given[i];
    }
  }
};

Block random_block(std::mt19937_64& rng, std::uint32_t components, int depth) {
  if (depth == 0 || rng() % 4 == 0) return c(static_cast<std::uint32_t>(rng() % components));
  const std::size_t n = 1 + rng() % 4;
  std::vector<Block> children;
  for (std::size_t i = 0; i < n; ++i) children.push_back(random_block(rng, components, depth - 1));
  switch (rng() % 3) {
    case 0:
      return Block::series(std::move(children));
    case 1:
      return Block::parallel(std::move(children));
    default: {
      const auto k = static_cast<std::uint32_t>(1 + rng() % n);
      return Block::k_of_n(k, std::move(children));
    }
  }
}

}  // namespace

TEST_CASE("closed forms: parallel pair, 2-of-3, bridge network, shared component", "[structure]") {
  SECTION("parallel pair: 1 - (1 - a)(1 - b)") {
    const double a = 0.9, b = 0.8;
    const nines::StructureAnalytics x(model_of({a, b}, Block::parallel({c(0), c(1)})));
    CHECK(x.reliability() == Approx(1 - (1 - a) * (1 - b)).margin(1e-15));
    CHECK(x.unreliability() == Approx((1 - a) * (1 - b)).margin(1e-15));
  }
  SECTION("2-of-3: 3p^2 - 2p^3") {
    const double p = 0.95;
    const nines::StructureAnalytics x(model_of({p, p, p}, Block::k_of_n(2, {c(0), c(1), c(2)})));
    CHECK(x.reliability() == Approx(3 * p * p - 2 * p * p * p).margin(1e-15));
  }
  SECTION("bridge: 2p^2 + 2p^3 - 5p^4 + 2p^5") {
    // Minimal paths of the bridge with components 0..4 (2 is the bridge): {0,3}, {1,4},
    // {0,2,4}, {1,2,3}. Every component appears twice: the naive product would be wrong.
    const double p = 0.9;
    const Block bridge =
        Block::parallel({Block::series({c(0), c(3)}), Block::series({c(1), c(4)}),
                         Block::series({c(0), c(2), c(4)}), Block::series({c(1), c(2), c(3)})});
    const nines::StructureAnalytics x(model_of({p, p, p, p, p}, bridge));
    const double exact =
        2 * std::pow(p, 2) + 2 * std::pow(p, 3) - 5 * std::pow(p, 4) + 2 * std::pow(p, 5);
    CHECK(x.reliability() == Approx(exact).margin(1e-15));
  }
  SECTION("a shared component counts once") {
    // series(a, parallel(series(a, b), c)) = a * (1 - (1 - b)(1 - c)) since a is shared.
    const double a = 0.9, b = 0.7, cc = 0.6;
    const nines::StructureAnalytics x(model_of(
        {a, b, cc}, Block::series({c(0), Block::parallel({Block::series({c(0), c(1)}), c(2)})})));
    CHECK(x.reliability() == Approx(a * (1 - (1 - b) * (1 - cc))).margin(1e-15));
  }
  SECTION("retries without common causes: 1 - (1 - R)^attempts") {
    const double a = 0.99, b = 0.95;
    const nines::StructureAnalytics x(model_of({a, b}, Block::series({c(0), c(1)}), 2));
    CHECK(x.unreliability() == Approx(std::pow(1 - a * b, 3)).epsilon(1e-12));
    CHECK(x.kinds()[0].expected_attempts ==
          Approx(1 + (1 - a * b) + std::pow(1 - a * b, 2)).epsilon(1e-12));
  }
  SECTION("a chain's culprits are format 1's first failures") {
    const std::vector<double> r = {0.99, 0.9, 0.95};
    const nines::StructureAnalytics x(model_of(r, Block::series({c(0), c(1), c(2)})));
    const auto& q = x.kinds()[0].culprit_probability;
    CHECK(q[0] == Approx(1 - r[0]).margin(1e-15));
    CHECK(q[1] == Approx(r[0] * (1 - r[1])).margin(1e-15));
    CHECK(q[2] == Approx(r[0] * r[1] * (1 - r[2])).margin(1e-15));
  }
  SECTION("a common cause that takes down both replicas of a pair") {
    // parallel(a, b) with an event (p) taking both down: R = (1 - p)(1 - (1 - a)(1 - b)).
    auto m = model_of({0.9, 0.8}, Block::parallel({c(0), c(1)}));
    m.common_causes.push_back({"zone", 0.01, {0, 1}, ""});
    const nines::StructureAnalytics x(m);
    CHECK(x.reliability() == Approx(0.99 * (1 - 0.1 * 0.2)).margin(1e-15));
  }
}

TEST_CASE("exact analytics equal brute-force enumeration on random structures",
          "[structure][bdd]") {
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> reliability(0.3, 0.99);
  for (int trial = 0; trial < 200; ++trial) {
    const auto n = static_cast<std::uint32_t>(2 + rng() % 7);  // 2..8 components
    StructureModel m;
    m.name = "random";
    for (std::uint32_t i = 0; i < n; ++i) {
      nines::StructureComponent comp;
      comp.name = "c" + std::to_string(i);
      comp.reliability = reliability(rng);
      comp.retries = static_cast<std::uint32_t>(rng() % 4 == 0 ? 1 : 0);
      m.components.push_back(comp);
    }
    const std::size_t events = rng() % 3;
    for (std::size_t e = 0; e < events; ++e) {
      nines::CommonCauseEvent ev;
      ev.name = "e" + std::to_string(e);
      ev.probability = 0.05 + 0.2 * reliability(rng) / 0.99;
      for (std::uint32_t i = 0; i < n; ++i)
        if (rng() % 3 == 0) ev.takes_down.push_back(i);
      m.common_causes.push_back(ev);
    }
    const std::size_t kinds = 1 + rng() % 3;
    for (std::size_t k = 0; k < kinds; ++k) {
      nines::RequestKind kind;
      kind.name = "k" + std::to_string(k);
      kind.weight = 0.5 + static_cast<double>(rng() % 4);
      kind.retries = static_cast<std::uint32_t>(rng() % 3);
      kind.path = random_block(rng, n, 3);
      m.kinds.push_back(std::move(kind));
    }
    INFO("trial " << trial);
    const nines::StructureAnalytics exact(m);
    const BruteForce brute{m};
    double mix = 0;
    std::vector<double> mix_culprit(n, 0.0);
    for (std::size_t k = 0; k < kinds; ++k) {
      double u = 0;
      std::vector<double> culprit;
      brute.kind(k, u, culprit);
      INFO("kind " << k << ": " << nines::to_string(m.kinds[k].path, m.component_names()));
      CHECK(std::fabs(exact.kinds()[k].unreliability - u) < 1e-12);
      CHECK(std::fabs(exact.kinds()[k].reliability - (1 - u)) < 1e-12);
      for (std::uint32_t i = 0; i < n; ++i)
        CHECK(std::fabs(exact.kinds()[k].culprit_probability[i] - culprit[i]) < 1e-12);
      // The per-kind value under the model's own probabilities, by the override path.
      CHECK(std::fabs(exact.kind_unreliability(k, exact.base()) - u) < 1e-12);
      mix += m.kinds[k].weight / m.total_weight() * u;
    }
    CHECK(std::fabs(exact.unreliability() - mix) < 1e-12);
    CHECK(std::fabs(exact.reliability() - (1 - mix)) < 1e-12);
  }
}
