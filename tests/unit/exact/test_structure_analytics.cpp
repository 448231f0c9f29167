// The exact structure analytics against closed forms and against brute-force enumeration of
// every component and common-cause state on random small structures (random nesting, shared
// components, k-of-n, retries, common causes), to 1e-12.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/base/stop.hpp"
#include "nines/exact/chain_analytics.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/input/structure_parser.hpp"
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
// Per kind: U, the culprits by the sampler's definition, every importance input (component
// forced up or down, last-attempt criticality; event forced quiet or firing) and the
// failures split by the set of events that fired on the kind's path.
struct Reference {
  double unreliability = 0;
  std::vector<double> culprit, if_perfect, if_failed, critical;  // per model component
  std::vector<double> if_quiet, if_fires, fired;                 // per model event
  std::map<std::uint32_t, double> by_fired_set;  // event mask (path events only) -> P(fail, set)
};

struct BruteForce {
  const StructureModel& m;
  static constexpr int kFree = -1;

  // P(attempt fails | events in mask), with component `forced` up (1) or down (0) or free,
  // and P(attempt fails, `critical`'s own calls failed, and it would work with them up).
  void attempt(std::size_t k, std::uint32_t mask, std::size_t forced, int value, double& q,
               std::size_t critical = static_cast<std::size_t>(-1), double* q_critical = nullptr,
               std::vector<double>* culprit = nullptr) const {
    const auto& kind = m.kinds[k];
    const auto order = nines::components_in_path_order(kind.path);
    const std::size_t n = m.components.size();
    q = 0;
    if (q_critical) *q_critical = 0;
    const auto downed = [&](std::uint32_t comp) {
      for (std::size_t e = 0; e < m.common_causes.size(); ++e) {
        if (!((mask >> e) & 1U)) continue;
        for (auto t : m.common_causes[e].takes_down)
          if (t == comp) return true;
      }
      return false;
    };
    for (std::uint64_t x = 0; x < (std::uint64_t{1} << n); ++x) {
      double w = 1;
      for (std::size_t i = 0; i < n; ++i) {
        const bool own_up = (x >> i) & 1U;
        if (i == forced && value != kFree) {
          if (own_up != (value == 1)) w = 0;
        } else {
          w *= own_up ? m.components[i].effective_reliability()
                      : m.components[i].effective_unreliability();
        }
      }
      if (w == 0) continue;
      const auto up = [&](std::uint32_t comp) { return ((x >> comp) & 1U) && !downed(comp); };
      if (nines::block_works(kind.path, up)) continue;
      q += w;
      if (q_critical && !((x >> critical) & 1U) && !downed(static_cast<std::uint32_t>(critical)) &&
          nines::block_works(
              kind.path, [&](std::uint32_t comp) { return comp == critical ? true : up(comp); }))
        *q_critical += w;
      if (!culprit) continue;
      // Failures walked in path order; the culprit breaks the structure first.
      std::vector<bool> down(n, false);
      bool found = false;
      for (const auto comp : order) {
        if (up(comp)) continue;
        down[comp] = true;
        if (!nines::block_works(kind.path, [&](std::uint32_t i) { return !down[i]; })) {
          (*culprit)[comp] += w;
          found = true;
          break;
        }
      }
      if (!found) FAIL("a failed state without a culprit");
    }
  }

  double event_weight(std::uint32_t mask, std::size_t forced = static_cast<std::size_t>(-1),
                      double forced_p = 0) const {
    double w = 1;
    for (std::size_t e = 0; e < m.common_causes.size(); ++e) {
      const double p = e == forced ? forced_p : m.common_causes[e].probability;
      w *= (mask >> e) & 1U ? p : 1 - p;
    }
    return w;
  }

