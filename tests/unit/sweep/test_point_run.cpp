// One sweep point as a run: its counts and conclusion equal `nines run --record none` of the
// same point (run_pipeline of the equivalent scenario, here written out by hand), bit for bit,
// for chain and structure bases and both sampler choices.
#include "nines/sweep/point_run.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/input/structure_parser.hpp"
#include "nines/input/sweep_parser.hpp"
#include "nines/pipeline/chain_pipeline.hpp"
#include "nines/pipeline/run_pipeline.hpp"
#include "nines/pipeline/structure_pipeline.hpp"
#include "nines/run/driver.hpp"
#include "nines/sample/choose_sampler.hpp"
#include "support/temp_dir.hpp"

using namespace nines;
using nines::test::TempDir;

namespace {

constexpr std::uint64_t kChunk = 1 << 12;

// The kept counts of point `i`, sampled through the point's own kernel.
std::vector<std::uint64_t> point_counts(const PointRun& run, const SweepPlan& plan, std::size_t i) {
  const auto kernel = run.kernel(RecordMode::none);
  ChunkPlan chunks;
  chunks.requests = plan.points[i].requests;
  chunks.chunk_requests = kChunk;
  const DriveResult result = drive(*kernel, chunks, nullptr);
  REQUIRE_FALSE(result.interrupted);
  auto counts = run.counts_from_tally(result.tally);
  CHECK(counts.size() == run.counts_size());
  return counts;
}

RunInfo direct_info(const SweepPoint& p, SamplerKind sampler) {
  RunInfo info;
  info.requests = p.requests;
  info.seed = p.seed;
  info.record = RecordMode::none;
  info.sampler = sampler;
  info.chunk_requests = kChunk;
  info.created = "2026-12-02T00:00:00Z";
  return info;
}

// `nines run` of pipeline P to a file in `dir`: the reference a point must equal.
template <class P>
typename P::Conclusion direct_run(const P& pipeline, const RunInfo& info, const TempDir& dir) {
  LocalCommunicator local;
  auto outcome = run_pipeline(pipeline, info, {dir.file("direct.h5"), true}, local, {});
  REQUIRE(outcome.conclusion);
  return *outcome.conclusion;
}

SweepPlan chain_plan() {
  return parse_sweep(R"(format_version: 1
kind: sweep
name: chain-points
scenario:
  components:
    - {name: a, reliability: 0.99}
    - {name: b, reliability: 0.9}
    - {name: c, reliability: 0.999}
run: {requests: 30001, seed: 5}
seeds: per-point
grid:
  components[b].reliability: [0.9, 0.99999]
  run.requests: [30001, 7]
)",
                     "chain.sweep.yaml");
}

constexpr const char* kBase = R"(format_version: 2
name: shop
run: {requests: 20001, seed: 9}
components:
  - {name: lb, reliability: 0.999}
  - {name: api, reliability: 0.99, replicas: 3}
  - {name: db, reliability: 0.995, replicas: 3, required: 2}
request_kinds:
  - {name: browse, weight: 3, path: [lb, api, db]}
  - {name: admin, weight: 1, retries: 1, path: [lb, db]}
common_cause:
  - {name: zone-a, probability: 0.002, takes_down: ["api[1]", "db[1]"]}
)";

// The base with api's replicas and required edited by hand, as a person would for `nines run`.
std::string edited_base(std::uint64_t replicas, std::uint64_t required) {
  std::string text = kBase;
  const std::string from = "{name: api, reliability: 0.99, replicas: 3}";
  text.replace(text.find(from), from.size(),
               "{name: api, reliability: 0.99, replicas: " + std::to_string(replicas) +
                   ", required: " + std::to_string(required) + "}");
  return text;
}

}  // namespace

