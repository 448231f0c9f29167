// Importance measures against closed forms (Rausand & Hoyland's definitions) and the estimators'
// interval arithmetic.
#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

#include "nines/exact/importance.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/input/structure_parser.hpp"

TEST_CASE("importance of a series pair and a parallel pair", "[importance]") {
  const double a = 0.9, b = 0.8;
  SECTION("series: Birnbaum of a is r_b; RRW of the only failure source is infinite") {
    const auto m = nines::parse_structure_model(
        "format_version: 2\nname: s\ncomponents:\n  - {name: a, reliability: 0.9}\n"
        "  - {name: b, reliability: 0.8}\n",
        "t.yaml");
    const nines::StructureAnalytics x(m);
    const auto imp = nines::analytic_component_importance(x);
    const double u = 1 - a * b;
    CHECK(imp[0].birnbaum == Approx(b).margin(1e-15));
    CHECK(imp[1].birnbaum == Approx(a).margin(1e-15));
    CHECK(imp[0].unreliability_if_perfect == Approx(1 - b).margin(1e-15));
    CHECK(imp[0].improvement_potential == Approx(u - (1 - b)).margin(1e-15));
    CHECK(imp[0].raw == Approx(1 / u).epsilon(1e-12));
    CHECK(imp[0].rrw == Approx(u / (1 - b)).epsilon(1e-12));
    CHECK(imp[0].criticality == Approx((1 - a) * b / u).epsilon(1e-12));
    CHECK(imp[0].fussell_vesely == Approx(imp[0].criticality).epsilon(1e-12));  // no retries
    const auto one = nines::parse_structure_model(
        "format_version: 2\nname: s\ncomponents:\n  - {name: a, reliability: 0.9}\n", "t.yaml");
    const nines::StructureAnalytics y(one);
    CHECK(std::isinf(nines::analytic_component_importance(y)[0].rrw));
  }
  SECTION("parallel: Birnbaum of a is 1 - r_b") {
    const auto m = nines::parse_structure_model(
        "format_version: 2\nname: p\ncomponents:\n  - {name: a, reliability: 0.9}\n"
        "  - {name: b, reliability: 0.8}\nrequest_kinds:\n  - {name: r, path: {parallel: [a, "
        "b]}}\n",
        "t.yaml");
    const nines::StructureAnalytics x(m);
    const auto imp = nines::analytic_component_importance(x);
    CHECK(imp[0].birnbaum == Approx(1 - b).margin(1e-15));
    CHECK(imp[0].unreliability_if_perfect == 0);
    CHECK(std::isinf(imp[0].rrw));
    CHECK(imp[0].raw == Approx((1 - b) / ((1 - a) * (1 - b))).epsilon(1e-12));
  }
  SECTION("a common cause: never firing removes its share, always firing its RAW") {
    const auto m = nines::parse_structure_model(
        "format_version: 2\nname: p\ncomponents:\n  - {name: a, reliability: 0.9, replicas: 2}\n"
        "common_cause:\n  - {name: z, probability: 0.01, takes_down: [a]}\n",
        "t.yaml");
    const nines::StructureAnalytics x(m);
    const auto imp = nines::analytic_common_cause_importance(x);
    const double u = 1 - 0.99 * (1 - 0.01);
    CHECK(x.unreliability() == Approx(u).epsilon(1e-12));
    CHECK(imp[0].unreliability_if_perfect == Approx(0.01).epsilon(1e-12));
    CHECK(imp[0].unreliability_if_failed == 1);
    CHECK(imp[0].raw == Approx(1 / u).epsilon(1e-12));
  }
}

TEST_CASE("ratio estimates: value, nesting and the zero-denominator cases", "[importance]") {
  const auto r = nines::ratio_estimate(300, 200, 200, 1'000'000, 0.95);
  CHECK(r.value == Approx(1.5));
  CHECK(r.low < 1.5);
  CHECK(r.high > 1.5);
  const auto inf = nines::ratio_estimate(5, 0, 0, 100, 0.95);
  CHECK(std::isinf(inf.value));
  CHECK(std::isnan(nines::ratio_estimate(0, 0, 0, 100, 0.95).value));
  // Identical indicators: the ratio is exactly 1 with no spread.
  const auto same = nines::ratio_estimate(50, 50, 50, 1000, 0.95);
  CHECK(same.value == 1);
  CHECK(same.high - same.low < 1e-12);
}