  Reference kind(std::size_t k) const {
    const std::size_t n = m.components.size(), n_events = m.common_causes.size();
    const double a = m.kinds[k].retries + 1.0;
    const auto order = nines::components_in_path_order(m.kinds[k].path);
    std::uint32_t path_events = 0;
    for (std::size_t e = 0; e < n_events; ++e)
      for (auto t : m.common_causes[e].takes_down)
        if (std::find(order.begin(), order.end(), t) != order.end()) path_events |= 1U << e;
    Reference r;
    r.culprit.assign(n, 0.0);
    r.if_perfect.assign(n, 0.0);
    r.if_failed.assign(n, 0.0);
    r.critical.assign(n, 0.0);
    r.if_quiet.assign(n_events, 0.0);
    r.if_fires.assign(n_events, 0.0);
    r.fired.assign(n_events, 0.0);
    for (std::uint32_t mask = 0; mask < (1U << n_events); ++mask) {
      double q = 0;
      std::vector<double> culprit_given(n, 0.0);
      attempt(k, mask, 0, kFree, q, static_cast<std::size_t>(-1), nullptr, &culprit_given);
      const double pw = event_weight(mask);
      const double fail = std::pow(q, a);
      r.unreliability += pw * fail;
      r.by_fired_set[mask & path_events] += pw * fail;
      for (std::size_t i = 0; i < n; ++i) {
        r.culprit[i] += pw * std::pow(q, a - 1) * culprit_given[i];
        double q_up = 0, q_down = 0, q_crit = 0, unused = 0;
        attempt(k, mask, i, 1, q_up);
        attempt(k, mask, i, 0, q_down);
        attempt(k, mask, 0, kFree, unused, i, &q_crit);
        r.if_perfect[i] += pw * std::pow(q_up, a);
        r.if_failed[i] += pw * std::pow(q_down, a);
        r.critical[i] += pw * std::pow(q, a - 1) * q_crit;
      }
      for (std::size_t e = 0; e < n_events; ++e) {
        r.if_quiet[e] += event_weight(mask, e, 0.0) * fail;
        r.if_fires[e] += event_weight(mask, e, 1.0) * fail;
        if (((mask >> e) & 1U) && ((path_events >> e) & 1U)) r.fired[e] += pw * fail;
      }
    }
    return r;
  }
};

