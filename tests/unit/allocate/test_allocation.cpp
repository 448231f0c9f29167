// Reliability allocation (allocate/allocation.hpp): the closed forms for series structures, every
// method's result fed back into the exact engine, the cost optimum against a brute-force search,
// and the rules (never below today, already met, unreachable targets).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

#include "nines/allocate/allocation.hpp"
#include "nines/base/error.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/input/scenario_parser.hpp"
#include "nines/input/structure_parser.hpp"

namespace {

using nines::AllocationMethod;

nines::StructureModel structure(const std::string& yaml) {
  return nines::parse_structure_model(yaml, "t.yaml");
}

const nines::MethodResult& method(const nines::Allocation& a, AllocationMethod m) {
  return a.methods.at(static_cast<std::size_t>(m));
}

// The model with a method's reliabilities substituted, evaluated afresh.
double service_with(const nines::StructureModel& model, const nines::Allocation& a,
                    const nines::MethodResult& m) {
  nines::StructureModel changed = model;
  for (std::size_t d = 0; d < a.teams.size(); ++d)
    for (std::uint32_t c : a.teams[d].components)
      changed.components[c].reliability = m.reliability[d];
  return nines::StructureAnalytics(changed).unreliability();
}

// Met, and tight: the service unreliability is within `tolerance` (relative) of the allowed.
void check_met_and_tight(const nines::StructureModel& model, const nines::Allocation& a,
                         double tolerance = 1e-9) {
  const double allowed = 1 - a.target;
  for (const auto& m : a.methods) {
    if (!m.available) continue;
    INFO("method " << nines::to_string(m.method));
    const double u = service_with(model, a, m);
    CHECK(m.met);
    CHECK(u <= allowed);
    CHECK(u == m.service_unreliability);
    CHECK(u >= allowed * (1 - tolerance));
    for (std::size_t d = 0; d < a.teams.size(); ++d)
      CHECK(m.reliability[d] >= a.teams[d].reliability);
  }
}

std::string chain_of(const std::vector<double>& r, const std::vector<double>& cost = {}) {
  std::string y = "format_version: 2\nname: s\ncomponents:\n";
  for (std::size_t i = 0; i < r.size(); ++i) {
    y += "  - {name: c" + std::to_string(i) + ", reliability: " + std::to_string(r[i]);
    if (i < cost.size()) y += ", improvement_cost: " + std::to_string(cost[i]);
    y += "}\n";
  }
  y += "request_kinds:\n  - name: r\n    path: [";
  for (std::size_t i = 0; i < r.size(); ++i) y += (i ? ", c" : "c") + std::to_string(i);
  return y + "]\n";
}

}  // namespace

TEST_CASE("equal apportionment of a series of n is target^(1/n)", "[allocation]") {
  const auto model = structure(chain_of({0.999, 0.9995, 0.998, 0.9999}));
  const double target = 0.9995;
  const auto a = nines::allocate(model, target);
  REQUIRE_FALSE(a.already_met);
  const auto& eq = method(a, AllocationMethod::equal);
  // c3 (0.9999) already beats target^(1/4) = 0.999875: it keeps its value, and the other three
  // share what is left: r^3 * 0.9999 = target.
  const double r = std::cbrt(target / 0.9999);
  CHECK(eq.reliability[3] == 0.9999);
  for (int d = 0; d < 3; ++d) CHECK(1 - eq.reliability[d] == Approx(1 - r).epsilon(1e-9));
  check_met_and_tight(model, a);

  const auto same = structure(chain_of({0.999, 0.999, 0.999, 0.999, 0.999}));
  const auto b = nines::allocate(same, target);
  for (const auto& m : b.methods) {
    if (!m.available) continue;
    for (double x : m.reliability) CHECK(1 - x == Approx(1 - std::pow(target, 0.2)).epsilon(1e-9));
  }
  check_met_and_tight(same, b);
}

TEST_CASE("proportional allocation scales every unreliability by one factor", "[allocation]") {
  const std::vector<double> today = {0.999, 0.9995, 0.998, 0.9999};
  const auto model = structure(chain_of(today));
  const auto a = nines::allocate(model, 0.9995);
  const auto& p = method(a, AllocationMethod::proportional);
  const double f = p.parameter;
  CHECK(f > 0);
  CHECK(f < 1);
  double product = 1;
  for (std::size_t d = 0; d < today.size(); ++d) {
    // Exact but for the rounding of r = 1 - u to a double (1.1e-16 absolute).
    CHECK(1 - p.reliability[d] == Approx(f * (1 - today[d])).epsilon(1e-10));
    CHECK(p.extra_nines[d] == Approx(-std::log10(f)).epsilon(1e-9));
    product *= 1 - f * (1 - today[d]);
  }
  CHECK(1 - product == Approx(1 - 0.9995).epsilon(1e-9));
  check_met_and_tight(model, a);
}