TEST_CASE("a chain point's counts and rows equal a direct run of its chain", "[point_run]") {
  const SweepPlan plan = chain_plan();
  REQUIRE(plan.points.size() == 4);
  TempDir dir("point-run");
  for (const auto choice : {SamplerChoice::automatic, SamplerChoice::per_request}) {
    for (std::size_t i = 0; i < plan.points.size(); ++i) {
      INFO("point " << i << ", choice " << static_cast<int>(choice));
      const SweepPoint p = plan.points[i];
      const auto run = PointRun::make(plan, i, choice, kChunk);
      CHECK(run->kernel_name() == "chain");
      CHECK(run->components() == 3);
      CHECK(run->counts_size() == 3);
      const auto counts = point_counts(*run, plan, i);

      Scenario scenario;
      scenario.name = "direct";
      scenario.components = p.components;
      const ChainPipeline pipeline(scenario);
      const SamplerKind sampler = pipeline.choose_sampler(choice, RecordMode::none);
      CHECK(run->sampler() == sampler);
      const Summary direct = direct_run(pipeline, direct_info(p, sampler), dir);
      CHECK(counts == direct.component_failures);

      const PointConclusion c = run->conclude(counts, p.requests);
      CHECK(c.kernel == "chain");
      CHECK(c.sampler == to_string(sampler));
      CHECK(c.row.failures == direct.failures);
      CHECK(c.row.reliability_empirical == direct.reliability_empirical);
      CHECK(c.row.reliability_analytic == direct.reliability_analytic);
      CHECK(c.row.ci_low == direct.reliability_ci.low);
      CHECK(c.row.ci_high == direct.reliability_ci.high);
      CHECK(c.row.z_score == direct.z_score);
      CHECK(c.row.reliability_p_value == direct.reliability_p_value);
      CHECK(c.row.attribution_chi2 == direct.attribution.statistic);
      CHECK(c.row.agrees == direct.agrees);
      CHECK(c.row.verdict_tests == 0);
      CHECK(c.kinds.empty());
      REQUIRE(c.components.size() == 3);
      for (std::size_t k = 0; k < 3; ++k) {
        CHECK(c.components[k].name == p.components[k].name);
        CHECK(c.components[k].reliability == p.components[k].reliability);
        CHECK(c.components[k].failures == counts[k]);
        CHECK(c.components[k].expected_failures == direct.expected_failures[k]);
      }
    }
  }
}

TEST_CASE("a reliable chain point is sampled by skipping under auto", "[point_run]") {
  const SweepPlan plan = chain_plan();
  CHECK(PointRun::make(plan, 2, SamplerChoice::automatic, kChunk)->sampler() ==
        SamplerKind::geometric_skip);
  CHECK(PointRun::make(plan, 2, SamplerChoice::per_request, kChunk)->sampler() ==
        SamplerKind::per_request);
  CHECK(PointRun::make(plan, 0, SamplerChoice::automatic, kChunk)->sampler() ==
        SamplerKind::per_request);
}