std::vector<std::uint32_t> events_of(std::uint32_t mask) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t e = 0; e < 32; ++e)
    if ((mask >> e) & 1U) out.push_back(e);
  return out;
}

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
    const std::size_t events = rng() % 4;
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
    Reference mix;
    mix.culprit.assign(n, 0.0);
    mix.if_perfect.assign(n, 0.0);
    mix.if_failed.assign(n, 0.0);
    mix.critical.assign(n, 0.0);
    mix.if_quiet.assign(events, 0.0);
    mix.if_fires.assign(events, 0.0);
    mix.fired.assign(events, 0.0);
    std::vector<Reference> refs;
    for (std::size_t k = 0; k < kinds; ++k) refs.push_back(brute.kind(k));
    for (std::size_t k = 0; k < kinds; ++k) {
      const Reference& ref = refs[k];
      const double u = ref.unreliability;
      const double share = m.kinds[k].weight / m.total_weight();
      INFO("kind " << k << ": " << nines::to_string(m.kinds[k].path, m.component_names()));
      const auto& x = exact.kinds()[k];
      CHECK(std::fabs(x.unreliability - u) < 1e-12);
      CHECK(std::fabs(x.reliability - (1 - u)) < 1e-12);
      double culprits = 0;
      for (std::uint32_t i = 0; i < n; ++i) {
        CHECK(std::fabs(x.culprit_probability[i] - ref.culprit[i]) < 1e-12);
        CHECK(x.culprit_probability[i] >= 0);
        culprits += x.culprit_probability[i];
      }
      CHECK(std::fabs(culprits - u) < 1e-12);
      // The per-kind value under the model's own probabilities, by the override path.
      CHECK(std::fabs(exact.kind_unreliability(k, exact.base()) - u) < 1e-12);
      // Failures by the exact set of events that fired on the path: they add up to U.
      double by_set = 0;
      for (const auto& [mask, p] : ref.by_fired_set) {
        const auto fired = events_of(mask);
        CHECK(std::fabs(exact.kind_failure_with_fired_set(k, fired) - p) < 1e-12);
        by_set += exact.kind_failure_with_fired_set(k, fired);
      }
      CHECK(std::fabs(by_set - u) < 1e-12);
      for (std::size_t e = 0; e < events; ++e) {
        CHECK(std::fabs(x.fired_failure_probability[e] - ref.fired[e]) < 1e-12);
        if (std::find(exact.kind_events(k).begin(), exact.kind_events(k).end(), e) ==
            exact.kind_events(k).end()) {
          const std::uint32_t off_path[] = {static_cast<std::uint32_t>(e)};
          CHECK(exact.kind_failure_with_fired_set(k, off_path) == 0);
        }
      }
      for (std::size_t i = 0; i < n; ++i) {
        mix.culprit[i] += share * ref.culprit[i];
        mix.if_perfect[i] += share * ref.if_perfect[i];
        mix.if_failed[i] += share * ref.if_failed[i];
        mix.critical[i] += share * ref.critical[i];
      }
      for (std::size_t e = 0; e < events; ++e) {
        mix.if_quiet[e] += share * ref.if_quiet[e];
        mix.if_fires[e] += share * ref.if_fires[e];
        mix.fired[e] += share * ref.fired[e];
      }
      mix.unreliability += share * u;
    }
    const double u = mix.unreliability;
    CHECK(std::fabs(exact.unreliability() - u) < 1e-12);
    CHECK(std::fabs(exact.reliability() - (1 - u)) < 1e-12);
    for (std::uint32_t i = 0; i < n; ++i) {
      INFO("component " << i);
      CHECK(std::fabs(exact.culprit_probability()[i] - mix.culprit[i]) < 1e-12);
      CHECK(std::fabs(exact.unreliability_if_perfect()[i] - mix.if_perfect[i]) < 1e-12);
      CHECK(std::fabs(exact.unreliability_if_failed()[i] - mix.if_failed[i]) < 1e-12);
      CHECK(std::fabs(exact.birnbaum()[i] - (mix.if_failed[i] - mix.if_perfect[i])) < 1e-12);
      CHECK(std::fabs(exact.improvement_potential()[i] - (u - mix.if_perfect[i])) < 1e-12);
      CHECK(std::fabs(exact.critical_probability()[i] - mix.critical[i]) < 1e-12);
      CHECK(exact.critical_probability()[i] <= u * (1 + 1e-12));
    }
    for (std::size_t e = 0; e < events; ++e) {
      INFO("event " << e);
      CHECK(std::fabs(exact.unreliability_if_quiet()[e] - mix.if_quiet[e]) < 1e-12);
      CHECK(std::fabs(exact.unreliability_if_fires()[e] - mix.if_fires[e]) < 1e-12);
      CHECK(std::fabs(exact.fired_failure_probability()[e] - mix.fired[e]) < 1e-12);
    }
    for (std::uint32_t mask = 0; mask < (1U << events); ++mask) {
      double p = 0;
      for (std::size_t k = 0; k < kinds; ++k)
        p += m.kinds[k].weight / m.total_weight() * refs[k].by_fired_set[mask];
      CHECK(std::fabs(exact.failure_with_fired_set(events_of(mask)) - p) < 1e-12);
    }
  }
}

namespace {

// Distance in units in the last place between two finite doubles of the same sign.
std::uint64_t ulps(double a, double b) {
  std::int64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x > y ? static_cast<std::uint64_t>(x - y) : static_cast<std::uint64_t>(y - x);
}

StructureModel series_model(const std::vector<double>& reliabilities, std::uint32_t retries = 0) {
  std::vector<Block> children;
  for (std::uint32_t i = 0; i < reliabilities.size(); ++i) children.push_back(c(i));
  return model_of(reliabilities, Block::series(std::move(children)), retries);
}

}  // namespace

