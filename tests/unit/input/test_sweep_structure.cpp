// A structure sweep point: the format-2 base with the point's values written in and read by the
// structure parser, so a point is the structure `nines run` of the edited base would read. Each
// parameter kind edits its own field and nothing else; a combination that breaks the
// structure's rules is refused when the sweep is read (up to kMaxStructuralCombinations), else
// when its point is built.
#include "nines/input/sweep_structure.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>

#include "nines/base/error.hpp"
#include "nines/input/structure_parser.hpp"
#include "nines/input/sweep_parser.hpp"
#include "support/sweep_over_base.hpp"

namespace {

constexpr const char* kBase = R"(format_version: 2
name: shop
run: {requests: 20000, seed: 9}
components:
  - {name: lb, reliability: 0.9999}
  - {name: api, reliability: 0.999, replicas: 3}
  - {name: db, reliability: 0.9995, replicas: 3, required: 2}
request_kinds:
  - {name: browse, weight: 3, path: [lb, api, db]}
  - {name: admin, weight: 1, path: [lb, db]}
common_cause:
  - {name: zone-a, probability: 1e-4, takes_down: ["api[1]", "db[1]"]}
)";

// A sweep over the base above with `grid` (the lines under `grid:`).
// The shared helper with this file's base (support/sweep_over_base.hpp).
struct StructureSweep : nines::test::SweepOverBase {
  explicit StructureSweep(const std::string& grid)
      : SweepOverBase(kBase, grid, "sweep-structure") {}
};

nines::StructureModel point(const nines::SweepPlan& plan, std::size_t i) {
  return nines::test::sweep_point(plan, i);
}

}  // namespace

TEST_CASE("a point with no structural change is the base structure", "[sweep_structure]") {
  const StructureSweep sweep("  run.seed: [1, 2]\n");
  const auto plan = sweep.plan();
  REQUIRE(plan.base_format == 2);
  const auto model = point(plan, 1);
  const auto base = nines::parse_structure_model(kBase, sweep.base_path());
  CHECK(model.component_names() == base.component_names());
  for (std::size_t j = 0; j < base.components.size(); ++j)
    CHECK(model.components[j].reliability == base.components[j].reliability);
  CHECK(model.kinds[0].weight == 3);
  CHECK(model.common_causes[0].probability == 1e-4);
  CHECK(model.source_text == kBase);  // the base's bytes, as `nines run` of it would keep
}

TEST_CASE("a component's reliability applies to every replica of it", "[sweep_structure]") {
  const auto plan = StructureSweep("  components[api].reliability: [0.5, \"99%\"]\n").plan();
  for (const std::size_t i : {0u, 1u}) {
    const auto model = point(plan, i);
    const double r = i == 0 ? 0.5 : 0.99;
    CHECK(model.components[0].reliability == 0.9999);  // lb untouched
    for (const std::size_t j : {1u, 2u, 3u}) CHECK(model.components[j].reliability == r);
    CHECK(model.components[4].reliability == 0.9995);  // db untouched
  }
}

TEST_CASE("the star selector sets every component's reliability", "[sweep_structure]") {
  const auto model = point(StructureSweep("  components[*].reliability: [0.75]\n").plan(), 0);
  for (const auto& c : model.components) CHECK(c.reliability == 0.75);
}

TEST_CASE("a real value survives the edit bit for bit", "[sweep_structure]") {
  // 0.1 + 0.2 has no short decimal form: the edit must write all 17 digits.
  const auto plan = StructureSweep("  components[lb].reliability: [0.30000000000000004]\n").plan();
  CHECK(point(plan, 0).components[0].reliability == 0.1 + 0.2);
}

TEST_CASE("replicas and required reshape a declaration", "[sweep_structure]") {
  const auto plan =
      StructureSweep("  components[api].replicas: [1, 5]\n  components[api].required: [1]\n")
          .plan();
  const auto one = point(plan, 0);
  CHECK(one.component_names() ==
        std::vector<std::string>{"lb", "api[1]", "db[1]", "db[2]", "db[3]"});
  CHECK(one.declarations[1].replicas == 1);
  const auto five = point(plan, 1);
  CHECK(five.components.size() == 1 + 5 + 3);
  CHECK(five.components[5].name == "api[5]");
  CHECK(five.declarations[2].first == 6);  // db follows api's five replicas

  const auto quorum = point(StructureSweep("  components[db].required: [1, 3]\n").plan(), 1);
  CHECK(quorum.declarations[2].required == 3);
  CHECK(quorum.declarations[1].required == 1);  // api keeps the default
}