TEST_CASE("a structure point's counts and rows equal a direct run of the edited base",
          "[point_run]") {
  TempDir dir("point-run");
  std::ofstream(dir.file("base.yaml")) << kBase;
  const SweepPlan plan = parse_sweep(R"(format_version: 1
kind: sweep
name: structure-points
base: base.yaml
grid:
  components[api].replicas: [1, 3]
  components[api].required: [1]
)",
                                     dir.file("s.sweep.yaml"));
  REQUIRE(plan.points.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    INFO("point " << i);
    const SweepPoint p = plan.points[i];
    const std::uint64_t replicas = i == 0 ? 1 : 3;
    const auto run = PointRun::make(plan, i, SamplerChoice::automatic, kChunk);
    CHECK(run->kernel_name() == "structure");
    CHECK(run->components() == 1 + replicas + 3);
    const auto counts = point_counts(*run, plan, i);

    const StructureModel model =
        parse_structure_model(edited_base(replicas, 1), dir.file("base.yaml"));
    const StructurePipeline pipeline(model);
    const SamplerKind sampler = pipeline.choose_sampler(SamplerChoice::automatic, RecordMode::none);
    CHECK(run->sampler() == sampler);
    RunInfo info = direct_info(p, sampler);
    info.importance = ImportanceMode::exact;
    const StructureSummary direct = direct_run(pipeline, info, dir);

    const PointConclusion c = run->conclude(counts, p.requests);
    CHECK(c.kernel == "structure");
    CHECK(c.row.failures == direct.mix.failures);
    CHECK(c.row.reliability_empirical == direct.mix.reliability_empirical);
    CHECK(c.row.reliability_analytic == direct.mix.reliability_analytic);
    CHECK(c.row.z_score == direct.mix.z_score);
    CHECK(c.row.attribution_chi2 == direct.mix.attribution.statistic);
    CHECK(c.row.agrees == direct.agrees);
    CHECK(c.row.verdict_tests == direct.tests);
    CHECK(c.row.expected_attempts == direct.mix.expected_attempts);
    CHECK(c.row.failures > 0);  // U is about 0.7%: a check of real counts, not of zeros
    REQUIRE(c.kinds.size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
      CHECK(c.kinds[k].name == direct.kinds[k].name);
      CHECK(c.kinds[k].requests == direct.kinds[k].requests);
      CHECK(c.kinds[k].failures == direct.kinds[k].failures);
      CHECK(c.kinds[k].attempts == direct.kinds[k].attempts);
      CHECK(c.kinds[k].reliability_analytic == direct.kinds[k].reliability_analytic);
    }
    CHECK(c.kinds[0].requests + c.kinds[1].requests == p.requests);
    REQUIRE(c.components.size() == model.components.size());
    for (std::size_t j = 0; j < model.components.size(); ++j) {
      CHECK(c.components[j].name == model.components[j].name);
      CHECK(c.components[j].failures == direct.mix.culprit_counts[j]);
      CHECK(c.components[j].birnbaum == direct.importance[j].birnbaum);
      CHECK(c.components[j].raw == direct.importance[j].raw);
    }
  }
}

TEST_CASE("a structure point that is a plain chain uses the chain kernel", "[point_run]") {
  TempDir dir("point-run");
  std::ofstream(dir.file("chain2.yaml")) << "format_version: 2\nname: c\nrun: {requests: 1000}\n"
                                            "components:\n  - {name: a, reliability: 0.9}\n"
                                            "  - {name: b, reliability: 0.8}\n";
  const SweepPlan plan = parse_sweep(
      "format_version: 1\nkind: sweep\nname: s\nbase: chain2.yaml\ngrid:\n"
      "  components[a].reliability: [0.5]\n",
      dir.file("s.sweep.yaml"));
  const auto run = PointRun::make(plan, 0, SamplerChoice::per_request, kChunk);
  CHECK(run->kernel_name() == "chain");
  const auto counts = point_counts(*run, plan, 0);
  const PointConclusion c = run->conclude(counts, plan.points[0].requests);
  CHECK(c.kernel == "chain");
  // a fails half the requests: 500 expected, sd about 16.
  CHECK(c.components[0].failures == Approx(500).margin(5 * 16));
  CHECK(c.row.reliability_analytic == 0.5 * 0.8);
}

TEST_CASE("a point the edit makes invalid, or a stop, ends make", "[point_run]") {
  TempDir dir("point-run");
  std::ofstream(dir.file("base.yaml")) << kBase;
  // Too many structural combinations to check at read time: point 0 (1 replica, 2 required)
  // is refused only when it is made.
  const SweepPlan plan = parse_sweep(
      "format_version: 1\nkind: sweep\nname: s\nbase: base.yaml\ngrid:\n"
      "  components[api].replicas: {from: 1, to: 101}\n  components[api].required: [2]\n"
      "  components[api].retries: {from: 0, to: 99}\n",
      dir.file("s.sweep.yaml"));
  CHECK_THROWS_AS(PointRun::make(plan, 0, SamplerChoice::automatic, kChunk), InputError);
  const std::atomic<bool> stop{true};
  CHECK_THROWS_AS(PointRun::make(plan, 100, SamplerChoice::automatic, kChunk, &stop), Interrupted);
  CHECK_THROWS_AS(PointRun::make(plan, plan.points.size(), SamplerChoice::automatic, kChunk),
                  std::out_of_range);
}
