// One kind's diagram: its variables, its event part and the values it answers, on a kind with
// common causes and retries (the values themselves are checked against brute force in
// test_structure_analytics.cpp).
#include <cmath>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/exact/kind_diagram.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/model/block.hpp"

namespace {

nines::StructureModel zoned() {
  nines::StructureModel m;
  m.name = "zoned";
  for (int i = 0; i < 5; ++i) {
    nines::StructureComponent c;
    c.name = "c" + std::to_string(i);
    c.reliability = 0.99;
    m.components.push_back(c);
  }
  using nines::Block;
  // series(c4, parallel(c1, c2)); c0 and c3 are off the path.
  nines::RequestKind k;
  k.name = "k";
  k.retries = 2;
  k.path = Block::series({Block::component_ref(4),
                          Block::parallel({Block::component_ref(1), Block::component_ref(2)})});
  m.kinds.push_back(k);
  m.common_causes.push_back({"off-path", 0.5, {0, 3}, ""});
  m.common_causes.push_back({"zone", 0.01, {1}, ""});
  m.common_causes.push_back({"both", 0.001, {1, 2}, ""});
  return m;
}

}  // namespace

TEST_CASE("a kind's diagram: path order, its own events, and answers at other probabilities",
          "[structure]") {
  const nines::StructureModel m = zoned();
  const nines::StructureAnalytics analytics(m);
  const nines::KindDiagram d(m, 0, analytics.base(), nines::kMaxBddNodes, nullptr);
  CHECK(d.path() == std::vector<std::uint32_t>{4, 1, 2});
  CHECK(d.events() == std::vector<std::uint32_t>{1, 2});  // the off-path event is left out
  CHECK(d.bdd().variables() == 5);
  CHECK(d.values().unreliability == analytics.kinds()[0].unreliability);
  CHECK(d.unreliability(analytics.base()) == analytics.kinds()[0].unreliability);
  // Closed form: Q(C) per event configuration, U = E[Q^3].
  const double q = 0.01, r = 0.99;
  const auto attempt = [&](bool one_down, bool two_down) {
    const double pair = (one_down ? 1 : q) * (two_down ? 1 : q);
    return 1 - r * (1 - pair);
  };
  const double u = 0.99 * 0.999 * std::pow(attempt(false, false), 3) +
                   0.01 * 0.999 * std::pow(attempt(true, false), 3) +
                   0.001 * std::pow(attempt(true, true), 3);
  CHECK(d.values().unreliability == Approx(u).epsilon(1e-13));
  const std::uint32_t none[] = {0};  // not listed: nothing fired is the empty set
  CHECK(d.failure_with_fired_set({}) ==
        Approx(0.99 * 0.999 * std::pow(attempt(false, false), 3)).epsilon(1e-13));
  CHECK(d.failure_with_fired_set(none) == 0);  // event 0 is never drawn for this kind
  const std::uint32_t zone[] = {1}, both[] = {1, 2};
  CHECK(d.failure_with_fired_set(zone) ==
        Approx(0.01 * 0.999 * std::pow(attempt(true, false), 3)).epsilon(1e-13));
  CHECK(d.failure_with_fired_set(both) == Approx(0.01 * 0.001).epsilon(1e-13));
  // Forcing the zone to fire / stay quiet.
  CHECK(d.if_fires()[0] ==
        Approx(0.999 * std::pow(attempt(true, false), 3) + 0.001).epsilon(1e-13));
  CHECK(d.if_quiet()[0] == Approx(0.999 * std::pow(attempt(false, false), 3) +
                                  0.001 * std::pow(attempt(true, true), 3))
                               .epsilon(1e-13));
  // Culprits add up to U; the first component in path order is c4.
  double culprits = 0;
  for (const double p : d.culprit()) culprits += p;
  CHECK(culprits == Approx(u).epsilon(1e-13));
}
