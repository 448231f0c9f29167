// One run from start to finish through run_pipeline, for both model kinds: the file appears
// only when the run finished, an interrupted run leaves none, an existing output is refused
// before any sampling, and a start-up failure on one MPI rank ends every rank cleanly. Also
// RunFacts, the plain struct the reports read.
#include "nines/pipeline/run_pipeline.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/io/hdf5.hpp"
#include "nines/pipeline/chain_pipeline.hpp"
#include "nines/pipeline/run_facts.hpp"
#include "nines/pipeline/structure_pipeline.hpp"
#include "support/chain_counts.hpp"
#include "support/json_value.hpp"
#include "support/structure_tally.hpp"
#include "support/temp_dir.hpp"

using namespace nines;
using nines::test::TempDir;

namespace {

RunInfo run_info(RecordMode record, std::uint64_t requests, SamplerKind sampler,
                 ImportanceMode importance = ImportanceMode::exact) {
  RunInfo info;
  info.seed = 11;
  info.requests = requests;
  info.record = record;
  info.sampler = sampler;
  info.chunk_requests = 1 << 12;
  info.created = "2026-11-28T08:00:00Z";
  info.importance = importance;
  return info;
}

// A pipeline that forwards to P and counts what run_pipeline asked of it, and how many chunks
// its kernel sampled: to see what happens before any sampling.
std::atomic<int> g_chunks_sampled{0};

class CountingKernel final : public ChunkKernel {
 public:
  explicit CountingKernel(std::unique_ptr<ChunkKernel> inner) : inner_(std::move(inner)) {}
  std::size_t tally_size() const override { return inner_->tally_size(); }
  std::unique_ptr<ChunkScratch> make_scratch() const override { return inner_->make_scratch(); }
  bool sample_chunk(std::uint64_t chunk, std::uint64_t first, std::uint64_t n,
                    ChunkScratch& scratch, std::uint64_t* tally, EncodedChunk* out,
                    StopFlag stop) const override {
    ++g_chunks_sampled;
    return inner_->sample_chunk(chunk, first, n, scratch, tally, out, stop);
  }

 private:
  std::unique_ptr<ChunkKernel> inner_;
};

template <class P>
class Counting {
 public:
  using File = typename P::File;
  using Conclusion = typename P::Conclusion;
  explicit Counting(const P& inner) : inner_(inner) {}
  mutable int files_opened = 0, kernels_built = 0, concluded = 0, finished = 0;

  std::unique_ptr<File> open_file(const std::string& path, bool overwrite,
                                  const RunInfo& info) const {
    ++files_opened;
    return inner_.open_file(path, overwrite, info);
  }
  std::unique_ptr<ChunkKernel> kernel(const RunInfo& info) const {
    ++kernels_built;
    return std::make_unique<CountingKernel>(inner_.kernel(info));
  }
  Conclusion conclude(const RunInfo& info, const std::vector<std::uint64_t>& tally) const {
    ++concluded;
    return inner_.conclude(info, tally);
  }
  void finish(File& file, const Conclusion& conclusion) const {
    ++finished;
    inner_.finish(file, conclusion);
  }

 private:
  const P& inner_;
};

// A world of two ranks seen from one of them: `peer_code` is the start-up exit code the other
// rank reports in the first collective. Only that first sum is expected of it.
class TwoRanks final : public Communicator {
 public:
  TwoRanks(int rank, std::uint64_t peer_code) : rank_(rank), peer_code_(peer_code) {}
  int sums = 0;
  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return 2; }
  void sum(std::span<std::uint64_t> values) override {
    ++sums;
    values[static_cast<std::size_t>(1 - rank_)] += peer_code_;
  }
  void min(std::span<std::uint8_t>) override { FAIL("no min expected"); }
  void broadcast(std::vector<unsigned char>&) override { FAIL("no broadcast expected"); }
  std::vector<std::vector<unsigned char>> gather(std::span<const unsigned char>) override {
    FAIL("no gather expected");
    return {};
  }
  [[noreturn]] void abort(int) override { std::abort(); }

 private:
  int rank_;
  std::uint64_t peer_code_;
};

const std::string kTaken = "someone else's file\n";