TEST_CASE("a chain-shaped structure's culprits equal ChainAnalytics to a few ulp", "[structure]") {
  // Issue 10, item 7: 0.2.0 took each culprit as a difference of two BDD probabilities and
  // lost up to 1,808 ulp; a direct sum keeps them within 2 ulp of the chain's own values.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> nines_of(1.0, 7.0);
  for (const std::size_t length : {2, 3, 8, 16, 64, 500, 4096}) {
    std::vector<double> r;
    for (std::size_t i = 0; i < length; ++i) r.push_back(1 - std::pow(10.0, -nines_of(rng)));
    r[length / 2] = 0.5;
    const nines::StructureAnalytics structure(series_model(r));
    const nines::ChainAnalytics chain(r);
    std::uint64_t worst = 0;
    for (std::size_t i = 0; i < length; ++i)
      worst = std::max(
          worst, ulps(structure.culprit_probability()[i], chain.first_failure_probability()[i]));
    INFO("chain of " << length);
    CHECK(worst <= 2);
    CHECK(structure.unreliability() == Approx(chain.unreliability()).epsilon(1e-13));
  }
}

TEST_CASE("symmetric common causes get symmetric exact values, whatever their file order",
          "[structure]") {
  const StructureModel m =
      nines::load_structure_model(std::string(NINES_SOURCE_DIR) + "/scenarios/zone-outage.yaml");
  const nines::StructureAnalytics x(m);
  // Events 0..2 are the three zones, 3 the config push.
  const auto& fired = x.fired_failure_probability();
  CHECK(fired[0] > 0);
  CHECK(fired[1] == Approx(fired[0]).epsilon(1e-13));
  CHECK(fired[2] == Approx(fired[0]).epsilon(1e-13));
  const std::uint32_t a[] = {0}, b[] = {1}, cc[] = {2}, ab[] = {0, 1}, bc[] = {1, 2};
  CHECK(x.failure_with_fired_set(b) == Approx(x.failure_with_fired_set(a)).epsilon(1e-13));
  CHECK(x.failure_with_fired_set(cc) == Approx(x.failure_with_fired_set(a)).epsilon(1e-13));
  CHECK(x.failure_with_fired_set(bc) == Approx(x.failure_with_fired_set(ab)).epsilon(1e-13));
  // Two zones down break the 2-of-3 database: every such request fails.
  CHECK(x.failure_with_fired_set(ab) ==
        Approx(0.001 * 0.001 * 0.999 * (1 - 0.00002)).epsilon(1e-12));
  // Every subset of the four events, together: the unreliability.
  double total = 0;
  for (std::uint32_t mask = 0; mask < 16; ++mask)
    total += x.failure_with_fired_set(events_of(mask));
  CHECK(total == Approx(x.unreliability()).epsilon(1e-13));
  // P(fail and e fired) counts a request once per event that fired in it.
  double with_some = 0;
  for (std::uint32_t mask = 1; mask < 16; ++mask)
    with_some +=
        x.failure_with_fired_set(events_of(mask)) * static_cast<double>(events_of(mask).size());
  CHECK(fired[0] + fired[1] + fired[2] + fired[3] == Approx(with_some).epsilon(1e-12));
  const std::uint32_t unsorted[] = {1, 0};
  CHECK_THROWS_AS(x.failure_with_fired_set(unsorted), std::invalid_argument);
}

namespace {

StructureModel components_model(std::size_t n, double reliability) {
  StructureModel m;
  m.name = "scale";
  for (std::size_t i = 0; i < n; ++i) {
    nines::StructureComponent comp;
    comp.name = "c" + std::to_string(i);
    comp.declaration = comp.name;
    comp.reliability = reliability;
    m.components.push_back(comp);
  }
  return m;
}

nines::RequestKind kind_of(std::string name, Block path, std::uint32_t retries = 0,
                           double weight = 1) {
  nines::RequestKind k;
  k.name = std::move(name);
  k.path = std::move(path);
  k.retries = retries;
  k.weight = weight;
  return k;
}

Block series_of(std::uint32_t first, std::uint32_t count) {
  std::vector<Block> children;
  for (std::uint32_t i = 0; i < count; ++i) children.push_back(c(first + i));
  return Block::series(std::move(children));
}

double sum(const std::vector<double>& v) {
  double s = 0;
  for (const double x : v) s += x;
  return s;
}

}  // namespace

