#include "nines/sweep/sweep_points.hpp"

#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "nines/io/outcome_type.hpp"
#include "nines/pipeline/time_pipeline.hpp"
#include "nines/run/checkpoints.hpp"
#include "nines/stats/precision.hpp"
#include "nines/summary/summary.hpp"
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

std::unique_ptr<PointRun> SweepPoints::point_run(std::size_t point) const {
  return PointRun::make(plan_, point, sampler_, chunk_requests_, stop_);
}

namespace {

// The next segment of each point still running: chunks [first, end) of its plan.
class Segments final : public RunSet {
 public:
  explicit Segments(const SweepPoints& points) : points_(points) {}
  ChunkPlan plan(std::size_t point) const override { return points_.plan(point); }
  std::size_t tally_size(std::size_t point) const override { return state_.at(point).tally_size; }
  std::unique_ptr<ChunkKernel> make_kernel(std::size_t point) const override {
    return points_.make_kernel(point);
  }
  std::uint64_t first_chunk(std::size_t point) const override { return state_.at(point).first; }
  std::uint64_t end_chunk(std::size_t point) const override { return state_.at(point).end; }

  struct State {
    std::size_t tally_size = 0;
    std::uint64_t first = 0, end = 0;
  };
  std::map<std::size_t, State> state_;

 private:
  const SweepPoints& points_;
};

}  // namespace

RunsResult drive_points_to_precision(const SweepPoints& points,
                                     const std::vector<std::size_t>& runs, double target,
                                     Communicator& world, DriveControl control,
                                     std::vector<std::uint64_t>& requests) {
  const std::size_t count = runs.size();
  RunsResult out;
  out.tallies.resize(count);
  requests.assign(count, 0);
  Segments segments(points);
  std::vector<std::unique_ptr<PointRun>> point_runs(count);  // to read failures from tallies
  std::vector<std::uint64_t> chunks(count);
  std::vector<std::size_t> active;
  for (std::size_t s = 0; s < count; ++s) {
    point_runs[s] = points.point_run(runs[s]);
    const std::size_t size = point_runs[s]->kernel(RecordMode::none)->tally_size();
    segments.state_[runs[s]] = {size, 0, 0};
    out.tallies[s].assign(size, 0);
    chunks[s] = points.plan(runs[s]).chunks();
    active.push_back(s);
  }
  // Every rank holds the same summed tallies after each round, so all decide alike.
  while (!active.empty()) {
    std::vector<std::size_t> round;
    for (const std::size_t s : active) {
      auto& state = segments.state_[runs[s]];
      state.first = state.end;
      state.end = next_checkpoint(state.first, chunks[s]);
      round.push_back(runs[s]);
    }
    const RunsResult result = drive_runs(segments, round, world, control);
    out.requests_done += result.requests_done;
    if (result.interrupted) {
      out.interrupted = true;
      return out;
    }
    std::vector<std::size_t> still;
    for (std::size_t j = 0; j < active.size(); ++j) {
      const std::size_t s = active[j];
      for (std::size_t i = 0; i < out.tallies[s].size(); ++i)
        out.tallies[s][i] += result.tallies[j][i];
      const auto& state = segments.state_[runs[s]];
      const ChunkPlan plan = points.plan(runs[s]);
      requests[s] = state.end == chunks[s] ? plan.requests : plan.first(state.end);
      const bool reached = precision_reached(point_runs[s]->failures(out.tallies[s]), requests[s],
                                             target, kDefaultCiLevel);
      if (!reached && state.end < chunks[s]) still.push_back(s);
    }
    active = std::move(still);
  }
  return out;
}

SamplerKind sweep_point_sampler(const SweepPlan& plan, std::size_t point, SamplerChoice choice) {
  return PointRun::make(plan, point, choice, 2)->sampler();
}

bool sweep_point_failures(const SweepPlan& plan, std::size_t point, std::uint64_t requests,
                          std::uint64_t chunk_requests, SamplerChoice choice, StopFlag stop,
                          ChunkStore& store) {
  const PointKernel kernel(PointRun::make(plan, point, choice, chunk_requests, stop),
                           RecordMode::failures);
  const DriveResult result =
      drive(kernel, ChunkPlan{requests, chunk_requests}, &store, DriveControl{stop, nullptr});
  return !result.interrupted;
}

PointConclusion conclude_point(const SweepPlan& plan, const SweepResults& results,
                               std::size_t point, SamplerChoice choice,
                               std::uint64_t chunk_requests) {
  if (const PointConclusion* kept = results.kept(point)) return *kept;
  return PointRun::make(plan, point, choice, chunk_requests)
      ->conclude(results.counts(point), results.requests(point, plan.points.at(point).requests));
}

}  // namespace nines