std::string content_of(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEMPLATE_TEST_CASE("a finished run writes its file, in every record mode", "[run_pipeline]",
                   ChainPipeline, StructurePipeline) {
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
    TempDir dir("run-pipeline");
    const std::string path = dir.file("run.h5");
    const RunInfo info = run_info(record, 10'001, SamplerKind::per_request);
    LocalCommunicator local;
    bool started = false;
    INFO("record " << to_string(record));
    const auto outcome = run_pipeline(*pipeline, info, {path, false}, local, {}, &started);
    CHECK(started);
    CHECK_FALSE(outcome.drive.interrupted);
    CHECK(outcome.drive.requests_done == 10'001);
    REQUIRE(outcome.conclusion);
    // Exactly the file, no temporary left.
    CHECK(dir.entries() == std::vector<std::string>{"run.h5"});
    const hdf5::File file = hdf5::File::open_read_only(path);
    CHECK(file.read_attribute<std::uint64_t>("requests") == 10'001);
    CHECK(file.read_string_attribute("record") == to_string(record));
    // Per-request data (layout 1: /requests or /failures; layout 2: /failures in both modes)
    // only when the run records it.
    CHECK((file.contains("requests") || file.contains("failures")) == (record != RecordMode::none));

    // What the reports print from it (RunFacts: settings, output, threads, time).
    const RunFacts facts{info, path, 2, 0.25};
    CHECK(facts.info.requests == 10'001);
    const std::string text = pipeline->text(facts, *outcome.conclusion, false);
    CHECK(text.find(path) != std::string::npos);
    CHECK(text.find("2 threads") != std::string::npos);
    const auto json = nines::test::parse_json(pipeline->json(facts, *outcome.conclusion));
    REQUIRE(json);
    CHECK((*json)["output"].text == path);
    CHECK((*json)["run"]["elapsed_seconds"].number == 0.25);
    CHECK((*json)["run"]["record"].text == to_string(record));
  }
}

TEST_CASE("RunFacts defaults: one thread, no time, no file", "[run_pipeline]") {
  const RunInfo info;
  const RunFacts facts{info, ""};  // threads and elapsed_seconds left to their defaults
  CHECK(&facts.info == &info);
  CHECK(facts.output_path.empty());
  CHECK(facts.threads == 1);
  CHECK(facts.elapsed_seconds == 0);
}

TEST_CASE("the same run gives the same counts through the pipeline as alone", "[run_pipeline]") {
  const std::vector<double> r = {0.99, 0.995, 0.9};
  const Scenario scenario = nines::test::chain_scenario(r);
  const ChainPipeline pipeline(scenario);
  TempDir dir("run-pipeline");
  RunInfo info = run_info(RecordMode::none, 100'000, SamplerKind::per_request);
  LocalCommunicator local;
  const auto outcome = run_pipeline(pipeline, info, {dir.file("a.h5"), false}, local, {});
  const auto alone =
      nines::test::chain_counts(r, 100'000, 11, SamplerKind::per_request, info.chunk_requests);
  REQUIRE(outcome.conclusion);
  CHECK(outcome.conclusion->component_failures == alone.component_failures);
  CHECK(outcome.conclusion->failures == alone.failures);
}

TEMPLATE_TEST_CASE("an interrupted run leaves no file and says so", "[run_pipeline]", ChainPipeline,
                   StructurePipeline) {
  const Scenario scenario = nines::test::chain_scenario({0.99, 0.9});
  const StructureModel model = nines::test::structure_from_yaml(nines::test::kTwoKinds);
  std::unique_ptr<TestType> pipeline;
  if constexpr (std::is_same_v<TestType, ChainPipeline>)
    pipeline = std::make_unique<ChainPipeline>(scenario);
  else
    pipeline = std::make_unique<StructurePipeline>(model);
  for (const RecordMode record : {RecordMode::dense, RecordMode::failures, RecordMode::none}) {
    INFO("record " << to_string(record));
    TempDir dir("run-pipeline");
    const std::string path = dir.file("stopped.h5");
    std::atomic<bool> stop{true};
    LocalCommunicator local;
    const Counting<TestType> counting(*pipeline);
    const auto outcome =
        run_pipeline(counting, run_info(record, 1'000'000, SamplerKind::per_request), {path, false},
                     local, {&stop, nullptr});
    CHECK(outcome.drive.interrupted);
    CHECK(outcome.drive.requests_done < 1'000'000);
    CHECK_FALSE(outcome.conclusion);
    CHECK(counting.files_opened == 1);
    CHECK(counting.concluded == 0);
    CHECK(counting.finished == 0);
    // Neither the file nor its temporary survives.
    CHECK(dir.entries().empty());
  }
}

TEMPLATE_TEST_CASE("an existing output is an InputError before any sampling", "[run_pipeline]",
                   ChainPipeline, StructurePipeline) {
  const Scenario scenario = nines::test::chain_scenario({0.99, 0.9});
  const StructureModel model = nines::test::structure_from_yaml(nines::test::kTwoKinds);
  std::unique_ptr<TestType> pipeline;
  if constexpr (std::is_same_v<TestType, ChainPipeline>)
    pipeline = std::make_unique<ChainPipeline>(scenario);
  else
    pipeline = std::make_unique<StructurePipeline>(model);
  TempDir dir("run-pipeline");
  const std::string path = dir.file("taken.h5");
  { std::ofstream(path) << kTaken; }
  const Counting<TestType> counting(*pipeline);
  LocalCommunicator local;
  bool started = false;
  g_chunks_sampled = 0;
  const RunInfo info = run_info(RecordMode::none, 1'000'000, SamplerKind::per_request);
  CHECK_THROWS_AS(run_pipeline(counting, info, {path, false}, local, {}, &started), InputError);
  CHECK_THROWS_WITH(run_pipeline(counting, info, {path, false}, local, {}, &started),
                    "output file '" + path +
                        "' already exists; use --force to overwrite it or -o to choose another "
                        "name");
  CHECK_FALSE(started);
  CHECK(counting.kernels_built == 0);
  CHECK(g_chunks_sampled.load() == 0);
  CHECK(content_of(path) == kTaken);
  CHECK(dir.entries() == std::vector<std::string>{"taken.h5"});

  // With overwrite the run replaces it.
  const auto outcome = run_pipeline(counting, info, {path, true}, local, {}, &started);
  CHECK(started);
  REQUIRE(outcome.conclusion);
  CHECK(g_chunks_sampled.load() > 0);
  CHECK(hdf5::File::open_read_only(path).read_attribute<std::uint64_t>("requests") == 1'000'000);
  CHECK(dir.entries() == std::vector<std::string>{"taken.h5"});
}

TEST_CASE("a kernel that cannot serve the run fails at start-up", "[run_pipeline]") {
  // The skip cannot record dense outcomes: refused before sampling, no file left behind.
  const Scenario scenario = nines::test::chain_scenario({0.999});
  const ChainPipeline pipeline(scenario);
  TempDir dir("run-pipeline");
  LocalCommunicator local;
  bool started = false;
  CHECK_THROWS_AS(
      run_pipeline(pipeline, run_info(RecordMode::dense, 100, SamplerKind::geometric_skip),
                   {dir.file("x.h5"), false}, local, {}, &started),
      std::invalid_argument);
  CHECK_FALSE(started);
  CHECK(dir.entries().empty());
}

TEST_CASE("a start-up failure on one rank ends every rank", "[run_pipeline]") {
  const Scenario scenario = nines::test::chain_scenario({0.99});
  const ChainPipeline pipeline(scenario);
  const RunInfo info = run_info(RecordMode::none, 1000, SamplerKind::per_request);

  SECTION("rank 0 is fine, the other rank had an input error") {
    TempDir dir("run-pipeline");
    TwoRanks world(0, 2);
    bool started = false;
    try {
      run_pipeline(pipeline, info, {dir.file("r.h5"), false}, world, {}, &started);
      FAIL("expected PeerStartupFailure");
    } catch (const PeerStartupFailure& e) {
      CHECK(e.code() == 2);
      CHECK(std::string(e.what()) == "another rank failed to start");
    }
    CHECK(world.sums == 1);
    CHECK_FALSE(started);
    CHECK(dir.entries().empty());  // rank 0's opened file is gone
  }
  SECTION("rank 1 learns that rank 0 could not open the output") {
    TwoRanks world(1, 2);
    try {
      run_pipeline(pipeline, info, {"/unused", false}, world, {});
      FAIL("expected PeerStartupFailure");
    } catch (const PeerStartupFailure& e) {
      CHECK(e.code() == 2);
    }
  }
  SECTION("rank 0's own error wins over the peer's code") {
    TempDir dir("run-pipeline");
    const std::string path = dir.file("taken.h5");
    { std::ofstream(path) << kTaken; }
    TwoRanks world(0, 1);
    CHECK_THROWS_AS(run_pipeline(pipeline, info, {path, false}, world, {}), InputError);
    CHECK(world.sums == 1);  // it still took part in the collective
    CHECK(content_of(path) == kTaken);
  }
}
