// The Markov chain solver: a 2-of-3 system with one crew worked by hand, the product form
// where crews never run out, detection that waits on a monitor in closed form, Gauss-Seidel
// against GTH, the state count, and the refusals.
#include <cmath>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/exact/markov_availability.hpp"
#include "nines/exact/service_availability.hpp"
#include "support/outage_models.hpp"

namespace {

using nines::Block;
using nines::DurationDistribution;
using nines::test::exponential_outages;
using nines::test::kDay;
using nines::test::kHour;
using nines::test::OutageModelBuilder;

Block c(std::uint32_t i) {
  return Block::component_ref(i);
}

}  // namespace

TEST_CASE("2-of-3 with one crew, worked by hand", "[markov_availability]") {
  // Identical components, failure rate l, repair rate u, one crew, immediate detection. With
  // k components failed the chain moves to k + 1 at rate (3 - k) l and, as the one crew
  // repairs one at a time, to k - 1 at rate u: a birth-death chain 0 - 1 - 2 - 3 with
  //   pi_1 = (3 l / u) pi_0, pi_2 = (2 l / u) pi_1 = 6 (l / u)^2 pi_0,
  //   pi_3 = (l / u) pi_2 = 6 (l / u)^3 pi_0,  pi_0 = 1 / (1 + 3 r + 6 r^2 + 6 r^3), r = l / u.
  // 2-of-3 works in states 0 and 1: A = pi_0 + pi_1. It fails on 1 -> 2, at rate 2 l, so
  // nu = 2 l pi_1, and the mean up and down times are A / nu and (1 - A) / nu.
  const double mttf = 100 * kHour, mttr = 10 * kHour;
  const double l = 1 / mttf, u = 1 / mttr, r = l / u;
  const double pi0 = 1 / (1 + 3 * r + 6 * r * r + 6 * r * r * r);
  const double pi1 = 3 * r * pi0;
  const double a = pi0 + pi1;  // r = 0.1: 1.3 / 1.366 = 0.951683...
  const double nu = 2 * l * pi1;

  OutageModelBuilder b;
  std::vector<Block> replicas;
  for (int i = 0; i < 3; ++i) {
    replicas.push_back(c(b.component("db" + std::to_string(i), exponential_outages(mttf, mttr))));
  }
  b.kind("k", Block::k_of_n(2, replicas));
  b.crews(1);
  const auto result = nines::markov_service_availability(b.build());
  REQUIRE(result.solution);
  const auto& s = *result.solution;
  CHECK(s.states == 16);  // 1 + 3 + 6 (in repair, waiting) + 6 (queue orders)
  CHECK(s.states == nines::markov_state_count(3, false, 1, 0));
  CHECK(a == Approx(1.3 / 1.366).epsilon(1e-15));
  CHECK(s.structures[0].availability == Approx(a).epsilon(1e-13));
  CHECK(s.structures[0].unavailability == Approx(1 - a).epsilon(1e-12));
  CHECK(s.structures[0].failure_frequency == Approx(nu).epsilon(1e-13));
  CHECK(s.structures[0].mean_up_time == Approx(a / nu).epsilon(1e-13));
  CHECK(s.structures[0].mean_down_time == Approx((1 - a) / nu).epsilon(1e-12));
  // Each component: P(up) = (pi_0 + 2/3 pi_1 + 1/3 pi_2) by symmetry.
  const double pi2 = 2 * r * pi1;
  for (const double ca : s.component_availability) {
    CHECK(ca == Approx(pi0 + 2 * pi1 / 3 + pi2 / 3).epsilon(1e-13));
  }
  // One crew makes repairs queue: less available than with a crew each (product form).
  const double ai = 1 / (1 + r);
  const double independent = ai * ai * ai + 3 * ai * ai * (1 - ai);
  CHECK(a < independent);
}

