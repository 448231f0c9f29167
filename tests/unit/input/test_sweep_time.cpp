// A time sweep point (format-3 base): the base with the point's time values written in and read
// by the structure parser. A swept every, repair, delay or lasts is the new mean of the base's
// distribution, which keeps its shape: each shape's mean, from its own formula, equals the value.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <string>

#include "nines/base/error.hpp"
#include "nines/input/sweep_parser.hpp"
#include "nines/input/sweep_structure.hpp"
#include "support/sweep_over_base.hpp"

using nines::DurationDistribution;
using nines::DurationShape;

namespace {

constexpr const char* kBase = R"(format_version: 3
name: t
run: {seed: 4}
time:
  horizon: 90d
  histories: 50
  detection: {delay: {weibull: {shape: 2, scale: 10m}}, needs: [mon]}
  traffic: {rate: 5/s}
  slo: {target: 99.9%, window: 30d}
components:
  - {name: api, reliability: 0.999, replicas: 2, outages: {every: 20d, repair: 1h}}
  - name: db
    reliability: 0.9995
    outages:
      every: {weibull: {shape: 1.5, scale: 30d}}
      repair: {lognormal: {median: 2h, error_factor: 3}}
    detection: {delay: {gamma: {shape: 3, mean: 6m}}, needs: [mon]}
  - name: cache
    reliability: 0.9999
    outages: {every: {gamma: {shape: 2, scale: 20d}}, repair: {fixed: 20m}}
    detection: immediate
  - {name: mon, reliability: 1, outages: {every: 15d, repair: 3h}, detection: {delay: 30m}}
  - {name: config, reliability: 0.99999}
request_kinds:
  - {name: read, path: [api, cache, db]}
common_cause:
  - {name: zone, every: {weibull: {shape: 0.8, scale: 100d}}, lasts: 2h, takes_down: ["api[1]"]}
)";

// The shared helper with this file's base (support/sweep_over_base.hpp).
struct TimeSweep : nines::test::SweepOverBase {
  explicit TimeSweep(const std::string& grid) : SweepOverBase(kBase, grid, "sweep-time") {}
};

nines::StructureModel point(const nines::SweepPlan& plan, std::size_t i) {
  return nines::test::sweep_point(plan, i);
}

// Each shape's mean from its formula (not DurationDistribution::mean, which this checks too).
double formula_mean(const DurationDistribution& d) {
  switch (d.shape) {
    case DurationShape::exponential:
    case DurationShape::fixed:
      return d.a;
    case DurationShape::weibull:
      return d.b * std::tgamma(1 + 1 / d.a);
    case DurationShape::lognormal:
      return std::exp(d.a + d.b * d.b / 2);
    case DurationShape::gamma:
      return d.a * d.b;
  }
  return NAN;
}

const nines::ComponentTiming& timing(const nines::StructureModel& m, std::size_t component) {
  return m.time->components.at(component);
}

constexpr double kDay = 86400;

}  // namespace

TEST_CASE("with_mean keeps each shape and sets its mean", "[sweep_time]") {
  const double mean = 12345.678;
  for (const DurationDistribution& d :
       {DurationDistribution::exponential(100), DurationDistribution::fixed(100),
        DurationDistribution::weibull(1.5, 100), DurationDistribution::weibull(0.6, 100),
        DurationDistribution::lognormal(2, 0.8), DurationDistribution::gamma(2.5, 100)}) {
    const DurationDistribution scaled = nines::with_mean(d, mean);
    INFO(d.describe() << " -> " << scaled.describe());
    CHECK(scaled.shape == d.shape);
    CHECK(formula_mean(scaled) == Approx(mean).epsilon(1e-13));
    CHECK(scaled.mean() == Approx(mean).epsilon(1e-13));
    // The shape parameter is kept: Weibull and gamma k, lognormal sigma.
    if (d.shape == DurationShape::weibull || d.shape == DurationShape::gamma)
      CHECK(scaled.a == d.a);
    if (d.shape == DurationShape::lognormal) CHECK(scaled.b == d.b);
  }
  // A mean of zero (a detection delay of 0s) is the point mass at zero.
  CHECK(nines::with_mean(DurationDistribution::weibull(2, 100), 0).shape == DurationShape::fixed);
}

