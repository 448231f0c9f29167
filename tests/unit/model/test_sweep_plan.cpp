// The sweep model built directly (no sweep file): point i computed from its index, axes in
// order with the first slowest, zipped parameters moving together, replications innermost,
// and each point's seed, requests and components.
#include "nines/model/sweep_plan.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <stdexcept>
#include <vector>

using nines::SweepGrid;
using nines::SweepParameter;
using nines::SweepPointList;
using nines::SweepTarget;
using nines::SweepValue;

namespace {

SweepParameter parameter(SweepTarget target, std::size_t component = 0) {
  SweepParameter p;
  p.target = target;
  p.component = component;
  return p;
}

std::vector<SweepValue> reals(std::initializer_list<double> values) {
  std::vector<SweepValue> out;
  for (const double v : values) out.push_back({v, 0});
  return out;
}

std::vector<SweepValue> wholes(std::initializer_list<std::uint64_t> values) {
  std::vector<SweepValue> out;
  for (const std::uint64_t v : values) out.push_back({0, v});
  return out;
}

// Two components; a grid over a's reliability (2 values) and the request count (3 values).
SweepGrid two_axes(std::uint64_t replications) {
  SweepGrid g;
  g.parameters = {parameter(SweepTarget::component_reliability, 0),
                  parameter(SweepTarget::requests)};
  g.values = {reals({0.9, 0.99}), wholes({10, 20, 30})};
  g.axes = {{{0}, 2}, {{1}, 3}};
  g.replications = replications;
  g.requests = 5;
  g.seed = 77;
  g.base_components = {{"a", 0.5, ""}, {"b", 0.75, ""}};
  return g;
}

}  // namespace

TEST_CASE("points run through the axes first slowest with replications innermost", "[sweep_plan]") {
  const SweepPointList points(two_axes(2));
  REQUIRE(points.size() == 2 * 3 * 2);
  for (std::size_t i = 0; i < points.size(); ++i) {
    INFO("point " << i);
    const auto p = points[i];
    CHECK(p.replication == i % 2);
    CHECK(p.values[0].real == (i / 6 == 0 ? 0.9 : 0.99));
    CHECK(p.values[1].integer == 10 * ((i / 2) % 3 + 1));
    CHECK(p.requests == p.values[1].integer);  // run.requests overrides the base's
    REQUIRE(p.components.size() == 2);
    CHECK(p.components[0].name == "a");
    CHECK(p.components[0].reliability == p.values[0].real);
    CHECK(p.components[1].reliability == 0.75);  // not swept: the base's value
    CHECK(p.reliabilities() == std::vector<double>{p.values[0].real, 0.75});
  }
}

TEST_CASE("zipped parameters share one axis and move together", "[sweep_plan]") {
  SweepGrid g;
  g.parameters = {parameter(SweepTarget::component_reliability, 1), parameter(SweepTarget::seed)};
  g.values = {reals({0.1, 0.2, 0.3}), wholes({1000, 2000, 3000})};
  g.axes = {{{0, 1}, 3}};
  g.base_components = {{"a", 0.5, ""}, {"b", 0.75, ""}};
  const SweepPointList points(std::move(g));
  REQUIRE(points.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto p = points[i];
    CHECK(p.components[1].reliability == std::vector<double>{0.1, 0.2, 0.3}[i]);
    CHECK(p.seed == 1000 * (i + 1));  // one replication: replication 0 keeps the seed itself
  }
}

TEST_CASE("common seeds repeat across points, per-point seeds differ", "[sweep_plan]") {
  const SweepPointList common(two_axes(3));
  for (std::size_t i = 0; i < common.size(); ++i)
    CHECK(common[i].seed == nines::replication_seed(77, i % 3));
  CHECK(common[0].seed == 77);

  SweepGrid g = two_axes(3);
  g.per_point_seeds = true;
  const SweepPointList per_point(std::move(g));
  for (std::size_t i = 0; i < per_point.size(); ++i)
    CHECK(per_point[i].seed == nines::replication_seed(77, i));
}

TEST_CASE("replication seeds are SplitMix64 outputs after the seed itself", "[sweep_plan]") {
  CHECK(nines::replication_seed(99, 0) == 99);
  // The third output of SplitMix64 started from 0 (the reference sequence).
  CHECK(nines::replication_seed(0, 3) == 0x06C45D188009454Full);
}

TEST_CASE("iteration visits exactly the indexed points", "[sweep_plan]") {
  const SweepPointList points(two_axes(2));
  std::size_t i = 0;
  for (const auto& p : points) {
    CHECK(p.values[0].real == points[i].values[0].real);
    CHECK(p.values[1].integer == points[i].values[1].integer);
    CHECK(p.seed == points[i].seed);
    ++i;
  }
  CHECK(i == points.size());
}

