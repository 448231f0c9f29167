// One component's steady state in closed form: A = MTTF / (MTTF + MTTD + MTTR), the mean
// time to detect, when no closed form exists, and the equilibrium ("steady start") facts.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/exact/component_availability.hpp"
#include "support/outage_models.hpp"

namespace {

using nines::DurationDistribution;
using nines::test::kDay;
using nines::test::kHour;
using nines::test::OutageModelBuilder;

}  // namespace

TEST_CASE("availability is MTTF over the cycle, detection included", "[component_availability]") {
  OutageModelBuilder b;
  const auto db = b.component("db", nines::test::exponential_outages(90 * kDay, 0.75 * kHour));
  const auto api = b.component(
      "api", nines::test::with_delay(nines::test::exponential_outages(30 * kDay, 2 * kHour),
                                     DurationDistribution::fixed(300)));
  const auto lb = b.component("lb", nines::test::never_fails());
  b.kind("k",
         nines::Block::series({nines::Block::component_ref(db), nines::Block::component_ref(api),
                               nines::Block::component_ref(lb)}));
  const auto m = b.build();

  CHECK(*nines::component_availability(m, db) ==
        Approx(90 * kDay / (90 * kDay + 0.75 * kHour)).epsilon(1e-15));
  CHECK(*nines::mean_time_to_detect(m, db) == 0);
  CHECK(*nines::mean_time_to_detect(m, api) == 300);
  CHECK(*nines::component_availability(m, api) ==
        Approx(30 * kDay / (30 * kDay + 300 + 2 * kHour)).epsilon(1e-15));
  CHECK(*nines::component_availability(m, lb) == 1);
  CHECK_FALSE(nines::mean_time_to_detect(m, lb));  // no outages: nothing to detect
  CHECK_FALSE(nines::component_phases(m, lb));

  const auto phases = *nines::component_phases(m, api);
  CHECK(phases.failure_frequency() == Approx(1 / (30 * kDay + 300 + 2 * kHour)).epsilon(1e-15));
  const auto start = nines::steady_start_probabilities(phases);
  CHECK(start.up + start.detecting + start.repairing == Approx(1).epsilon(1e-15));
  CHECK(start.detecting == Approx(300 / phases.cycle()).epsilon(1e-15));
  CHECK(start.repairing == Approx(2 * kHour / phases.cycle()).epsilon(1e-15));
}

TEST_CASE("the mean detection delay is the delay distribution's mean", "[component_availability]") {
  for (const auto& delay :
       {DurationDistribution::exponential(600), DurationDistribution::weibull(1.5, 600),
        DurationDistribution::lognormal(std::log(300.0), 0.8), DurationDistribution::gamma(2, 150),
        DurationDistribution::fixed(300)}) {
    OutageModelBuilder b;
    const auto c = b.component(
        "c", nines::test::with_delay(nines::test::exponential_outages(kDay, kHour), delay));
    b.kind("k", nines::Block::component_ref(c));
    CHECK(*nines::mean_time_to_detect(b.build(), c) == delay.mean());
  }
}

