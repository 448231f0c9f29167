// Reliability allocation (allocate/allocation.hpp): the closed forms for series structures, every
// method's result fed back into the exact engine, the cost optimum against a brute-force search,
// and the rules (never below today, already met, unreachable targets).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

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
  REQUIRE(c.available);  // not a series: the general method, with a stated gap
  CHECK(c.optimality_gap >= 0);
  CHECK(std::isfinite(c.optimality_gap));
  CHECK(c.parameter == Approx(c.cost - c.optimality_gap).epsilon(1e-12));
  CHECK_THAT(c.solver, Catch::Contains("LP duality"));
  // Cheapest of the methods whose cost is known (cache, not for sale, keeps its value).
  CHECK(c.reliability[3] == 0.9);
  for (const auto& other : a.methods)
    if (!std::isnan(other.cost)) CHECK(c.cost <= other.cost * (1 + 1e-12));

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

namespace {

// The exact engine, built once, at per-team unreliabilities (team components substituted).
class FastService {
 public:
  explicit FastService(const nines::StructureModel& model)
      : model_(model), analytics_(model), teams_(nines::allocation_teams(model)) {}
  // Unreliability with team d at u0_d 10^-z_d (teams past z's size keep today's).
  double operator()(const std::vector<double>& z) const {
    nines::StructureProbabilities p = analytics_.base();
    for (std::size_t d = 0; d < z.size(); ++d) {
      for (std::uint32_t c : teams_[d].components) {
        nines::StructureComponent copy = model_.components[c];
        copy.reliability = 1 - (1 - teams_[d].reliability) * std::pow(10.0, -z[d]);
        p.component_up[c] = copy.effective_reliability();
        p.component_down[c] = copy.effective_unreliability();
      }
    }
    return analytics_.mix_unreliability(p);
  }

 private:
  const nines::StructureModel& model_;
  nines::StructureAnalytics analytics_;
  std::vector<nines::AllocationTeam> teams_;
};

// The smallest z_last (to 1e-9 nines) that meets `allowed` with the others fixed; NaN if none.
double least_last(const FastService& u, std::vector<double> z, double allowed) {
  z.back() = 40;
  if (u(z) > allowed) return std::numeric_limits<double>::quiet_NaN();
  z.back() = 0;
  if (u(z) <= allowed) return 0;
  double lo = 0, hi = 40;
  while (hi - lo > 1e-9) {
    z.back() = 0.5 * (lo + hi);
    (u(z) <= allowed ? hi : lo) = z.back();
  }
  return hi;
}

// The general result is valid: it meets the target in a fresh exact evaluation, never improves
// a team without a cost, and its lower bound (parameter) is its cost minus its gap.
void check_general(const nines::StructureModel& model, double target,
                   const nines::MethodResult& g) {
  REQUIRE(g.available);
  CHECK(g.met);
  nines::StructureModel changed = model;
  const auto teams = nines::allocation_teams(model);
  for (std::size_t d = 0; d < teams.size(); ++d) {
    for (std::uint32_t c : teams[d].components)
      changed.components[c].reliability = g.reliability[d];
    if (!teams[d].improvement_cost) CHECK(g.extra_nines[d] == 0);
  }
  CHECK(nines::StructureAnalytics(changed).unreliability() <= 1 - target);
  CHECK(g.optimality_gap >= 0);
  CHECK(std::isfinite(g.optimality_gap));
  CHECK(g.parameter >= 0);
  CHECK(g.parameter == Approx(g.cost - g.optimality_gap).epsilon(1e-12).margin(1e-12));
}

}  // namespace

TEST_CASE("the general cost method agrees with the series optimum within its gap", "[allocation]") {
  const auto series = structure(chain_of({0.99, 0.995, 0.98}, {1, 4, 2}));
  const auto retried = structure(R"(format_version: 2
name: s
components:
  - {name: a, reliability: 0.99, retries: 2, improvement_cost: 1}
  - {name: b, reliability: 0.999, replicas: 2, required: 2, improvement_cost: 3}
  - {name: c, reliability: 0.995, improvement_cost: 2}
  - {name: d, reliability: 0.9999}
request_kinds:
  - {name: r, path: [a, b, c, d]}
)");
  const auto checkout =
      nines::load_structure_model(NINES_SOURCE_DIR "/scenarios/checkout-teams.yaml");
  for (const auto& [model, target] :
       {std::pair{series, 0.999}, std::pair{retried, 0.9995}, std::pair{checkout, 0.9995}}) {
    const auto a = nines::allocate(model, target);
    const auto& exact = method(a, AllocationMethod::cost);
    REQUIRE(exact.available);
    const auto g = nines::allocate_cost_general(model, target);
    check_general(model, target, g);
    INFO("series optimum " << exact.cost << ", general " << g.cost << " gap " << g.optimality_gap);
    // The closed form is the optimum: the general primal is no cheaper, its bound no higher.
    CHECK(g.cost >= exact.cost * (1 - 1e-9));
    CHECK(g.parameter <= exact.cost * (1 + 1e-9));
    CHECK(g.cost - exact.cost <= g.optimality_gap + 1e-9);
    // On a series both sides are close: the primal within 1e-4, the bound within 1%.
    CHECK(g.cost <= exact.cost * (1 + 1e-4));
    CHECK(g.optimality_gap <= 0.01 * exact.cost);
  }
}