// Benchmark-style: the shapes services have, at the sizes of issue 10 (item 4) and 14. Set-up
// must stay near-linear in the components; these check node counts (no clocks) and values.
// Measured on the 2-core development machine (StructureAnalytics and every importance value,
// Release): 1,000 in series 1 ms / 4.5 MB; 50 kinds of 20 from a pool of 1,000 4 ms / 5 MB;
// 4,096 in series 12 ms / 6 MB; 200 parallel pairs 1 ms.
TEST_CASE("set-up stays linear: long series, parallel pairs, a shared pool, zones", "[scale]") {
  SECTION("one series kind of 1,000 and of 4,096 components") {
    for (const std::uint32_t n : {1000U, 4096U}) {
      StructureModel m = components_model(n, 0.9999);
      m.kinds.push_back(kind_of("all", series_of(0, n)));
      const nines::StructureAnalytics x(m);
      // n variable nodes, n - 1 for the fold, two leaves.
      CHECK(x.bdd_nodes() == 2 * std::size_t{n} + 1);
      const double u = -std::expm1(n * std::log1p(-1e-4));
      CHECK(x.unreliability() == Approx(u).epsilon(1e-12));
      CHECK(sum(x.culprit_probability()) == Approx(u).epsilon(1e-12));
      // Every component of a series is critical whenever it fails alone: FV = q r^(n-1) / U.
      CHECK(x.improvement_potential()[n - 1] ==
            Approx(1e-4 * std::pow(0.9999, n - 1)).epsilon(1e-12));
    }
  }
  SECTION("26 and 200 parallel pairs in series, with a retry") {
    for (const std::uint32_t pairs : {26U, 200U}) {
      StructureModel m = components_model(2 * pairs, 0.99);
      std::vector<Block> children;
      for (std::uint32_t i = 0; i < pairs; ++i)
        children.push_back(Block::parallel({c(2 * i), c(2 * i + 1)}));
      m.kinds.push_back(kind_of("pairs", Block::series(std::move(children)), 1));
      const nines::StructureAnalytics x(m);
      CHECK(x.bdd_nodes() == 5 * std::size_t{pairs});
      const double attempt = -std::expm1(pairs * std::log1p(-1e-4));
      CHECK(x.unreliability() == Approx(attempt * attempt).epsilon(1e-12));
      CHECK(sum(x.culprit_probability()) == Approx(x.unreliability()).epsilon(1e-12));
    }
  }
  SECTION("50 kinds of 20 components drawn from a shared pool of 1,000") {
    StructureModel m = components_model(1000, 0.9999);
    std::mt19937_64 rng(50);
    for (int k = 0; k < 50; ++k) {
      std::vector<Block> children;
      for (int i = 0; i < 20; ++i) children.push_back(c(static_cast<std::uint32_t>(rng() % 1000)));
      m.kinds.push_back(kind_of("k" + std::to_string(k), Block::series(std::move(children)),
                                static_cast<std::uint32_t>(k % 3), 1.0 + k));
    }
    const nines::StructureAnalytics x(m);
    CHECK(x.bdd_nodes() <= 50 * 3 * 20);  // about 2 per component (repeats cost a little more)
    CHECK(sum(x.culprit_probability()) == Approx(x.unreliability()).epsilon(1e-12));
  }
  SECTION("4,096 components: 2-of-3 tiers across three zones, with a retry") {
    StructureModel m = components_model(4095, 0.999);
    std::vector<Block> tiers;
    for (std::uint32_t t = 0; t < 4095; t += 3)
      tiers.push_back(Block::k_of_n(2, {c(t), c(t + 1), c(t + 2)}));
    m.kinds.push_back(kind_of("zoned", Block::series(std::move(tiers)), 1));
    for (std::uint32_t z = 0; z < 3; ++z) {
      nines::CommonCauseEvent e{"zone" + std::to_string(z), 1e-4, {}, ""};
      for (std::uint32_t t = z; t < 4095; t += 3) e.takes_down.push_back(t);
      m.common_causes.push_back(e);
    }
    const nines::StructureAnalytics x(m);
    // The eight zone configurations lead to four distinct cofactors (none, each single zone;
    // two zones break every tier): about 4 x 3 nodes per tier.
    CHECK(x.bdd_nodes() < 12 * 4095);
    CHECK(sum(x.culprit_probability()) == Approx(x.unreliability()).epsilon(1e-12));
    CHECK(x.fired_failure_probability()[1] ==
          Approx(x.fired_failure_probability()[0]).epsilon(1e-12));
  }
}

