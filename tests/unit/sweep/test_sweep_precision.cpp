// Sweeps with run.target_precision: each point stops where `nines run --target-precision` of
// the point stops (its own checkpoints, its own rule), the journal keeps the requests each
// point sampled, and a resumed sweep concludes its journaled points from them.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "nines/input/sweep_parser.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/pipeline/run_pipeline.hpp"
#include "nines/run/driver.hpp"
#include "nines/stats/precision.hpp"
#include "nines/summary/summary.hpp"
#include "nines/sweep/point_run.hpp"
#include "nines/sweep/sweep_journal.hpp"
#include "nines/sweep/sweep_runner.hpp"
#include "support/temp_dir.hpp"

using namespace nines;
using nines::test::TempDir;

namespace {

constexpr std::uint64_t kChunk = 1 << 10;

// Four chains failing about 1.1% to 0.11% of requests, to 10%: about 384 failures, so 35,000
// to 350,000 requests; the cap of 200,000 stops the last ones first.
SweepPlan precision_points() {
  return parse_sweep(R"(format_version: 1
kind: sweep
name: precision
scenario:
  components:
    - {name: a, reliability: 0.99}
    - {name: b, reliability: 0.999}
run: {requests: 200000, seed: 21, target_precision: 10%}
seeds: per-point
grid:
  components[a].reliability: [0.99, 0.999]
  components[b].reliability: [0.999, 0.9999]
)",
                     "precision.sweep.yaml");
}

SweepRunOptions options_for(const std::string& output) {
  SweepRunOptions o;
  o.output = output;
  o.sampler = SamplerChoice::per_request;
  o.chunk_requests = kChunk;
  o.created = "2026-12-03T00:00:00Z";
  return o;
}

// Point i run on its own to the sweep's precision: its tally and the requests it sampled.
DriveResult direct_run(const SweepPlan& plan, std::size_t i) {
  const auto run = PointRun::make(plan, i, SamplerChoice::per_request, kChunk);
  const ChunkPlan chunks{plan.points[i].requests, kChunk};
  const double target = *plan.target_precision;
  const PointRun& point = *run;
  return drive(*run->kernel(RecordMode::none), chunks, nullptr, DriveControl{},
               [&point, target](const std::vector<std::uint64_t>& tally, std::uint64_t n) {
                 return precision_reached(point.failures(tally), n, target, kDefaultCiLevel);
               });
}

std::vector<std::uint64_t> column(const std::string& path, const char* name) {
  const auto file = hdf5::File::open_read_only(path);
  return file.open_group("points").open_dataset(name).read<std::uint64_t>();
}

}  // namespace

TEST_CASE("each sweep point stops at its own checkpoint", "[sweep][precision]") {
  const SweepPlan plan = precision_points();
  REQUIRE(plan.target_precision == 0.1);
  TempDir dir("sweep-precision");
  LocalCommunicator world;
  const SweepOutcome out = run_sweep(plan, options_for(dir.file("out.h5")), world);
  REQUIRE(out.complete);
  int capped = 0;
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    INFO("point " << i);
    const DriveResult direct = direct_run(plan, i);
    CHECK(out.results.requests(i, 0) == direct.requests_done);
    std::vector<std::uint64_t> counts = direct.tally;
    counts.pop_back();  // a chain point keeps its first failures
    CHECK(out.results.counts(i) == counts);
    capped += direct.rule_met ? 0 : 1;
  }
  CHECK(capped >= 1);  // the cap stopped some point, the rule others
  CHECK(capped < 4);
  const auto requests = column(dir.file("out.h5"), "requests");
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    CHECK(requests[i] == out.results.requests(i, 0));
}

TEST_CASE("a resumed precision sweep keeps its journaled points' requests", "[sweep][precision]") {
  const SweepPlan plan = precision_points();
  TempDir dir("sweep-precision");
  LocalCommunicator world;
  const std::string reference = dir.file("reference.h5"), resumed = dir.file("resumed.h5");
  const SweepOutcome full = run_sweep(plan, options_for(reference), world);
  REQUIRE(full.complete);
  {
    // A journal holding points 0 and 2 only, as an interrupted sweep leaves it.
    SweepJournal journal(resumed + ".journal", plan, SamplerChoice::per_request);
    journal.start();
    std::vector<SweepJournalRecord> records;
    for (const std::size_t p : {std::size_t{0}, std::size_t{2}})
      records.push_back({p, full.results.requests(p, 0), full.results.counts(p)});
    journal.append(records);
  }
  SweepRunOptions options = options_for(resumed);
  options.resume = true;
  const SweepOutcome out = run_sweep(plan, options, world);
  REQUIRE(out.complete);
  CHECK(out.start.resumed == 2);
  for (const char* name : {"requests", "failures"})
    CHECK(column(resumed, name) == column(reference, name));
}
