// A sweep's points through the driver: each point's counts equal the chain run of that point
// (both samplers), for any thread count and any split of the items across ranks.
#include <oneapi/tbb/global_control.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <functional>
#include <span>
#include <stdexcept>

#include "nines/exact/chain_analytics.hpp"
#include "nines/files/run_writer.hpp"
#include "nines/input/sweep_parser.hpp"
#include "nines/sample/choose_sampler.hpp"
#include "nines/sweep/sweep_points.hpp"
#include "support/chain_counts.hpp"

namespace {

nines::SweepPlan small_plan() {
  return nines::parse_sweep(R"(format_version: 1
kind: sweep
name: sched
chain: {reliability: 0.9}
run: {requests: 2500001, seed: 99}
seeds: per-point
grid:
  chain.count: [1, 3, 40]
  chain.reliability: [0.5, 0.999, 0.9999999]
)",
                            NINES_SOURCE_DIR "/tests/sweeps/x.sweep.yaml");
}

// A communicator that pretends to be rank `rank` of `ranks` but sums nothing: each rank's
// share is run separately here and the shares are added by the test.
class Share final : public nines::Communicator {
 public:
  Share(int rank, int ranks) : rank_(rank), ranks_(ranks) {}
  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return ranks_; }
  void sum(std::span<std::uint64_t>) override {}
  void min(std::span<std::uint8_t>) override {}
  void broadcast(std::vector<unsigned char>&) override {}
  std::vector<std::vector<unsigned char>> gather(std::span<const unsigned char> b) override {
    return {std::vector<unsigned char>(b.begin(), b.end())};
  }
  [[noreturn]] void abort(int) override { throw std::logic_error("abort"); }

 private:
  int rank_, ranks_;
};

std::vector<std::vector<std::uint64_t>> run_all(const nines::SweepPlan& plan, int ranks,
                                                std::size_t threads, std::uint64_t chunk,
                                                nines::SamplerChoice choice) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  std::vector<std::size_t> points(plan.points.size());
  for (std::size_t i = 0; i < points.size(); ++i) points[i] = i;
  const nines::SweepPoints set(plan, choice, chunk);
  std::vector<std::vector<std::uint64_t>> out(points.size());
  for (int r = 0; r < ranks; ++r) {
    Share share(r, ranks);
    const auto result = nines::drive_runs(set, points, share);
    for (std::size_t i = 0; i < points.size(); ++i) {
      const auto& f = result.tallies[i];
      if (out[i].empty()) out[i].assign(f.size() - 1, 0);
      for (std::size_t k = 0; k + 1 < f.size(); ++k) out[i][k] += f[k];
    }
  }
  return out;
}

}  // namespace

TEST_CASE("sweep points equal simulate() of each point, for both samplers", "[sweep]") {
  const auto plan = small_plan();
  for (const auto choice : {nines::SamplerChoice::automatic, nines::SamplerChoice::per_request}) {
    const auto counts = run_all(plan, 1, 2, nines::kDefaultChunkRequests, choice);
    for (std::size_t i = 0; i < plan.points.size(); ++i) {
      const nines::ChainAnalytics model(plan.points[i].reliabilities());
      const auto sampler =
          nines::choose_sampler(choice, nines::RecordMode::none, model.unreliability());
      INFO("point " << i);
      CHECK(nines::test::chain_counts(model.reliabilities(), plan.points[i].requests,
                                      plan.points[i].seed, sampler)
                .component_failures == counts[i]);
    }
  }
}

TEST_CASE("sweep counts do not depend on threads or on the split across ranks", "[sweep][mpi]") {
  const auto plan = small_plan();
  const auto a = run_all(plan, 1, 1, 1 << 18, nines::SamplerChoice::per_request);
  CHECK(run_all(plan, 1, 2, 1 << 18, nines::SamplerChoice::per_request) == a);
  CHECK(run_all(plan, 3, 2, 1 << 18, nines::SamplerChoice::per_request) == a);
  CHECK(run_all(plan, 7, 1, 1 << 18, nines::SamplerChoice::per_request) == a);
}

TEST_CASE("per-point failed requests match the counts", "[sweep]") {
  const auto plan = small_plan();
  const auto counts =
      run_all(plan, 1, 2, nines::kDefaultChunkRequests, nines::SamplerChoice::automatic);
  for (const std::size_t i : {0u, 4u, 8u}) {
    std::vector<std::uint64_t> seen(plan.points[i].components.size(), 0);
    std::uint64_t last = 0;
    bool ordered = true, first = true;
    // The failed requests arrive as the chain run file's failure chunks.
    struct Collect final : nines::ChunkStore {
      std::function<void(const nines::EncodedChunk&)> take;
      void store(const nines::EncodedChunk& chunk) override { take(chunk); }
    } collect;
    collect.take = [&](const nines::EncodedChunk& chunk) {
      std::vector<std::uint64_t> requests;
      std::vector<std::int32_t> components;
      nines::decode_chain_failures(chunk, nines::outcome_type_for(seen.size()), requests,
                                   components);
      for (std::size_t j = 0; j < requests.size(); ++j) {
        ordered = ordered && (first || requests[j] > last);
        first = false;
        last = requests[j];
        ++seen[static_cast<std::size_t>(components[j])];
      }
    };
    CHECK(nines::sweep_point_failures(plan, i, plan.points[i].requests,
                                      nines::kDefaultChunkRequests, nines::SamplerChoice::automatic,
                                      nullptr, collect));
    INFO("point " << i);
    CHECK(ordered);
    CHECK(seen == counts[i]);
  }
}
