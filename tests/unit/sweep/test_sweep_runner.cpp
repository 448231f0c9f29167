// A sweep run to its output file: complete runs leave the file and no journal, a stopped run
// journals nothing of its unfinished window and leaves a partial file, a resumed run takes
// the journal's points as done and samples only the rest, and existing files are refused.
#include "nines/sweep/sweep_runner.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/input/sweep_parser.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/run/driver.hpp"
#include "nines/sweep/point_run.hpp"
#include "nines/sweep/sweep_journal.hpp"
#include "support/temp_dir.hpp"

using namespace nines;
using nines::test::TempDir;

namespace {

constexpr std::uint64_t kChunk = 1 << 10;

// Six points of a two-component chain, 3,001 requests each (three chunks and a bit).
SweepPlan six_points() {
  return parse_sweep(R"(format_version: 1
kind: sweep
name: runner
scenario:
  components:
    - {name: a, reliability: 0.9}
    - {name: b, reliability: 0.99}
run: {requests: 3001, seed: 21}
seeds: per-point
grid:
  components[a].reliability: [0.5, 0.9, 0.999]
  components[b].reliability: [0.8, 0.99]
)",
                     "runner.sweep.yaml");
}

SweepRunOptions options_for(const std::string& output) {
  SweepRunOptions o;
  o.output = output;
  o.sampler = SamplerChoice::per_request;
  o.chunk_requests = kChunk;
  o.created = "2026-12-02T00:00:00Z";
  return o;
}

// Point i's first failures per component, from its own run (PointRun and the driver).
std::vector<std::uint64_t> direct_counts(const SweepPlan& plan, std::size_t i) {
  const auto run = PointRun::make(plan, i, SamplerChoice::per_request, kChunk);
  ChunkPlan chunks;
  chunks.requests = plan.points[i].requests;
  chunks.chunk_requests = kChunk;
  return run->counts_from_tally(drive(*run->kernel(RecordMode::none), chunks, nullptr).tally);
}

std::string content_of(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("a sweep runs end to end to its file and removes its journal", "[sweep_runner]") {
  const SweepPlan plan = six_points();
  TempDir dir("sweep-runner");
  const std::string output = dir.file("out.h5");
  LocalCommunicator world;
  std::atomic<std::uint64_t> points_done{0}, requests_done{0};
  int starts = 0;
  SweepRunControl control;
  control.points_done = &points_done;
  control.requests_done = &requests_done;
  control.on_start = [&](const SweepStart& s) {
    ++starts;
    CHECK(s.points == 6);
    CHECK(s.resumed == 0);
    CHECK_FALSE(s.journal_existed);
    CHECK(s.local_requests == 6 * 3001);
  };
  const SweepOutcome out = run_sweep(plan, options_for(output), world, control);
  CHECK(starts == 1);
  CHECK(out.complete);
  CHECK_FALSE(out.interrupted);
  CHECK(out.results.complete());
  CHECK(points_done.load() == 6);
  CHECK(requests_done.load() == 6 * 3001);
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    INFO("point " << i);
    CHECK(out.results.counts(i) == direct_counts(plan, i));
  }
  CHECK(dir.entries() == std::vector<std::string>{"out.h5"});  // no journal, no temporary
  const auto file = hdf5::File::open_read_only(output);
  CHECK(file.read_attribute<std::uint64_t>("points_done") == 6);
  CHECK(file.read_attribute<std::int8_t>("complete") == 1);
}