TEST_CASE("a component's retries apply to each of its replicas", "[sweep_structure]") {
  const auto model = point(StructureSweep("  components[db].retries: [2]\n").plan(), 0);
  for (const auto& c : model.components) CHECK(c.retries == (c.declaration == "db" ? 2u : 0u));
}

TEST_CASE("a kind's weight and retries change that kind only", "[sweep_structure]") {
  const auto plan = StructureSweep(
                        "  request_kinds[admin].weight: [0.5, 7]\n  request_kinds[browse].retries: "
                        "[4]\n")
                        .plan();
  const auto model = point(plan, 1);
  CHECK(model.kinds[0].weight == 3);
  CHECK(model.kinds[1].weight == 7);
  CHECK(model.kinds[0].retries == 4);
  CHECK(model.kinds[1].retries == 0);
  CHECK(model.total_weight() == 10);
  CHECK(point(plan, 0).kinds[1].weight == 0.5);
}

TEST_CASE("a common cause's probability is edited in place", "[sweep_structure]") {
  const auto plan = StructureSweep("  common_cause[zone-a].probability: [0, \"1%\"]\n").plan();
  CHECK(point(plan, 0).common_causes[0].probability == 0);
  const auto model = point(plan, 1);
  CHECK(model.common_causes[0].probability == 0.01);
  CHECK(model.common_causes[0].takes_down == std::vector<std::uint32_t>{1, 4});
}

TEST_CASE("required above replicas is refused when the sweep is read, naming the point",
          "[sweep_structure]") {
  const StructureSweep sweep(
      "  components[api].replicas: [2, 3]\n  components[api].required: [1, 3]\n");
  const std::string message = sweep.error();
  INFO(message);
  CHECK(message.starts_with(sweep.sweep_path() + ":1:"));
  CHECK(message.find("sweep point 1 (components[api].replicas = 2, components[api].required = "
                     "3) is not a valid structure: ") != std::string::npos);
  // The rest is the structure parser's own message about the edited base.
  CHECK(message.find("required") != std::string::npos);
}

TEST_CASE("weights that sum to zero at some point are refused", "[sweep_structure]") {
  const StructureSweep sweep(
      "  request_kinds[browse].weight: [0, 1]\n  request_kinds[admin].weight: [1, 0]\n");
  const std::string message = sweep.error();
  INFO(message);
  CHECK(message.find("sweep point 1 (request_kinds[browse].weight = 0, "
                     "request_kinds[admin].weight = 0) is not a valid structure") !=
        std::string::npos);
}

TEST_CASE("probabilities are never combined at read time, each value is checked alone",
          "[sweep_structure]") {
  // Every structural combination is valid; the probability axis adds no checks.
  const auto plan = StructureSweep(
                        "  components[api].required: [1, 2]\n  components[api].reliability: "
                        "[0, 0.5, 1]\n  common_cause[zone-a].probability: [0, 1]\n")
                        .plan();
  CHECK(plan.points.size() == 12);
  CHECK(point(plan, 11).declarations[1].required == 2);
}

TEST_CASE("beyond kMaxStructuralCombinations a bad point is refused when it is built",
          "[sweep_structure]") {
  // 101 x 100 = 10,100 combinations of replicas and retries: too many to build at read time,
  // so the sweep reads, and the one bad combination (1 replica, 2 required) is refused by
  // sweep_point_structure when its point is reached.
  static_assert(101 * 100 > nines::kMaxStructuralCombinations);
  const auto plan = StructureSweep(
                        "  components[api].replicas: {from: 1, to: 101}\n"
                        "  components[api].required: [2]\n"
                        "  components[api].retries: {from: 0, to: 99}\n")
                        .plan();
  REQUIRE(plan.points.size() == 10'100);
  CHECK_NOTHROW(point(plan, 100));                     // replicas 2, retries 0
  CHECK_THROWS_AS(point(plan, 0), nines::InputError);  // replicas 1, required 2
}

TEST_CASE("a chain base has no structure to edit", "[sweep_structure]") {
  const auto plan = nines::parse_sweep(
      "format_version: 1\nkind: sweep\nname: c\nchain: {count: 2, reliability: 0.9}\n"
      "grid:\n  run.seed: [1]\n",
      "c.sweep.yaml");
  CHECK_THROWS_AS(nines::sweep_point_structure(plan, plan.points[0]), std::logic_error);
}
