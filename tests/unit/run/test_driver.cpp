// The chunk driver with a toy kernel whose results are a known function of the chunk: every
// schedule must give the same tally, store every chunk once and in order, and stop promptly.
#include "nines/run/driver.hpp"

#include <oneapi/tbb/global_control.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

namespace {

using nines::ChunkPlan;
using nines::EncodedChunk;

struct Scratch final : nines::ChunkScratch {};

// Tally: {requests, sum of request indices mod 2^64, chunks}. Encoded: one part holding the
// chunk's first request index.
class ToyKernel final : public nines::ChunkKernel {
 public:
  mutable std::atomic<std::uint64_t> visited{0};
  std::atomic<bool>* stop_after_first = nullptr;

  std::size_t tally_size() const override { return 3; }
  std::unique_ptr<nines::ChunkScratch> make_scratch() const override {
    return std::make_unique<Scratch>();
  }
  bool sample_chunk(std::uint64_t chunk, std::uint64_t first, std::uint64_t n, nines::ChunkScratch&,
                    std::uint64_t* tally, EncodedChunk* out, nines::StopFlag) const override {
    ++visited;
    if (stop_after_first != nullptr) stop_after_first->store(true);
    tally[0] += n;
    for (std::uint64_t i = first; i < first + n; ++i) tally[1] += i;
    tally[2] += 1;
    if (out != nullptr) {
      out->reset(chunk, n, 1);
      out->parts[0].assign(reinterpret_cast<const unsigned char*>(&first),
                           reinterpret_cast<const unsigned char*>(&first) + sizeof first);
    }
    return true;
  }
};

class OrderedStore final : public nines::ChunkStore {
 public:
  std::vector<std::uint64_t> chunks;
  std::uint64_t requests = 0;
  void store(const EncodedChunk& chunk) override {
    if (!chunks.empty() && chunk.chunk != chunks.back() + 1)
      throw std::logic_error("chunks out of order");
    chunks.push_back(chunk.chunk);
    requests += chunk.requests;
  }
};

}  // namespace

TEST_CASE("counting and recording give the same tally on any thread count", "[driver]") {
  const ChunkPlan plan{3'000'001, 1 << 16};
  const std::uint64_t n = plan.requests;
  const std::vector<std::uint64_t> expected = {n, n * (n - 1) / 2, plan.chunks()};
  for (std::size_t threads : {1u, 2u, 8u}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    ToyKernel kernel;
    const auto counted = nines::drive(kernel, plan, nullptr);
    CHECK(counted.tally == expected);
    CHECK(counted.requests_done == n);
    CHECK_FALSE(counted.interrupted);
    OrderedStore store;
    std::atomic<std::uint64_t> progress{0};
    const auto recorded = nines::drive(kernel, plan, &store, {nullptr, &progress});
    CHECK(recorded.tally == expected);
    CHECK(store.chunks.size() == plan.chunks());
    CHECK(store.requests == n);
    CHECK(progress.load() == n);
  }
}

TEST_CASE("a stop request stops scheduling chunks", "[driver]") {
  // 2^62 requests in chunks of 2: visiting every chunk after the stop would never end.
  const ChunkPlan plan{std::uint64_t{1} << 62, 2};
  std::atomic<bool> stop{false};
  ToyKernel kernel;
  kernel.stop_after_first = &stop;
  const auto counted = nines::drive(kernel, plan, nullptr, {&stop, nullptr});
  CHECK(counted.interrupted);
  CHECK(kernel.visited.load() < 1000);
  OrderedStore store;
  stop = false;
  kernel.visited = 0;
  const auto recorded = nines::drive(kernel, plan, &store, {&stop, nullptr});
  CHECK(recorded.interrupted);
  CHECK(kernel.visited.load() < 1000);
}

namespace {

// Run r: 1000 * (r + 1) + r requests in chunks of 256.
class ToySet final : public nines::RunSet {
 public:
  mutable std::atomic<int> built{0};
  nines::ChunkPlan plan(std::size_t run) const override {
    return ChunkPlan{1000 * (run + 1) + run, 256};
  }
  std::size_t tally_size(std::size_t) const override { return 3; }
  std::unique_ptr<nines::ChunkKernel> make_kernel(std::size_t) const override {
    ++built;
    return std::make_unique<ToyKernel>();
  }
};

}  // namespace

TEST_CASE("several runs in one loop give each run's own tally", "[driver]") {
  ToySet set;
  std::vector<std::size_t> runs = {0, 3, 7, 50, 2};
  nines::LocalCommunicator local;
  for (std::size_t threads : {1u, 2u, 8u}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    set.built = 0;
    const auto result = nines::drive_runs(set, runs, local);
    REQUIRE(result.tallies.size() == runs.size());
    CHECK_FALSE(result.interrupted);
    std::uint64_t total = 0;
    for (std::size_t s = 0; s < runs.size(); ++s) {
      ToyKernel kernel;
      const auto alone = nines::drive(kernel, set.plan(runs[s]), nullptr);
      CHECK(result.tallies[s] == alone.tally);
      total += set.plan(runs[s]).requests;
    }
    CHECK(result.requests_done == total);
    // Each run's kernel is built at least once and, items of a run being mostly adjacent,
    // not once per chunk.
    CHECK(set.built.load() >= static_cast<int>(runs.size()));
    CHECK(set.built.load() < 200);
  }
}

TEST_CASE("a stop request ends a set of runs", "[driver]") {
  ToySet set;
  std::atomic<bool> stop{true};
  nines::LocalCommunicator local;
  const auto result = nines::drive_runs(set, {0, 1, 2}, local, {&stop, nullptr});
  CHECK(result.interrupted);
}
