// --target-precision: the stopping rule (stats/precision.hpp), its checkpoints
// (run/checkpoints.hpp), the driver that stops at them, and the files and summaries of runs that
// stop early. The coverage test measures what a data-dependent stopping rule could break: the
// 95% interval of runs stopped by the rule must still cover the exact unreliability about 95%
// of the time.
#include <oneapi/tbb/global_control.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "nines/io/hdf5.hpp"
#include "nines/pipeline/chain_pipeline.hpp"
#include "nines/pipeline/run_pipeline.hpp"
#include "nines/pipeline/structure_pipeline.hpp"
#include "nines/run/checkpoints.hpp"
#include "nines/stats/precision.hpp"
#include "nines/stats/statistics.hpp"
#include "support/chain_counts.hpp"
#include "support/structure_tally.hpp"
#include "support/temp_dir.hpp"

using namespace nines;
using nines::test::TempDir;

namespace {

RunInfo precision_info(std::uint64_t seed, std::uint64_t cap, double target,
                       std::uint64_t chunk_requests, RecordMode record = RecordMode::none,
                       SamplerKind sampler = SamplerKind::per_request) {
  RunInfo info;
  info.seed = seed;
  info.requests = cap;
  info.record = record;
  info.sampler = sampler;
  info.chunk_requests = chunk_requests;
  info.created = "2026-12-03T08:00:00Z";
  info.target_precision = target;
  return info;
}

// One run of `pipeline` to its precision, nothing recorded, on the current thread pool.
template <class P>
std::pair<DriveResult, typename P::Conclusion> run_to_precision(const P& pipeline,
                                                                const RunInfo& info) {
  const auto kernel = pipeline.kernel(info);
  ChunkPlan plan;
  plan.requests = info.requests;
  plan.chunk_requests = info.chunk_requests;
  DriveResult drive_result =
      drive(*kernel, plan, nullptr, DriveControl{}, precision_rule(pipeline, info));
  auto conclusion = conclude_sampled(pipeline, info, drive_result);
  return {std::move(drive_result), std::move(conclusion)};
}

}  // namespace