TEST_CASE("crews that never run out: the product form of the diagrams", "[markov_availability]") {
  // Different rates, exponential detection delays, a zone event: the chain with unlimited
  // crews, and with as many crews as components, must equal the independent closed form.
  OutageModelBuilder b;
  const auto lb = b.component("lb", exponential_outages(60 * kDay, 0.5 * kHour));
  const auto a1 =
      b.component("api1", nines::test::with_delay(exponential_outages(20 * kDay, kHour),
                                                  DurationDistribution::exponential(600)));
  const auto a2 = b.component("api2", exponential_outages(25 * kDay, 3 * kHour));
  const auto db =
      b.component("db", nines::test::with_delay(exponential_outages(90 * kDay, 4 * kHour),
                                                DurationDistribution::exponential(900)));
  const auto cache = b.component("cache", nines::test::never_fails());
  b.kind("read", Block::series(
                     {c(lb), Block::parallel({c(a1), c(a2)}), Block::parallel({c(cache), c(db)})}));
  b.kind("write", Block::series({c(lb), Block::parallel({c(a1), c(a2)}), c(db)}));
  b.event("zone", DurationDistribution::exponential(180 * kDay),
          DurationDistribution::exponential(4 * kHour), {a1, db});
  for (const std::uint32_t crews : {0U, 4U}) {
    b.crews(crews);
    const auto m = b.build();
    const auto exact = *nines::service_steady_state(m);
    const auto result = nines::markov_service_availability(m);
    REQUIRE(result.solution);
    const auto& s = *result.solution;
    // Two components with delays (3 phases), two immediate (2), the zone (2).
    CHECK(s.states == 3 * 3 * 2 * 2 * 2);
    for (std::size_t k = 0; k < 2; ++k) {
      INFO("crews " << crews << " kind " << k);
      CHECK(s.structures[k].availability == Approx(exact.kinds[k].availability).epsilon(1e-12));
      CHECK(s.structures[k].unavailability == Approx(exact.kinds[k].unavailability).epsilon(1e-9));
      CHECK(s.structures[k].failure_frequency ==
            Approx(exact.kinds[k].failure_frequency).epsilon(1e-10));
    }
    for (std::uint32_t x = 0; x < m.components.size(); ++x) {
      CHECK(s.component_availability[x] == Approx(exact.component_availability[x]).epsilon(1e-12));
    }
    CHECK(s.mean_time_to_detect[a1] == Approx(600).epsilon(1e-9));
    CHECK(s.mean_time_to_restore[db] == Approx(4 * kHour).epsilon(1e-9));
    CHECK(std::isnan(s.mean_time_to_detect[cache]));
  }
}

TEST_CASE("detection that waits on a monitor, in closed form", "[markov_availability]") {
  // Component x: exponential failures (rate lx) and repairs (rate ux), an exponential delay
  // (rate d) that runs only while the monitor m works; m: failure rate lm, repair rate um,
  // immediate detection, so P(m up at t | up at 0) = am + (1 - am) e^(-s t), am = um / (lm +
  // um), s = lm + um. Expected time to detect from "detecting, m up" (h_up) and "detecting,
  // m down" (h_down), by the first step:
  //   h_up = 1 / (d + lm) + lm / (d + lm) h_down,  h_down = 1 / um + h_up,
  // so h_up = (1 + lm / um) / d. A detection always ends with m up; then come x's repair and
  // up time, both exponential, while m runs free, so m is up at x's next failure with
  //   p = am + (1 - am) E[e^(-s R)] E[e^(-s U)] = am + (1 - am) ux / (ux + s) lx / (lx + s)
  // (not quite am: x's failures are not independent of m's past). The cycles from one
  // detection to the next are independent and identically distributed, so MTTD = p h_up +
  // (1 - p) h_down and x's long-run availability is MTTF / (MTTF + MTTD + MTTR).
  const double mttf = 30 * kDay, mttr = kHour, delay = 600;
  const double lm = 1 / (10 * kDay), um = 1 / (2 * kHour);
  OutageModelBuilder b;
  const auto mon = b.component("monitoring", exponential_outages(1 / lm, 1 / um));
  const auto x =
      b.component("x", nines::test::with_delay(exponential_outages(mttf, mttr),
                                               DurationDistribution::exponential(delay), {mon}));
  b.kind("k", c(x));
  const auto result = nines::markov_service_availability(b.build());
  REQUIRE(result.solution);
  const double am = um / (lm + um), s_m = lm + um, lx = 1 / mttf, ux = 1 / mttr;
  const double p = am + (1 - am) * ux / (ux + s_m) * lx / (lx + s_m);
  const double h_up = (1 + lm / um) * delay;
  const double h_down = 1 / um + h_up;
  const double mttd = p * h_up + (1 - p) * h_down;
  const auto& s = *result.solution;
  CHECK(s.mean_time_to_detect[x] == Approx(mttd).epsilon(1e-10));
  CHECK(s.mean_time_to_detect[x] > delay);  // monitoring outages lengthen detection
  CHECK(s.structures[0].availability == Approx(mttf / (mttf + mttd + mttr)).epsilon(1e-12));
  CHECK(s.component_availability[mon] == Approx(am).epsilon(1e-12));
}