TEST_CASE("detection that needs monitors: a closed form only when they never go down",
          "[component_availability]") {
  const auto delay = DurationDistribution::fixed(300);
  const auto failing = nines::test::exponential_outages(10 * kDay, kHour);

  SECTION("monitors that never fail") {
    OutageModelBuilder b;
    const auto mon = b.component("monitoring", nines::test::never_fails());
    const auto db = b.component("db", nines::test::with_delay(failing, delay, {mon}));
    b.kind("k", nines::Block::component_ref(db));
    const auto m = b.build();
    CHECK(nines::detection_never_waits(m, db));
    CHECK(*nines::mean_time_to_detect(m, db) == 300);
    // A per-request event does not act over time.
    b.request_event("flaky", 0.01, {mon});
    CHECK(*nines::mean_time_to_detect(b.build(), db) == 300);
  }
  SECTION("monitors with outages") {
    OutageModelBuilder b;
    const auto mon = b.component("monitoring", failing);
    const auto db = b.component("db", nines::test::with_delay(failing, delay, {mon}));
    b.kind("k", nines::Block::component_ref(db));
    const auto m = b.build();
    CHECK_FALSE(nines::detection_never_waits(m, db));
    CHECK_FALSE(nines::mean_time_to_detect(m, db));
    CHECK_FALSE(nines::component_availability(m, db));
    CHECK(*nines::component_availability(m, mon) > 0);  // its own detection is immediate
  }
  SECTION("monitors a zone outage can take down") {
    OutageModelBuilder b;
    const auto mon = b.component("monitoring", nines::test::never_fails());
    const auto db = b.component("db", nines::test::with_delay(failing, delay, {mon}));
    b.kind("k", nines::Block::component_ref(db));
    b.event("zone", DurationDistribution::exponential(180 * kDay),
            DurationDistribution::exponential(4 * kHour), {mon});
    const auto m = b.build();
    CHECK_FALSE(nines::never_goes_down(m, mon));
    CHECK_FALSE(nines::component_availability(m, db));
    const auto zone = *nines::event_phases(m, 0);
    CHECK(zone.unavailability() == Approx(4 * kHour / (180 * kDay + 4 * kHour)).epsilon(1e-15));
  }
}

TEST_CASE("limited crews: a closed form only when no outage can wait", "[component_availability]") {
  OutageModelBuilder b;
  const auto x = b.component("x", nines::test::exponential_outages(kDay, kHour));
  const auto y = b.component("y", nines::test::exponential_outages(kDay, kHour));
  b.component("z", nines::test::never_fails());
  b.kind("k",
         nines::Block::parallel({nines::Block::component_ref(x), nines::Block::component_ref(y)}));
  b.crews(1);
  CHECK_FALSE(nines::repair_never_waits(b.build()));
  CHECK_FALSE(nines::component_availability(b.build(), x));
  b.crews(2);  // two components with outages, two crews
  CHECK(nines::repair_never_waits(b.build()));
  CHECK(*nines::component_availability(b.build(), y) == Approx(24.0 / 25).epsilon(1e-15));
}

TEST_CASE("unavailability keeps its digits", "[component_availability]") {
  const nines::PhaseMeans p{1e12, 0, 1};
  CHECK(p.unavailability() == Approx(1 / (1e12 + 1)).epsilon(1e-15));
  CHECK(p.availability() == Approx(1 - 1e-12).epsilon(1e-15));
}

TEST_CASE("the equilibrium time left in a phase has mean E(X^2) / (2 E(X))",
          "[component_availability]") {
  // E[u_position * L] = E[L] / 2, and E[L] = E[X^2] / E[X]: integrate the length-biased
  // quantile over u_length by the midpoint rule (u_position = 1/2 gives the half).
  for (const auto& d :
       {DurationDistribution::exponential(600), DurationDistribution::weibull(1.5, 600),
        DurationDistribution::weibull(0.7, 600),
        DurationDistribution::lognormal(std::log(300.0), 0.8), DurationDistribution::gamma(2, 150),
        DurationDistribution::gamma(0.5, 150), DurationDistribution::fixed(300)}) {
    const int n = 20'000;
    double sum = 0;
    for (int i = 0; i < n; ++i) sum += nines::equilibrium_remaining(d, (i + 0.5) / n, 0.5);
    const double mean = sum / n;
    const double expected = (d.variance() + d.mean() * d.mean()) / (2 * d.mean());
    INFO(d.describe());
    CHECK(mean == Approx(expected).epsilon(2e-3));
  }
  // A fixed phase: uniformly spread over its length.
  CHECK(nines::equilibrium_remaining(DurationDistribution::fixed(300), 0.3, 0.25) == 75);
  CHECK_THROWS(nines::equilibrium_remaining(DurationDistribution::fixed(300), 0, 0.5));
}