TEST_CASE("the cost optimum of a series: odds in proportion to cost, cheapest of the methods",
          "[allocation]") {
  const std::vector<double> today = {0.99, 0.995, 0.98};
  const std::vector<double> cost = {1, 4, 2};
  const auto model = structure(chain_of(today, cost));
  const double target = 0.999;
  const auto a = nines::allocate(model, target);
  const auto& c = method(a, AllocationMethod::cost);
  REQUIRE(c.available);
  check_met_and_tight(model, a);
  // KKT: u / (1 - u) = cost / lambda (ln 10) for every team that improves.
  for (std::size_t d = 0; d < today.size(); ++d) {
    const double odds = (1 - c.reliability[d]) / c.reliability[d];
    CHECK(odds == Approx(cost[d] / (c.parameter * std::log(10.0))).epsilon(1e-6));
  }
  CHECK(c.optimality_gap >= 0);
  CHECK(c.optimality_gap < 1e-9 * c.cost);
  for (const auto& m : a.methods) CHECK(c.cost <= m.cost * (1 + 1e-12));
  CHECK(c.cost < method(a, AllocationMethod::equal).cost);
  CHECK(c.cost < method(a, AllocationMethod::proportional).cost);
}

TEST_CASE("the cost optimum of two in series matches a brute-force search", "[allocation]") {
  const double r1 = 0.99, r2 = 0.999, c1 = 3, c2 = 1, target = 0.9995;
  const auto model = structure(chain_of({r1, r2}, {c1, c2}));
  const auto a = nines::allocate(model, target);
  const auto& c = method(a, AllocationMethod::cost);
  // Every u1 on a fine log grid, with u2 the largest that meets the target.
  double best = std::numeric_limits<double>::infinity();
  for (int i = 0; i <= 200000; ++i) {
    const double u1 = (1 - r1) * std::pow(10.0, -6.0 * i / 200000);
    const double u2 = std::min(1 - r2, 1 - target / (1 - u1));
    if (u2 <= 0) continue;
    best = std::min(best, c1 * std::log10((1 - r1) / u1) + c2 * std::log10((1 - r2) / u2));
  }
  CHECK(c.cost <= best + 1e-9);
  CHECK(c.cost == Approx(best).epsilon(1e-6));
}

TEST_CASE("teams without a cost keep today's value in the cost method", "[allocation]") {
  auto yaml = chain_of({0.99, 0.995, 0.98}, {1, 2});  // c2 has no cost
  const auto model = structure(yaml);
  const auto a = nines::allocate(model, 0.97);
  const auto& c = method(a, AllocationMethod::cost);
  CHECK(c.reliability[2] == 0.98);
  CHECK(c.extra_nines[2] == 0);
  check_met_and_tight(model, a);
  // Equal and proportional improve c2, whose cost is unknown.
  CHECK(std::isnan(method(a, AllocationMethod::equal).cost));
  // Out of reach for the two for sale: 0.98 alone is below 0.985.
  CHECK_THROWS_WITH(nines::allocate(model, 0.985),
                    Catch::Contains("unreachable by the cost method"));
}

TEST_CASE("retries, replicas and common causes are allocated on the exact structure",
          "[allocation]") {
  const auto model = structure(R"(format_version: 2
name: g
components:
  - {name: lb, reliability: 0.999, improvement_cost: 2}
  - {name: api, reliability: 0.99, replicas: 3, required: 2, improvement_cost: 1}
  - {name: db, reliability: 0.995, retries: 1, improvement_cost: 5}
  - {name: cache, reliability: 0.9}
request_kinds:
  - {name: read, weight: 3, path: [lb, api, {parallel: [cache, db]}]}
  - {name: write, weight: 1, retries: 1, path: [lb, api, db]}
common_cause:
  - {name: zone, probability: 1e-5, takes_down: [lb]}
)");
  const auto a = nines::allocate(model, 0.9999);
  REQUIRE(a.teams.size() == 4);
  CHECK(a.teams[1].components.size() == 3);
  check_met_and_tight(model, a);
  const auto& c = method(a, AllocationMethod::cost);
  CHECK_FALSE(c.available);
  CHECK_THAT(c.reason, Catch::Contains("series structures only"));

  // The zone alone fails 1e-5 of the requests: 99.9995% is out of reach.
  CHECK_THROWS_WITH(nines::allocate(model, 0.999995), Catch::Contains("unreachable"));
}

