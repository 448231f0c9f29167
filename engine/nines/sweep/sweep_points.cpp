#include "nines/sweep/sweep_points.hpp"

#include <cstring>
#include <stdexcept>
#include <vector>

#include "nines/io/outcome_type.hpp"
#include "nines/pipeline/time_pipeline.hpp"
#include "nines/sweep/point_run.hpp"
#include "nines/sweep/sweep_results.hpp"

namespace nines {
namespace {

// A point's kernel together with the point's model and pipeline it refers to.
class PointKernel final : public ChunkKernel {
 public:
  PointKernel(std::unique_ptr<PointRun> run, RecordMode record)
      : run_(std::move(run)), kernel_(run_->kernel(record)) {}
  std::size_t tally_size() const override { return kernel_->tally_size(); }
  std::unique_ptr<ChunkScratch> make_scratch() const override { return kernel_->make_scratch(); }
  bool sample_chunk(std::uint64_t chunk, std::uint64_t first, std::uint64_t n,
                    ChunkScratch& scratch, std::uint64_t* tally, EncodedChunk* out,
                    StopFlag stop) const override {
    return kernel_->sample_chunk(chunk, first, n, scratch, tally, out, stop);
  }
  const PointRun& run() const noexcept { return *run_; }

 private:
  std::unique_ptr<PointRun> run_;
  std::unique_ptr<ChunkKernel> kernel_;
};

}  // namespace

SweepPoints::SweepPoints(const SweepPlan& plan, SamplerChoice sampler, std::uint64_t chunk_requests,
                         StopFlag stop)
    : plan_(plan), sampler_(sampler), chunk_requests_(chunk_requests), stop_(stop) {}

ChunkPlan SweepPoints::plan(std::size_t point) const {
  // A time point's "requests" are histories, in the time pipeline's chunks.
  const std::uint64_t chunk =
      plan_.base_format == kTimeFormatVersion ? kHistoriesPerChunk : chunk_requests_;
  return ChunkPlan{plan_.points.at(point).requests, chunk};
}

std::size_t SweepPoints::tally_size(std::size_t point) const {
  // Chains: one slot per component and the successes. Structures: the kernel's layout, which
  // depends on the point's shape.
  if (plan_.base_format == 1) return plan_.points.at(point).components.size() + 1;
  return PointRun::make(plan_, point, sampler_, chunk_requests_, stop_)
      ->kernel(RecordMode::none)
      ->tally_size();
}

std::unique_ptr<ChunkKernel> SweepPoints::make_kernel(std::size_t point) const {
  return std::make_unique<PointKernel>(
      PointRun::make(plan_, point, sampler_, chunk_requests_, stop_), RecordMode::none);
}

SamplerKind sweep_point_sampler(const SweepPlan& plan, std::size_t point, SamplerChoice choice) {
  return PointRun::make(plan, point, choice, 2)->sampler();
}

bool sweep_point_failures(const SweepPlan& plan, std::size_t point, std::uint64_t chunk_requests,
                          SamplerChoice choice, StopFlag stop, ChunkStore& store) {
  const PointKernel kernel(PointRun::make(plan, point, choice, chunk_requests, stop),
                           RecordMode::failures);
  const DriveResult result =
      drive(kernel, ChunkPlan{plan.points.at(point).requests, chunk_requests}, &store,
            DriveControl{stop, nullptr});
  return !result.interrupted;
}

PointConclusion conclude_point(const SweepPlan& plan, const SweepResults& results,
                               std::size_t point, SamplerChoice choice,
                               std::uint64_t chunk_requests) {
  if (const PointConclusion* kept = results.kept(point)) return *kept;
  return PointRun::make(plan, point, choice, chunk_requests)->conclude(results.counts(point));
}

}  // namespace nines
