#pragma once
// Runs a sweep's points on the oneTBB pool. The work items are (point, chunk) pairs: chunk c
// of a point covers its requests [c * chunk_requests, ...), exactly the chunks `nines run`
// samples, and all items of all points go through ONE flat parallel loop, so a sweep of many
// small points and a sweep of a few huge ones both keep every core busy. A point is finished
// when its last item is; its counts are integer sums, so they do not depend on the schedule
// and equal `nines run` of that point at its seed, bit for bit.
//
// Across processes (MPI ranks) the global item list is dealt round-robin: this process runs
// items g with g % ranks == rank, and the per-point counts of all ranks are summed elsewhere.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "nines/model/sweep_plan.hpp"
#include "nines/run/chunk_plan.hpp"
#include "nines/sample/choose_sampler.hpp"

namespace nines {

class SweepScheduler {
 public:
  // `points`: indices into plan.points to compute, in the order their items are listed.
  // Each point is sampled by the method choose_sampler(sampler, RecordMode::none, its chain)
  // picks, as `nines run --record none --sampler <sampler>` would.
  SweepScheduler(const SweepPlan& plan, std::vector<std::size_t> points, int rank = 0,
                 int ranks = 1, std::uint64_t chunk_requests = kDefaultChunkRequests,
                 SamplerChoice sampler = SamplerChoice::automatic);
  ~SweepScheduler();
  SweepScheduler(const SweepScheduler&) = delete;
  SweepScheduler& operator=(const SweepScheduler&) = delete;

  // Runs this process's items; returns when all are done or `stop` was seen (polled before
  // every chunk). `requests_done` (optional) counts sampled requests. Call once, from one
  // thread; the queries below may be called from other threads meanwhile.
  void run(const std::atomic<bool>* stop, std::atomic<std::uint64_t>* requests_done);

  std::size_t size() const noexcept;                   // points handled
  std::size_t point(std::size_t slot) const noexcept;  // plan index of slot
  // True once this process's share of slot's items is done (possibly empty: then at once).
  bool finished(std::size_t slot) const noexcept;
  // This process's first-failure counts per component for slot; valid once finished(slot).
  std::vector<std::uint64_t> failures(std::size_t slot) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Calls emit(request_indices, components) with the failed requests of `point`, in increasing
// request order, a batch of chunks at a time, sampled in parallel on the pool. The same
// requests fail as in `nines run --record failures --sampler <sampler>`, and the counts are
// those the scheduler finds. Returns false if `stop` cut it short.
bool sweep_point_failures(
    const SweepPoint& point, std::uint64_t chunk_requests, SamplerChoice sampler,
    const std::atomic<bool>* stop,
    const std::function<void(std::span<const std::uint64_t>, std::span<const std::int32_t>)>& emit);

// The method that samples `point` under `choice`: choose_sampler for summaries
// (RecordMode::none), which picks the same as for --record failures.
SamplerKind sweep_point_sampler(const SweepPoint& point, SamplerChoice choice);

}  // namespace nines