TEST_CASE("a swept every, repair or delay is the new mean of the base's distribution",
          "[sweep_time]") {
  const TimeSweep sweep(
      "  components[api].every: [10d]\n"
      "  components[db].every: [45d]\n"
      "  components[db].repair: [3h]\n"
      "  components[cache].every: [50d]\n"
      "  components[cache].repair: [40m]\n"
      "  components[db].detection.delay: [12m]\n"
      "  components[api].detection.delay: [15m]\n"
      "  common_cause[zone].every: [200d]\n"
      "  common_cause[zone].lasts: [3h]\n");
  const auto plan = sweep.plan();
  REQUIRE(plan.base_format == 3);
  const auto m = point(plan, 0);
  // api has two replicas (components 0 and 1): both take the new values.
  for (std::size_t c : {0, 1}) {
    CHECK(timing(m, c).outages->failure.shape == DurationShape::exponential);
    CHECK(timing(m, c).outages->failure.a == 10 * kDay);
    CHECK(timing(m, c).outages->repair.a == 3600);  // untouched
    // api takes the scenario's default detection (a Weibull delay needing mon), rescaled.
    CHECK(timing(m, c).detection.delay.shape == DurationShape::weibull);
    CHECK(timing(m, c).detection.delay.a == 2);
    CHECK(formula_mean(timing(m, c).detection.delay) == Approx(900).epsilon(1e-13));
    CHECK(timing(m, c).detection.needs_components == std::vector<std::uint32_t>{4});
  }
  const auto& db = timing(m, 2);
  CHECK(db.outages->failure.shape == DurationShape::weibull);
  CHECK(db.outages->failure.a == 1.5);
  CHECK(formula_mean(db.outages->failure) == Approx(45 * kDay).epsilon(1e-13));
  CHECK(db.outages->repair.shape == DurationShape::lognormal);
  CHECK(db.outages->repair.b == Approx(std::log(3) / 1.6448536269514722).epsilon(1e-15));
  CHECK(formula_mean(db.outages->repair) == Approx(3 * 3600).epsilon(1e-13));
  CHECK(db.detection.delay.shape == DurationShape::gamma);
  CHECK(db.detection.delay.a == 3);
  CHECK(formula_mean(db.detection.delay) == Approx(720).epsilon(1e-13));
  const auto& cache = timing(m, 3);
  CHECK(cache.outages->failure.shape == DurationShape::gamma);
  CHECK(formula_mean(cache.outages->failure) == Approx(50 * kDay).epsilon(1e-13));
  CHECK(cache.outages->repair.shape == DurationShape::fixed);
  CHECK(cache.outages->repair.a == 2400);
  CHECK(cache.detection.immediate);
  const auto& zone = *m.time->events.at(0);
  CHECK(zone.failure.shape == DurationShape::weibull);
  CHECK(formula_mean(zone.failure) == Approx(200 * kDay).epsilon(1e-13));
  CHECK(zone.repair.a == 3 * 3600);
}

TEST_CASE("a detection delay of 0s is a fixed zero delay", "[sweep_time]") {
  const auto plan = TimeSweep("  components[db].detection.delay: [0s, 1h]\n").plan();
  const auto zero = point(plan, 0);
  CHECK(timing(zero, 2).detection.delay.shape == DurationShape::fixed);
  CHECK(timing(zero, 2).detection.delay.a == 0);
  CHECK(formula_mean(timing(point(plan, 1), 2).detection.delay) == Approx(3600).epsilon(1e-13));
}

TEST_CASE("crews, traffic rate, histories and horizon set the time section", "[sweep_time]") {
  const auto plan = TimeSweep(
                        "  time.crews: [unlimited, 2]\n"
                        "  time.traffic.rate: [1.2k/m]\n"
                        "  time.histories: [7, 10k]\n"
                        "  time.horizon: [60d]\n")
                        .plan();
  REQUIRE(plan.points.size() == 4);
  CHECK(plan.points[0].values[0].integer == 0);
  const auto unlimited = point(plan, 0);
  CHECK(unlimited.time->crews == 0);
  CHECK(unlimited.time->traffic.rate_per_second == 20);
  CHECK(unlimited.time->horizon_seconds == 60 * kDay);
  CHECK(unlimited.time->histories == 7);
  CHECK(plan.points[0].requests == 7);  // a time point's "requests" are its histories
  CHECK(plan.points[1].requests == 10000);
  CHECK(point(plan, 3).time->crews == 2);
  CHECK(point(plan, 3).time->histories == 10000);
  // Without time.histories the base's, and the base's seed.
  const auto base = TimeSweep("  time.crews: [1]\n").plan();
  CHECK(base.points[0].requests == 50);
  CHECK(base.points[0].seed == 4);
}

TEST_CASE("time parameters are checked against the base", "[sweep_time]") {
  CHECK_THAT(TimeSweep("  components[config].every: [1d]\n").error(),
             Catch::Contains("\"config\" has no outages in the base"));
  CHECK_THAT(TimeSweep("  components[cache].detection.delay: [1m]\n").error(),
             Catch::Contains("detection is immediate in the base"));
  CHECK_THAT(TimeSweep("  components[*].every: [1d]\n").error(),
             Catch::Contains("only components[*].reliability takes [*]"));
  CHECK_THAT(TimeSweep("  components[api].every: [0s]\n").error(),
             Catch::Contains("grid.components[api].every[0]: \"0s\" is zero"));
  CHECK_THAT(TimeSweep("  time.horizon: [1001y]\n").error(),
             Catch::Contains("\"1001y\" is above 1000y"));
  CHECK_THAT(TimeSweep("  time.crews: [1000001]\n").error(),
             Catch::Contains("is outside that range; write a whole number of crews"));
  CHECK_THAT(TimeSweep("  time.crews: [2]\n  time.crews: [3]\n").error(),
             Catch::Contains("sets the same value as"));
  CHECK_THAT(TimeSweep("  time.traffic.rate: [1e15/s]\n").error(),
             Catch::Contains("rate x horizon"));
  CHECK_THAT(TimeSweep("  time.histor: [1]\n").error(),
             Catch::Contains("did you mean \"time.histories\"?"));
  // Reliabilities and structure parameters keep working on a time base.
  const auto plan =
      TimeSweep("  components[db].reliability: [0.99]\n  components[api].replicas: [3]\n").plan();
  const auto m = point(plan, 0);
  CHECK(m.components.size() == 7);
  CHECK(m.components[3].reliability == 0.99);
  CHECK(timing(m, 2).outages->failure.a == 20 * kDay);  // api[2] inherits the outages
}