TEST_CASE("a stopped sweep journals nothing unfinished, and resuming completes it",
          "[sweep_runner]") {
  const SweepPlan plan = six_points();
  TempDir dir("sweep-runner");
  const std::string output = dir.file("out.h5");
  LocalCommunicator world;
  const std::atomic<bool> stop{true};
  SweepRunControl control;
  control.stop = &stop;
  const SweepOutcome stopped = run_sweep(plan, options_for(output), world, control);
  CHECK(stopped.interrupted);
  CHECK_FALSE(stopped.complete);
  CHECK(stopped.results.done_count() == 0);
  // The partial file says so, and the journal stays for --resume.
  CHECK(dir.entries() == std::vector<std::string>{"out.h5", "out.h5.journal"});
  {
    const auto file = hdf5::File::open_read_only(output);
    CHECK(file.read_attribute<std::uint64_t>("points_done") == 0);
    CHECK(file.read_attribute<std::int8_t>("complete") == 0);
  }

  SweepRunOptions resume = options_for(output);
  resume.resume = true;
  const SweepOutcome done = run_sweep(plan, resume, world);
  CHECK(done.complete);
  CHECK(done.start.journal_existed);
  CHECK(done.start.resumed == 0);
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    CHECK(done.results.counts(i) == direct_counts(plan, i));
  CHECK(dir.entries() == std::vector<std::string>{"out.h5"});
}

TEST_CASE("resuming keeps the journal's points and samples only the others", "[sweep_runner]") {
  const SweepPlan plan = six_points();
  TempDir dir("sweep-runner");
  const std::string output = dir.file("out.h5");
  {
    // A journal in which point 4 is finished, with counts no run would draw: the resumed sweep
    // must keep them rather than sample the point again.
    SweepJournal journal(output + ".journal", plan, SamplerChoice::per_request);
    journal.start();
    const std::vector<SweepJournalRecord> records{{4, 3001, {7, 11}}};
    journal.append(records);
  }
  LocalCommunicator world;
  std::atomic<std::uint64_t> requests_done{0};
  SweepRunControl control;
  control.requests_done = &requests_done;
  SweepRunOptions resume = options_for(output);
  resume.resume = true;
  const SweepOutcome out = run_sweep(plan, resume, world, control);
  CHECK(out.complete);
  CHECK(out.start.resumed == 1);
  CHECK(out.start.local_requests == 5 * 3001);
  CHECK(requests_done.load() == 5 * 3001);
  CHECK(out.results.counts(4) == std::vector<std::uint64_t>{7, 11});
  for (const std::size_t i : {0u, 1u, 2u, 3u, 5u})
    CHECK(out.results.counts(i) == direct_counts(plan, i));
}

TEST_CASE("resume without a journal is refused and writes nothing", "[sweep_runner]") {
  const SweepPlan plan = six_points();
  TempDir dir("sweep-runner");
  SweepRunOptions resume = options_for(dir.file("out.h5"));
  resume.resume = true;
  LocalCommunicator world;
  try {
    run_sweep(plan, resume, world);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).starts_with("nothing to resume: there is no journal '" +
                                            dir.file("out.h5.journal") + "'"));
  }
  CHECK(dir.entries().empty());
}

TEST_CASE("an existing output is kept unless forced", "[sweep_runner]") {
  const SweepPlan plan = six_points();
  TempDir dir("sweep-runner");
  const std::string output = dir.file("out.h5");
  std::ofstream(output) << "someone else's file\n";
  LocalCommunicator world;
  CHECK_THROWS_AS(run_sweep(plan, options_for(output), world), InputError);
  CHECK(content_of(output) == "someone else's file\n");
  CHECK(dir.entries() == std::vector<std::string>{"out.h5"});

  SweepRunOptions forced = options_for(output);
  forced.force = true;
  CHECK(run_sweep(plan, forced, world).complete);
  CHECK(hdf5::File::open_read_only(output).read_attribute<std::uint64_t>("points_done") == 6);
}

