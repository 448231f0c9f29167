// What a sweep has established: finished points and their integer counts, set once (a second
// record of a point is the same point, ignored), structure conclusions kept beside them, and
// conclude_point giving the kept conclusion or computing a chain's.
#include "nines/sweep/sweep_results.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "nines/input/sweep_parser.hpp"
#include "nines/sweep/point_run.hpp"
#include "support/temp_dir.hpp"

using namespace nines;

namespace {

SweepPlan chain_plan() {
  return parse_sweep(R"(format_version: 1
kind: sweep
name: results
chain: {count: 2}
run: {requests: 1000}
grid:
  chain.reliability: [0.5, 0.9, 0.99]
)",
                     "results.sweep.yaml");
}

}  // namespace

TEST_CASE("results start empty and complete when every point is set", "[sweep_results]") {
  const SweepPlan plan = chain_plan();
  SweepResults results(plan);
  CHECK(results.size() == 3);
  CHECK(results.done_count() == 0);
  CHECK_FALSE(results.complete());
  results.set(2, {1, 2});
  CHECK(results.done(2));
  CHECK_FALSE(results.done(0));
  CHECK(results.done_count() == 1);
  CHECK(results.failures(2) == std::vector<std::uint64_t>{1, 2});
  results.set(0, {3, 4});
  results.set(1, {5, 6});
  CHECK(results.complete());
}

TEST_CASE("a second record of a finished point changes nothing", "[sweep_results]") {
  SweepResults results(chain_plan());
  results.set(1, {10, 20});
  results.set(1, {99, 99});
  CHECK(results.done_count() == 1);
  CHECK(results.counts(1) == std::vector<std::uint64_t>{10, 20});
}

TEST_CASE("chain results keep no conclusions", "[sweep_results]") {
  SweepResults results(chain_plan());
  auto conclusion = std::make_shared<const PointConclusion>();
  results.set(0, {1, 1}, conclusion);
  results.keep(1, conclusion);
  CHECK(results.kept(0) == nullptr);
  CHECK(results.kept(1) == nullptr);
}

TEST_CASE("a chain point's conclusion is computed from its counts", "[sweep_results]") {
  const SweepPlan plan = chain_plan();
  SweepResults results(plan);
  results.set(1, {80, 9});
  const PointConclusion c = conclude_point(plan, results, 1, SamplerChoice::per_request, 1 << 12);
  CHECK(c.row.failures == 89);
  CHECK(c.row.reliability_empirical == Approx(1 - 89.0 / 1000).epsilon(1e-12));
  CHECK(c.row.reliability_analytic == Approx(0.81).epsilon(1e-12));
  REQUIRE(c.components.size() == 2);
  CHECK(c.components[0].failures == 80);
  CHECK(c.components[0].expected_failures == Approx(100).epsilon(1e-12));  // n (1 - r)
  CHECK(c.components[1].expected_failures == Approx(90).epsilon(1e-12));   // n r (1 - r)
}

TEST_CASE("a structure point's kept conclusion is returned as kept", "[sweep_results]") {
  nines::test::TempDir dir("sweep-results");
  std::ofstream(dir.file("base.yaml")) << "format_version: 2\nname: b\nrun: {requests: 100}\n"
                                          "components:\n  - {name: a, reliability: 0.9}\n";
  const SweepPlan plan = parse_sweep(
      "format_version: 1\nkind: sweep\nname: s\nbase: base.yaml\ngrid:\n"
      "  components[a].reliability: [0.5, 0.25]\n",
      dir.file("s.sweep.yaml"));
  SweepResults results(plan);
  auto marked = std::make_shared<PointConclusion>();
  marked->sampler = "kept";
  results.set(0, {1, 2, 3}, marked);
  REQUIRE(results.kept(0) != nullptr);
  CHECK(results.kept(0)->sampler == "kept");
  CHECK(results.kept(1) == nullptr);
  CHECK(conclude_point(plan, results, 0, SamplerChoice::automatic, 1 << 12).sampler == "kept");

  auto replaced = std::make_shared<PointConclusion>();
  replaced->sampler = "replaced";
  results.keep(0, replaced);
  CHECK(results.kept(0)->sampler == "replaced");
  CHECK(results.counts(0) == std::vector<std::uint64_t>{1, 2, 3});
}