TEST_CASE("the node limit: just under builds, just over is an input error naming the kind",
          "[structure][limits]") {
  StructureModel m = components_model(60, 0.99);
  m.source_path = "wide.yaml";
  m.kinds.push_back(kind_of("small", series_of(0, 10)));
  std::vector<Block> all;
  for (std::uint32_t i = 0; i < 60; ++i) all.push_back(c(i));
  m.kinds.push_back(kind_of("wide", Block::k_of_n(30, std::move(all))));
  const std::size_t needed = nines::StructureAnalytics(m).bdd_nodes();
  CHECK(nines::StructureAnalytics(m, nullptr, needed).bdd_nodes() == needed);
  try {
    nines::StructureAnalytics(m, nullptr, needed - 1);
    FAIL("no error beyond the node limit");
  } catch (const nines::InputError& e) {
    const std::string what = e.what();
    CHECK(what.find("wide.yaml") != std::string::npos);
    CHECK(what.find("request kind \"wide\"") != std::string::npos);
    CHECK(what.find("too wide for exact values") != std::string::npos);
  }
  // The documented default.
  CHECK(nines::kMaxBddNodes == 4194304);
}

TEST_CASE("common-cause combinations: up to kMaxCommonCauseSets, then an input error",
          "[structure][limits]") {
  // A parallel group whose members each have their own event survives every combination but
  // one: 2^events distinct down sets.
  const auto model = [](std::uint32_t n) {
    StructureModel m = components_model(n, 0.9);
    std::vector<Block> members;
    for (std::uint32_t i = 0; i < n; ++i) {
      members.push_back(c(i));
      m.common_causes.push_back({"e" + std::to_string(i), 0.01, {i}, ""});
    }
    m.kinds.push_back(kind_of("group", Block::parallel(std::move(members)), 1));
    return m;
  };
  static_assert(nines::kMaxCommonCauseSets == 65536);
  const nines::StructureAnalytics x(model(16));  // 2^16 sets: just under
  CHECK(sum(x.culprit_probability()) == Approx(x.unreliability()).epsilon(1e-12));
  CHECK_THROWS_WITH(nines::StructureAnalytics(model(17)),
                    Catch::Matchers::Contains("request kind \"group\"") &&
                        Catch::Matchers::Contains("common-cause events"));
  // Per-service events on a series merge at their first break: no blow-up.
  StructureModel chain = components_model(40, 0.999);
  chain.kinds.push_back(kind_of("chain", series_of(0, 40), 2));
  for (std::uint32_t i = 0; i < 40; ++i)
    chain.common_causes.push_back({"deploy" + std::to_string(i), 1e-3, {i}, ""});
  const nines::StructureAnalytics y(chain);
  CHECK(sum(y.culprit_probability()) == Approx(y.unreliability()).epsilon(1e-12));
}

TEST_CASE("a stop request interrupts set-up", "[structure][limits]") {
  std::atomic<bool> stop{true};
  StructureModel m = components_model(4096, 0.999);
  m.kinds.push_back(kind_of("all", series_of(0, 4096)));
  CHECK_THROWS_AS(nines::StructureAnalytics(m, &stop), nines::Interrupted);
  // In the common-cause passes too (the diagram itself is small there).
  StructureModel group = components_model(16, 0.9);
  std::vector<Block> members;
  for (std::uint32_t i = 0; i < 16; ++i) {
    members.push_back(c(i));
    group.common_causes.push_back({"e" + std::to_string(i), 0.01, {i}, ""});
  }
  group.kinds.push_back(kind_of("group", Block::parallel(std::move(members))));
  CHECK_THROWS_AS(nines::StructureAnalytics(group, &stop), nines::Interrupted);
}