TEST_CASE("a structure sweep keeps each point's conclusion", "[sweep_runner]") {
  TempDir dir("sweep-runner");
  std::ofstream(dir.file("base.yaml")) << R"(format_version: 2
name: pair
run: {requests: 2001, seed: 3}
components:
  - {name: a, reliability: 0.9, replicas: 2}
  - {name: b, reliability: 0.95}
)";
  const SweepPlan plan = parse_sweep(
      "format_version: 1\nkind: sweep\nname: s\nbase: base.yaml\ngrid:\n"
      "  components[a].required: [1, 2]\n",
      dir.file("s.sweep.yaml"));
  LocalCommunicator world;
  const SweepOutcome out = run_sweep(plan, options_for(dir.file("out.h5")), world);
  REQUIRE(out.complete);
  for (std::size_t i = 0; i < 2; ++i) {
    INFO("point " << i);
    const PointConclusion* kept = out.results.kept(i);
    REQUIRE(kept != nullptr);
    const auto run = PointRun::make(plan, i, SamplerChoice::per_request, kChunk);
    CHECK(out.results.counts(i).size() == run->counts_size());
    CHECK(kept->row.failures ==
          run->conclude(out.results.counts(i), plan.points[i].requests).row.failures);
  }
  // 1 of 2 replicas needed, then both: the second point is less reliable.
  CHECK(out.results.kept(0)->row.reliability_analytic >
        out.results.kept(1)->row.reliability_analytic);
}

TEST_CASE("a time sweep's point concludes as the time pipeline's own run of it", "[sweep_runner]") {
  TempDir dir("sweep-runner");
  std::ofstream(dir.file("base.yaml")) << R"(format_version: 3
name: pair-over-time
run: {seed: 5}
time: {horizon: 30d, histories: 150, traffic: {rate: 2/s}}
components:
  - {name: a, reliability: 0.999, replicas: 2, outages: {every: 5d, repair: 2h}}
  - {name: b, reliability: 0.9999, outages: {every: {weibull: {shape: 2, scale: 10d}}, repair: 1h}}
)";
  const SweepPlan plan = parse_sweep(
      "format_version: 1\nkind: sweep\nname: s\nbase: base.yaml\ngrid:\n"
      "  components[b].every: [3d, 20d]\n  time.crews: [1, unlimited]\n",
      dir.file("s.sweep.yaml"));
  REQUIRE(plan.base_format == kTimeFormatVersion);
  LocalCommunicator world;
  SweepRunOptions options = options_for(dir.file("out.h5"));
  options.sampler = SamplerChoice::automatic;
  const SweepOutcome out = run_sweep(plan, options, world);
  REQUIRE(out.complete);
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    INFO("point " << i);
    const PointConclusion* kept = out.results.kept(i);
    REQUIRE(kept != nullptr);
    REQUIRE(kept->time != nullptr);
    CHECK(out.results.counts(i).empty());  // released once journaled: the conclusion is kept
    // The point's own run, chunked differently: the same tally, so the same summary.
    const auto run = PointRun::make(plan, i, SamplerChoice::automatic, kChunk);
    ChunkPlan chunks;
    chunks.requests = plan.points[i].requests;
    chunks.chunk_requests = 6;
    const auto tally = drive(*run->kernel(RecordMode::none), chunks, nullptr).tally;
    const TimeSummary direct = run->conclude(tally, plan.points[i].requests).time->summary;
    const TimeSummary& swept = kept->time->summary;
    CHECK(swept.histories == 150);
    CHECK(swept.outages == direct.outages);
    CHECK(swept.failed == direct.failed);
    for (const MetricSummary& m : direct.metrics) {
      INFO(m.metric);
      const MetricSummary& s = swept.metric(m.metric);
      CHECK((s.mean == m.mean || (std::isnan(s.mean) && std::isnan(m.mean))));
      CHECK((s.p95 == m.p95 || (std::isnan(s.p95) && std::isnan(m.p95))));
    }
    CHECK(kept->time->components.size() == 3);
    CHECK(kept->time->crews == (i % 2 == 0 ? 1u : 0u));
  }
  // b failing every 3 days costs more downtime than every 20 days.
  CHECK(out.results.kept(0)->time->summary.metric("downtime_per_year").mean >
        out.results.kept(2)->time->summary.metric("downtime_per_year").mean);
}