TEST_CASE("a series with retries and replicas has the cost optimum too", "[allocation]") {
  const auto model = structure(R"(format_version: 2
name: s
components:
  - {name: a, reliability: 0.99, retries: 2, improvement_cost: 1}
  - {name: b, reliability: 0.999, replicas: 2, required: 2, improvement_cost: 3}
  - {name: c, reliability: 0.995, improvement_cost: 2}
request_kinds:
  - {name: r, path: [a, b, c]}
common_cause:
  - {name: z, probability: 1e-6, takes_down: [c]}
)");
  const auto a = nines::allocate(model, 0.99995);
  const auto& c = method(a, AllocationMethod::cost);
  REQUIRE(c.available);
  check_met_and_tight(model, a);
  CHECK(c.optimality_gap < 1e-9 * c.cost);
  for (const auto& m : a.methods) CHECK(c.cost <= m.cost * (1 + 1e-12));
}

TEST_CASE("a service that meets its target already keeps today's values", "[allocation]") {
  const auto model = structure(chain_of({0.9999, 0.9999}, {1, 1}));
  const auto a = nines::allocate(model, 0.999);
  CHECK(a.already_met);
  for (const auto& m : a.methods) {
    CHECK(m.met);
    CHECK(m.reliability == std::vector<double>{0.9999, 0.9999});
    CHECK(m.extra_nines == std::vector<double>{0, 0});
  }
}

TEST_CASE("targets outside (0, 1) are refused", "[allocation]") {
  const auto model = structure(chain_of({0.9}));
  CHECK_THROWS_AS(nines::allocate(model, 1.0), nines::InputError);
  CHECK_THROWS_AS(nines::allocate(model, 0.0), nines::InputError);
}

TEST_CASE("a chain is allocated as the series it is", "[allocation]") {
  const auto chain = nines::parse_scenario(
      "format_version: 1\nname: c\ncomponents:\n  - {name: a, reliability: 0.99, "
      "improvement_cost: 2}\n  - {name: b, reliability: 0.98}\n",
      "c.yaml");
  REQUIRE(chain.components[0].improvement_cost == 2.0);
  CHECK_FALSE(chain.components[1].improvement_cost.has_value());
  const auto model = nines::structure_of_chain(chain);
  CHECK(nines::StructureAnalytics(model).reliability() == Approx(0.99 * 0.98).epsilon(1e-15));
  // b has no cost: the cost method can only buy a's nines, up to 98%.
  const auto a = nines::allocate(model, 0.975);
  check_met_and_tight(model, a);
  CHECK(a.methods[2].available);
  CHECK(a.methods[2].reliability[1] == 0.98);
}

TEST_CASE("six sigma: for the whole to be six sigma, each of twenty parts needs 1.3 nines more",
          "[allocation]") {
  const auto chain = nines::load_scenario(NINES_SOURCE_DIR "/scenarios/six-sigma-parts.yaml");
  const auto model = nines::structure_of_chain(chain);
  CHECK(nines::allocate(model, 0.9995).already_met);  // 20 six-sigma parts give 99.9932%
  const double target = 1 - 3.4e-6;
  const auto a = nines::allocate(model, target);
  for (const auto& m : a.methods) {
    if (!m.available) continue;
    for (double r : m.reliability)
      CHECK(1 - r == Approx(1 - std::pow(target, 1.0 / 20)).epsilon(1e-8));
    for (double n : m.extra_nines) CHECK(n == Approx(std::log10(20.0)).epsilon(1e-4));
  }
  check_met_and_tight(model, a, 1e-6);
}

TEST_CASE("improvement_cost is read in formats 2 and 3 and carried to replicas", "[allocation]") {
  const auto model = structure(
      "format_version: 2\nname: s\ncomponents:\n  - {name: a, reliability: 0.9, replicas: 2, "
      "improvement_cost: 1.5}\n");
  REQUIRE(model.components.size() == 2);
  CHECK(model.components[1].improvement_cost == 1.5);
  const auto teams = nines::allocation_teams(model);
  REQUIRE(teams.size() == 1);
  CHECK(teams[0].improvement_cost == 1.5);
}