TEST_CASE("relative half-width of the Wilson interval of the unreliability", "[precision]") {
  CHECK(std::isinf(relative_half_width(0, 1000, 0.95)));
  CHECK_FALSE(precision_reached(0, 1000, 0.5, 0.95));
  // The summary's interval, mirrored: the same width.
  const Interval r = wilson_interval(10'000 - 100, 10'000, 0.95);
  CHECK(relative_half_width(100, 10'000, 0.95) ==
        Approx((r.high - r.low) / 2 / 0.01).epsilon(1e-12));
  // About z / sqrt(failures) when failures are few of many requests: 1.96 / 10.
  CHECK(relative_half_width(100, 100'000'000, 0.95) == Approx(0.196).epsilon(0.01));
  CHECK(precision_reached(100, 100'000'000, 0.2, 0.95));
  CHECK_FALSE(precision_reached(100, 100'000'000, 0.19, 0.95));
}

TEST_CASE("checkpoints: every chunk to 8, then 1/8 further, capped", "[precision]") {
  std::vector<std::uint64_t> seen;
  for (std::uint64_t c = 0; c < 30;) seen.push_back(c = next_checkpoint(c, 30));
  CHECK(seen == std::vector<std::uint64_t>{1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                           12, 13, 14, 15, 16, 18, 20, 22, 24, 27, 30});
  CHECK(next_checkpoint(0, 1) == 1);
  CHECK(next_checkpoint(800, 1000) == 900);
  CHECK(next_checkpoint(900, 1000) == 1000);
  const std::uint64_t big = std::uint64_t{1} << 62;
  CHECK(next_checkpoint(big, big + 5) == big + 5);  // no overflow near the top
}

TEST_CASE("a run stops at the same checkpoint with the same counts on any thread count",
          "[precision]") {
  const Scenario scenario = nines::test::chain_scenario({0.99, 0.995});
  const ChainPipeline pipeline(scenario);
  const RunInfo info = precision_info(5, 10'000'000, 0.05, 1 << 10);
  std::vector<std::uint64_t> tally;
  std::uint64_t requests = 0, checkpoints = 0;
  for (const int threads : {1, 2, 4}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
    const auto [result, summary] = run_to_precision(pipeline, info);
    INFO(threads << " threads");
    CHECK(result.rule_met);
    CHECK_FALSE(result.interrupted);
    CHECK(result.requests_done < info.requests);
    CHECK(result.requests_done % info.chunk_requests == 0);
    REQUIRE(summary.precision);
    CHECK(summary.precision->reached);
    CHECK(summary.precision->achieved <= 0.05);
    CHECK(summary.requests == result.requests_done);
    if (threads == 1) {
      tally = result.tally;
      requests = result.requests_done;
      checkpoints = result.checkpoints;
    } else {
      CHECK(result.tally == tally);
      CHECK(result.requests_done == requests);
      CHECK(result.checkpoints == checkpoints);
    }
  }
}

TEST_CASE("a run whose cap comes first says the precision was not reached", "[precision]") {
  const Scenario scenario = nines::test::chain_scenario({0.999});
  const ChainPipeline pipeline(scenario);
  const RunInfo info = precision_info(3, 20'000, 0.01, 1 << 10);
  const auto [result, summary] = run_to_precision(pipeline, info);
  CHECK_FALSE(result.rule_met);
  CHECK_FALSE(result.interrupted);
  CHECK(result.requests_done == 20'000);
  CHECK(result.checkpoints == 18);  // 1..16, 18, 20 (of 20 chunks, the last partial)
  REQUIRE(summary.precision);
  CHECK_FALSE(summary.precision->reached);
  CHECK(summary.precision->achieved > 0.01);
  CHECK(summary.precision->requests_cap == 20'000);
}

// 1,000 replications (seeds 1 to 1000) of a chain of two components at 99.5%, exact
// unreliability 1 - 0.995^2 = 0.009975, each stopped when the interval is within the target of
// the estimate: 20% (about 96 failures, 9,600 requests: 38 chunks of 256, past 25
// checkpoints), 10% (about 385 failures: 38 chunks of 1,024) and 5% (about 1,540 failures: 38
// chunks of 4,096). The stopped runs' 95% Wilson intervals must cover the exact value in 93.5%
// to 96.5% of them: the binomial sd of a 95% rate over 1,000 runs is 0.69%, so that is +-2.2 sd.
TEST_CASE("runs stopped at a precision keep the interval's coverage", "[precision][coverage]") {
  const auto [target, chunk] =
      GENERATE(table<double, std::uint64_t>({{0.2, 256}, {0.1, 1024}, {0.05, 4096}}));
  const Scenario scenario = nines::test::chain_scenario({0.995, 0.995});
  const ChainPipeline pipeline(scenario);
  const double exact = pipeline.analytics().unreliability();
  REQUIRE(exact == Approx(0.009975).epsilon(1e-12));
  int covered = 0, reached = 0;
  std::uint64_t requests = 0;
  constexpr int kReplications = 1000;
  for (int seed = 1; seed <= kReplications; ++seed) {
    const RunInfo info = precision_info(static_cast<std::uint64_t>(seed), 100'000'000, target,
                                        chunk, RecordMode::none, SamplerKind::geometric_skip);
    const auto [result, summary] = run_to_precision(pipeline, info);
    reached += summary.precision->reached ? 1 : 0;
    requests += result.requests_done;
    // The interval the summary prints: 1 - the reliability interval.
    const double low = 1 - summary.reliability_ci.high, high = 1 - summary.reliability_ci.low;
    covered += low <= exact && exact <= high ? 1 : 0;
  }
  const double coverage = static_cast<double>(covered) / kReplications;
  WARN("target " << target * 100 << "%: coverage " << coverage * 100 << "% over " << kReplications
                 << " runs, mean requests " << requests / kReplications);
  CHECK(reached == kReplications);
  CHECK(coverage >= 0.935);
  CHECK(coverage <= 0.965);
}

TEMPLATE_TEST_CASE("a recorded run that stops early holds the requests it sampled",
                   "[precision][run_pipeline]", ChainPipeline, StructurePipeline) {
  const Scenario scenario = nines::test::chain_scenario({0.99, 0.995, 0.9});
  const StructureModel model = nines::test::structure_from_yaml(nines::test::kTwoKinds);
  const auto make = [&]() -> std::unique_ptr<TestType> {
    if constexpr (std::is_same_v<TestType, ChainPipeline>)
      return std::make_unique<ChainPipeline>(scenario);
    else
      return std::make_unique<StructurePipeline>(model);
  };
  const auto pipeline = make();
  for (const RecordMode record : {RecordMode::dense, RecordMode::failures, RecordMode::none}) {
    TempDir dir("precision-run");
    const std::string path = dir.file("run.h5");
    const RunInfo info = precision_info(7, 1'000'000, 0.05, 1 << 10, record);
    LocalCommunicator local;
    INFO("record " << to_string(record));
    const auto outcome = run_pipeline(*pipeline, info, {path, false}, local, {});
    REQUIRE(outcome.conclusion);
    REQUIRE(outcome.conclusion->precision);
    const PrecisionOutcome& p = *outcome.conclusion->precision;
    CHECK(p.reached);
    CHECK(p.requests_sampled == outcome.drive.requests_done);
    CHECK(p.requests_sampled < info.requests);
    const hdf5::File file = hdf5::File::open_read_only(path);
    CHECK(file.read_attribute<std::uint64_t>("requests") == p.requests_sampled);
    CHECK(file.read_attribute<std::uint64_t>("requests_cap") == 1'000'000);
    CHECK(file.read_attribute<double>("target_precision") == 0.05);
    CHECK(file.read_attribute<std::int8_t>("precision_reached") == 1);
    CHECK(file.read_attribute<double>("precision_achieved") == p.achieved);
    CHECK(file.read_attribute<std::uint64_t>("precision_checkpoint") == p.checkpoint);
    if (record == RecordMode::dense) {
      const char* dataset =
          std::is_same_v<TestType, ChainPipeline> ? "requests/failed_component" : "requests/kind";
      CHECK(file.open_dataset(dataset).size() == p.requests_sampled);
    }
    const auto json = pipeline->json(RunFacts{info, path}, *outcome.conclusion);
    CHECK(json.find("\"precision\":{\"target\":0.05,\"reached\":true") != std::string::npos);
    const auto text = pipeline->text(RunFacts{info, path}, *outcome.conclusion, false);
    CHECK(text.find("target ±5% reached at checkpoint") != std::string::npos);
  }
}
