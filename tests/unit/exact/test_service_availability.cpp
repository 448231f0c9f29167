// The service's steady-state availability through the kinds' diagrams, and its failure
// frequency by the Birnbaum formula, against closed forms and a brute-force enumeration of
// every state of the independent processes.
#include <cmath>
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/exact/component_availability.hpp"
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

// Every up/down assignment of the components with outages and the events with processes:
// A = sum over working states of P(state), and nu = sum over working states of P(state) times
// the rate (1 / mean up time) of each up process whose failure breaks the structure. That is
// the definition of the failure frequency for independent alternating processes, computed
// without the diagram or the Birnbaum importance.
struct BruteForce {
  double availability = 0;
  double frequency = 0;
};

BruteForce brute_force(const nines::StructureModel& m, std::size_t kind) {
  const std::size_t n = m.components.size();
  const std::size_t e = m.common_causes.size();
  std::vector<double> a(n + e, 1.0), up_mean(n + e, 0.0);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (auto p = nines::component_phases(m, i)) {
      a[i] = p->availability();
      up_mean[i] = p->up;
    }
  }
  for (std::uint32_t j = 0; j < e; ++j) {
    if (auto p = nines::event_phases(m, j)) {
      a[n + j] = p->availability();
      up_mean[n + j] = p->up;
    }
  }
  const auto works = [&](std::uint64_t down_mask) {
    std::vector<bool> down(n, false);
    for (std::size_t i = 0; i < n; ++i) down[i] = (down_mask >> i) & 1U;
    for (std::size_t j = 0; j < e; ++j) {
      if ((down_mask >> (n + j)) & 1U) {
        for (const auto x : m.common_causes[j].takes_down) down[x] = true;
      }
    }
    return nines::block_works(m.kinds[kind].path, [&](std::uint32_t x) { return !down[x]; });
  };
  BruteForce out;
  for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << (n + e)); ++mask) {
    double p = 1;
    for (std::size_t v = 0; v < n + e; ++v) p *= ((mask >> v) & 1U) ? 1 - a[v] : a[v];
    if (p == 0 || !works(mask)) continue;
    out.availability += p;
    for (std::size_t v = 0; v < n + e; ++v) {
      if (((mask >> v) & 1U) == 0 && up_mean[v] > 0 && !works(mask | (std::uint64_t{1} << v))) {
        out.frequency += p / up_mean[v];
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("one component: A, nu = 1 / cycle, up = MTTF, down = MTTD + MTTR",
          "[service_availability]") {
  OutageModelBuilder b;
  const auto x = b.component("x", nines::test::with_delay(exponential_outages(30 * kDay, kHour),
                                                          DurationDistribution::fixed(300)));
  b.kind("k", c(x));
  const auto s = *nines::service_steady_state(b.build());
  const double cycle = 30 * kDay + 300 + kHour;
  REQUIRE(s.kinds.size() == 1);
  CHECK(s.kinds[0].availability == Approx(30 * kDay / cycle).epsilon(1e-14));
  CHECK(s.kinds[0].unavailability == Approx((300 + kHour) / cycle).epsilon(1e-14));
  CHECK(s.kinds[0].failure_frequency == Approx(1 / cycle).epsilon(1e-14));
  CHECK(s.kinds[0].mean_up_time == Approx(30 * kDay).epsilon(1e-14));
  CHECK(s.kinds[0].mean_down_time == Approx(300 + kHour).epsilon(1e-14));
}

TEST_CASE("series and parallel pairs in closed form", "[service_availability]") {
  OutageModelBuilder b;
  const auto x = b.component("x", exponential_outages(10 * kHour, kHour));
  const auto y = b.component("y", exponential_outages(40 * kHour, 2 * kHour));
  b.kind("series", Block::series({c(x), c(y)}), 3);
  b.kind("parallel", Block::parallel({c(x), c(y)}), 1);
  const auto s = *nines::service_steady_state(b.build());
  const double ax = 10.0 / 11, ay = 40.0 / 42;
  CHECK(s.kinds[0].availability == Approx(ax * ay).epsilon(1e-14));
  CHECK(s.kinds[0].failure_frequency ==
        Approx(ay * ax / (10 * kHour) + ax * ay / (40 * kHour)).epsilon(1e-14));
  CHECK(s.kinds[1].unavailability == Approx((1 - ax) * (1 - ay)).epsilon(1e-13));
  CHECK(s.kinds[1].failure_frequency ==
        Approx((1 - ay) * ax / (10 * kHour) + (1 - ax) * ay / (40 * kHour)).epsilon(1e-13));
  // The mix weights the kinds 3 : 1.
  CHECK(s.availability == Approx((3 * ax * ay + 1 - (1 - ax) * (1 - ay)) / 4).epsilon(1e-14));
  CHECK(s.unavailability == Approx((3 * (1 - ax * ay) + (1 - ax) * (1 - ay)) / 4).epsilon(1e-13));
}

TEST_CASE("shared components, k-of-n and zone events against brute force",
          "[service_availability]") {
  OutageModelBuilder b;
  const auto lb = b.component("lb", exponential_outages(60 * kDay, 0.5 * kHour));
  const auto a1 = b.component("api1", nines::test::with_delay(exponential_outages(20 * kDay, kHour),
                                                              DurationDistribution::gamma(2, 300)));
  const auto a2 = b.component("api2", exponential_outages(25 * kDay, 3 * kHour));
  const auto d1 = b.component("db1", exponential_outages(90 * kDay, 4 * kHour));
  const auto d2 = b.component("db2", exponential_outages(90 * kDay, 4 * kHour));
  const auto d3 = b.component(
      "db3",
      nines::test::with_delay(nines::test::outages_of(nines::OutageProcess{
                                  DurationDistribution::weibull(1.5, 80 * kDay),
                                  DurationDistribution::lognormal(std::log(3 * kHour), 0.8)}),
                              DurationDistribution::fixed(600)));
  const auto cache = b.component("cache", nines::test::never_fails());
  const Block db = Block::k_of_n(2, {c(d1), c(d2), c(d3)});
  b.kind("read",
         Block::series({c(lb), Block::parallel({c(a1), c(a2)}), Block::parallel({c(cache), db})}),
         5, 2);
  b.kind("write", Block::series({c(lb), Block::parallel({c(a1), c(a2)}), db, c(a1)}), 1);
  b.event("zone-a", DurationDistribution::exponential(180 * kDay),
          DurationDistribution::exponential(4 * kHour), {a1, d1});
  b.event("zone-b", DurationDistribution::weibull(2, 200 * kDay),
          DurationDistribution::fixed(kHour), {a2, d2, cache});
  b.request_event("flaky", 0.3, {lb});  // per request: no effect over time
  const auto m = b.build();
  REQUIRE(nines::no_exact_service_availability(m).empty());
  const auto s = *nines::service_steady_state(m);
  for (std::size_t k = 0; k < 2; ++k) {
    const BruteForce ref = brute_force(m, k);
    INFO("kind " << k);
    CHECK(s.kinds[k].availability == Approx(ref.availability).epsilon(1e-12));
    CHECK(s.kinds[k].unavailability == Approx(1 - ref.availability).epsilon(1e-9));
    CHECK(s.kinds[k].failure_frequency == Approx(ref.frequency).epsilon(1e-12));
    CHECK(s.kinds[k].mean_up_time == Approx(ref.availability / ref.frequency).epsilon(1e-12));
  }
  CHECK(s.component_availability[cache] == 1);
  CHECK(s.event_unavailability[2] == 0);
}

TEST_CASE("no exact value: detection waiting on monitors, or repairs waiting for crews",
          "[service_availability]") {
  OutageModelBuilder b;
  const auto mon = b.component("monitoring", exponential_outages(30 * kDay, kHour));
  const auto x = b.component("x", nines::test::with_delay(exponential_outages(30 * kDay, kHour),
                                                          DurationDistribution::fixed(300), {mon}));
  b.kind("k", c(x));
  CHECK_FALSE(nines::service_steady_state(b.build()));
  CHECK_THAT(nines::no_exact_service_availability(b.build()),
             Catch::Contains("detection of x waits"));

  OutageModelBuilder crews;
  const auto p = crews.component("p", exponential_outages(30 * kDay, kHour));
  const auto q = crews.component("q", exponential_outages(30 * kDay, kHour));
  crews.kind("k", Block::parallel({c(p), c(q)}));
  crews.crews(1);
  CHECK_FALSE(nines::service_steady_state(crews.build()));
  CHECK_THAT(nines::no_exact_service_availability(crews.build()), Catch::Contains("crews"));
}

TEST_CASE("a structure that never goes down", "[service_availability]") {
  OutageModelBuilder b;
  const auto x = b.component("x", nines::test::never_fails());
  b.kind("k", c(x));
  const auto s = *nines::service_steady_state(b.build());
  CHECK(s.kinds[0].availability == 1);
  CHECK(s.kinds[0].unavailability == 0);
  CHECK(s.kinds[0].failure_frequency == 0);
  CHECK(std::isinf(s.kinds[0].mean_up_time));
  CHECK(std::isnan(s.kinds[0].mean_down_time));
}