TEST_CASE("at refuses an index past the end, an empty list has no points", "[sweep_plan]") {
  const SweepPointList points(two_axes(1));
  CHECK_NOTHROW(points.at(5));
  CHECK_THROWS_AS(points.at(6), std::out_of_range);
  const SweepPointList none;
  CHECK(none.empty());
  CHECK(none.size() == 0);
  CHECK(none.begin() == none.end());
}

TEST_CASE("a grid with no axes is the base run, once per replication", "[sweep_plan]") {
  SweepGrid g;
  g.replications = 4;
  g.requests = 123;
  g.seed = 5;
  g.base_components = {{"only", 0.25, ""}};
  const SweepPointList points(std::move(g));
  REQUIRE(points.size() == 4);
  CHECK(points[0].requests == 123);
  CHECK(points[0].seed == 5);
  CHECK(points[3].seed == nines::replication_seed(5, 3));
  CHECK(points[3].values.empty());
}

TEST_CASE("a chain generator builds c1 to cN of the point's count and reliability",
          "[sweep_plan]") {
  SweepGrid g;
  g.chain_generator = true;
  g.parameters = {parameter(SweepTarget::chain_count), parameter(SweepTarget::chain_reliability)};
  g.values = {wholes({1, 4}), reals({0.9, 0.999})};
  g.axes = {{{0}, 2}, {{1}, 2}};
  const SweepPointList points(std::move(g));
  REQUIRE(points.size() == 4);
  CHECK(points[0].reliabilities() == std::vector<double>{0.9});
  const auto last = points[3];
  REQUIRE(last.components.size() == 4);
  CHECK(last.components[0].name == "c1");
  CHECK(last.components[3].name == "c4");
  CHECK(last.reliabilities() == std::vector<double>{0.999, 0.999, 0.999, 0.999});

  SweepGrid h;  // the count fixed by chain: {count: 3}
  h.chain_generator = true;
  h.chain_count = 3;
  h.parameters = {parameter(SweepTarget::chain_reliability)};
  h.values = {reals({0.25, 0.75})};
  h.axes = {{{0}, 2}};
  const SweepPointList generated(std::move(h));
  CHECK(generated[1].reliabilities() == std::vector<double>{0.75, 0.75, 0.75});
}

TEST_CASE("the all-reliabilities target sets every component of the point", "[sweep_plan]") {
  SweepGrid g;
  g.parameters = {parameter(SweepTarget::all_reliabilities)};
  g.values = {reals({0.125})};
  g.axes = {{{0}, 1}};
  g.base_components = {{"a", 0.5, ""}, {"b", 0.75, ""}, {"c", 1, ""}};
  const SweepPointList points(std::move(g));
  CHECK(points[0].reliabilities() == std::vector<double>{0.125, 0.125, 0.125});
}

TEST_CASE("structure parameters leave a point's chain untouched", "[sweep_plan]") {
  SweepGrid g;
  g.parameters = {parameter(SweepTarget::component_replicas, 0),
                  parameter(SweepTarget::kind_weight, 0)};
  g.values = {wholes({2, 3}), reals({1, 2})};
  g.axes = {{{0}, 2}, {{1}, 2}};
  const SweepPointList points(std::move(g));
  CHECK(points[3].components.empty());
  CHECK(points[3].values[0].integer == 3);
  CHECK(points[3].values[1].real == 2);
}

TEST_CASE("parameters are whole or real, structural or not, by their target", "[sweep_plan]") {
  struct Expect {
    SweepTarget target;
    bool integer, structural;
  };
  const std::vector<Expect> table{
      {SweepTarget::component_reliability, false, false},
      {SweepTarget::all_reliabilities, false, false},
      {SweepTarget::requests, true, false},
      {SweepTarget::seed, true, false},
      {SweepTarget::chain_count, true, false},
      {SweepTarget::chain_reliability, false, false},
      {SweepTarget::component_replicas, true, true},
      {SweepTarget::component_required, true, true},
      {SweepTarget::component_retries, true, true},
      {SweepTarget::kind_weight, false, true},
      {SweepTarget::kind_retries, true, true},
      {SweepTarget::cause_probability, false, false},
  };
  for (const auto& e : table) {
    INFO("target " << static_cast<int>(e.target));
    CHECK(parameter(e.target).is_integer() == e.integer);
    CHECK(parameter(e.target).is_structural() == e.structural);
  }
}

TEST_CASE("the fingerprint changes with either the sweep text or the base text", "[sweep_plan]") {
  nines::SweepPlan a;
  a.source_text = "sweep";
  a.base_text = "base";
  nines::SweepPlan b = a;
  CHECK(a.fingerprint() == b.fingerprint());
  b.base_text = "base ";
  CHECK(a.fingerprint() != b.fingerprint());
  b = a;
  b.source_text = "sweep ";
  CHECK(a.fingerprint() != b.fingerprint());
  CHECK(a.fingerprint().starts_with("sweep-sha256="));
}