TEST_CASE("Gauss-Seidel agrees with GTH", "[markov_availability]") {
  OutageModelBuilder b;
  std::vector<Block> replicas;
  for (int i = 0; i < 5; ++i) {
    replicas.push_back(c(b.component(
        "db" + std::to_string(i),
        nines::test::with_delay(exponential_outages((20 + 10 * i) * kDay, (1 + i) * kHour),
                                DurationDistribution::exponential(300)))));
  }
  b.kind("3-of-5", Block::k_of_n(3, replicas));
  b.kind("any", Block::parallel(replicas));
  b.crews(2);
  const auto m = b.build();
  const auto gth = nines::markov_service_availability(m);
  nines::MarkovOptions sparse;
  sparse.dense_states = 0;
  const auto gs = nines::markov_service_availability(m, sparse);
  REQUIRE(gth.solution);
  REQUIRE(gs.solution);
  CHECK(gth.solution->dense);
  CHECK_FALSE(gs.solution->dense);
  CHECK(gs.solution->sweeps > 0);
  CHECK(gth.solution->states == nines::markov_state_count(5, true, 2, 0));
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& x = gth.solution->structures[k];
    const auto& y = gs.solution->structures[k];
    CHECK(y.availability == Approx(x.availability).epsilon(1e-11));
    CHECK(y.unavailability == Approx(x.unavailability).epsilon(1e-9));
    CHECK(y.failure_frequency == Approx(x.failure_frequency).epsilon(1e-9));
  }
}

TEST_CASE("state counts and the limit", "[markov_availability]") {
  CHECK(nines::markov_state_count(7, false, 1, 0) == 13'700);
  CHECK(nines::markov_state_count(6, true, 1, 0) == 5'296);
  CHECK(nines::markov_state_count(8, false, 1, 0) == 109'601);
  CHECK(nines::markov_state_count(14, false, 0, 0) == 16'384);
  CHECK(nines::markov_state_count(3, true, 0, 2) == 27 * 4);
  CHECK(nines::markov_state_count(60, true, 1, 64) == UINT64_MAX);

  OutageModelBuilder b;
  std::vector<Block> all;
  for (int i = 0; i < 8; ++i)
    all.push_back(c(b.component("c" + std::to_string(i), exponential_outages(kDay, kHour))));
  b.kind("k", Block::series(all));
  b.crews(1);
  const auto result = nines::markov_service_availability(b.build());
  CHECK_FALSE(result.solution);
  CHECK_THAT(result.refusal, Catch::Contains("more than 20000 states"));
}

TEST_CASE("models without a Markov form are refused with the reason", "[markov_availability]") {
  {
    OutageModelBuilder b;
    const auto x = b.component("x", nines::test::with_delay(exponential_outages(kDay, kHour),
                                                            DurationDistribution::fixed(300)));
    b.kind("k", c(x));
    CHECK_THAT(nines::markov_service_availability(b.build()).refusal,
               Catch::Contains("detection delay of x is not exponential"));
  }
  {
    OutageModelBuilder b;
    nines::ComponentTiming t;
    t.outages = nines::OutageProcess{DurationDistribution::weibull(2, kDay),
                                     DurationDistribution::exponential(kHour)};
    const auto x = b.component("x", t);
    b.kind("k", c(x));
    CHECK_THAT(nines::markov_service_availability(b.build()).refusal,
               Catch::Contains("outages of x are not exponential"));
  }
  {
    nines::MarkovModel m;
    nines::MarkovComponent x;
    x.failure_rate = 1;
    x.repair_rate = 1;
    x.needs = Block::series({Block::component_ref(1)});
    m.components = {x, nines::MarkovComponent{}};
    CHECK_THAT(nines::solve_markov(m, {}).refusal, Catch::Contains("immediate detection"));
    m.components[0].repair_rate = -1;
    CHECK_THAT(nines::solve_markov(m, {}).refusal, Catch::Contains("invalid rate"));
  }
}
