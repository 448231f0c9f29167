// The published cross-check of issue 11: RePyability's repairable "plant" (Modarres &
// Kaminskiy example 6.10's structure): a source, a parallel pair of pumps (MTTF 10 h, MTTR
// 1 h each) and a valve (MTTF 50 h, MTTR 2 h) in series. RePyability's "source" is the
// diagram's input node, which its long-run availability takes as always working (it sets the
// input and output nodes to availability 1): here a component without outages. Published:
// availability 0.953592, failure frequency 0.03497 per hour, mean up time 27.27 h, mean down
// time 1.327 h (independent repair).
#include <catch2/catch.hpp>

#include "nines/exact/markov_availability.hpp"
#include "nines/exact/service_availability.hpp"
#include "support/outage_models.hpp"

namespace {

using nines::Block;
using nines::test::exponential_outages;
using nines::test::kHour;

nines::StructureModel plant(std::uint32_t crews) {
  nines::test::OutageModelBuilder b;
  const auto source = b.component("source", nines::test::never_fails());
  const auto pump1 = b.component("pump[1]", exponential_outages(10 * kHour, 1 * kHour));
  const auto pump2 = b.component("pump[2]", exponential_outages(10 * kHour, 1 * kHour));
  const auto valve = b.component("valve", exponential_outages(50 * kHour, 2 * kHour));
  b.kind("flow",
         Block::series({Block::component_ref(source),
                        Block::parallel({Block::component_ref(pump1), Block::component_ref(pump2)}),
                        Block::component_ref(valve)}));
  b.crews(crews);
  return b.build();
}

}  // namespace

TEST_CASE("RePyability's plant: availability, failure frequency, up and down times",
          "[plant_cross_check]") {
  // By hand: A = (1 - (1/11)^2) (50/52) = 6000/6292; nu = 2 (50/52)(1/11)(1/11) per hour for
  // the pumps (each critical while the other is down) + (120/121)(1/52) for the valve.
  const double a = 6000.0 / 6292;
  const double nu = 2 * (50.0 / 52) / 121 + (120.0 / 121) / 52;
  const auto s = *nines::service_steady_state(plant(0));
  const auto& k = s.kinds[0];
  CHECK(k.availability == Approx(a).epsilon(1e-14));
  CHECK(k.failure_frequency * kHour == Approx(nu).epsilon(1e-13));
  // The published digits.
  CHECK(std::abs(k.availability - 0.953592) < 5e-7);
  CHECK(std::abs(k.failure_frequency * kHour - 0.03497) < 5e-6);
  CHECK(std::abs(k.mean_up_time / kHour - 27.27) < 5e-3);
  CHECK(std::abs(k.mean_down_time / kHour - 1.327) < 5e-4);

  // The Markov chain with a crew per component gives the same (independent repair).
  const auto chain = nines::markov_service_availability(plant(0));
  REQUIRE(chain.solution);
  CHECK(chain.solution->structures[0].availability == Approx(a).epsilon(1e-13));
  CHECK(chain.solution->structures[0].failure_frequency * kHour == Approx(nu).epsilon(1e-12));
}

TEST_CASE("the plant with one repair crew is less available", "[plant_cross_check]") {
  const auto one = nines::markov_service_availability(plant(1));
  REQUIRE(one.solution);
  CHECK(one.solution->structures[0].availability < 6000.0 / 6292);
  CHECK(one.solution->states == nines::markov_state_count(3, false, 1, 0));
}