TEST_CASE("the general cost method against a brute-force search: parallel and k-of-n",
          "[allocation]") {
  SECTION("two teams: a 2-of-3 quorum and a parallel pair, with request retries") {
    const auto model = structure(R"(format_version: 2
name: q
components:
  - {name: db, reliability: 0.99, replicas: 3, required: 2, improvement_cost: 3}
  - {name: api, reliability: 0.98, replicas: 2, improvement_cost: 1}
  - {name: cache, reliability: 0.95}
request_kinds:
  - {name: read, weight: 3, path: [{parallel: [cache, db]}, api]}
  - {name: write, weight: 1, retries: 1, path: [db, api]}
)");
    const double target = 0.99999;
    const auto g = nines::allocate_cost_general(model, target);
    check_general(model, target, g);
    CHECK(g.reliability[2] == 0.95);
    const FastService u(model);
    // Every z_db on a fine grid, z_api the least that meets the target.
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i <= 40000; ++i) {
      const double z0 = 4.0 * i / 40000;
      const double z1 = least_last(u, {z0, 0}, 1 - target);
      if (std::isnan(z1)) continue;
      const double cost = 3 * z0 + 1 * z1;
      CHECK(cost >= g.parameter * (1 - 1e-9));  // no feasible point below the lower bound
      best = std::min(best, cost);
    }
    INFO("grid " << best << ", primal " << g.cost << ", gap " << g.optimality_gap);
    CHECK(g.cost - best <= g.optimality_gap + 1e-9);
    CHECK(g.cost <= best * (1 + 1e-3));
    CHECK(g.optimality_gap <= 0.25 * g.cost);
  }
  SECTION("three teams: a series front, a 2-of-4 group and a parallel pair, a zone") {
    const auto model = structure(R"(format_version: 2
name: k
components:
  - {name: lb, reliability: 0.999, improvement_cost: 2}
  - {name: web, reliability: 0.99, replicas: 4, required: 2, improvement_cost: 1}
  - {name: db, reliability: 0.995, replicas: 2, retries: 1, improvement_cost: 4}
request_kinds:
  - {name: r, path: [lb, web, db]}
common_cause:
  - {name: zone, probability: 1e-7, takes_down: ["web[1]", "db[1]"]}
)");
    const double target = 0.99999;
    const auto g = nines::allocate_cost_general(model, target);
    check_general(model, target, g);
    const FastService u(model);
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i <= 150; ++i) {
      for (int j = 0; j <= 150; ++j) {
        const double z0 = 3.0 * i / 150, z1 = 3.0 * j / 150;
        const double z2 = least_last(u, {z0, z1, 0}, 1 - target);
        if (std::isnan(z2)) continue;
        const double cost = 2 * z0 + 1 * z1 + 4 * z2;
        CHECK(cost >= g.parameter * (1 - 1e-9));
        best = std::min(best, cost);
      }
    }
    INFO("grid " << best << ", primal " << g.cost << ", gap " << g.optimality_gap);
    CHECK(g.cost - best <= g.optimality_gap + 1e-9);
    CHECK(g.cost <= best * (1 + 1e-2));
    CHECK(g.optimality_gap <= 0.25 * g.cost);
  }
}

TEST_CASE("the general cost method on the shipped redundant checkout", "[allocation]") {
  const auto model =
      nines::load_structure_model(NINES_SOURCE_DIR "/scenarios/checkout-redundant-teams.yaml");
  const double target = 0.99999;
  const auto a = nines::allocate(model, target);
  const auto& c = method(a, AllocationMethod::cost);
  check_general(model, target, c);
  check_met_and_tight(model, a, 1e-6);
  for (const auto& other : a.methods)
    if (!std::isnan(other.cost)) CHECK(c.cost <= other.cost * (1 + 1e-12));
}

TEST_CASE("the general cost method caps the cut sets of a wide k-of-n and stays valid",
          "[allocation]") {
  // 30 of 60: C(60, 31) minimal cut sets, far past the cap; the bound uses those kept.
  const auto model = structure(R"(format_version: 2
name: wide
components:
  - {name: lb, reliability: 0.99, improvement_cost: 2}
  - {name: api, reliability: 0.6, replicas: 60, required: 30, improvement_cost: 1}
  - {name: db, reliability: 0.99, replicas: 5, required: 3, improvement_cost: 3}
request_kinds:
  - {name: r, retries: 1, path: [lb, api, db]}
)");
  const double target = 0.99999;
  const auto a = nines::allocate(model, target);
  const auto& c = method(a, AllocationMethod::cost);
  check_general(model, target, c);
  CHECK_THAT(c.solver, Catch::Contains("capped"));
  for (const auto& other : a.methods) CHECK(c.cost <= other.cost * (1 + 1e-12));
}
