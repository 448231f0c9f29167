#pragma once
// A sweep's points as runs of the one driver (run/driver.hpp): each point is an ordinary run of
// its own model at its own seed (sweep/point_run.hpp), sampled by the kernel `nines run
// --record none` of that point would use, so its counts equal that run's bit for bit.
#include <cstdint>
#include <memory>

#include "nines/model/sampler_kind.hpp"
#include "nines/model/sweep_plan.hpp"
#include "nines/run/driver.hpp"
#include "nines/sweep/point_run.hpp"

namespace nines {

class SweepPoints final : public RunSet {
 public:
  SweepPoints(const SweepPlan& plan, SamplerChoice sampler, std::uint64_t chunk_requests,
              StopFlag stop = nullptr);

  ChunkPlan plan(std::size_t point) const override;
  std::size_t tally_size(std::size_t point) const override;
  std::unique_ptr<ChunkKernel> make_kernel(std::size_t point) const override;
  // The point as a run: its model, pipeline and conclusion.
  std::unique_ptr<PointRun> point_run(std::size_t point) const;

 private:
  const SweepPlan& plan_;
  SamplerChoice sampler_;
  std::uint64_t chunk_requests_;
  StopFlag stop_;
};

// The points `runs` of `points` checkpoint by checkpoint (run/checkpoints.hpp), all in one
// parallel loop per round: each stops on its own at the first checkpoint at which the 95%
// interval of its unreliability is within `target` of it (stats/precision.hpp), or at its
// requests, exactly where `nines run --target-precision` of the point stops. requests[s]
// receives what point runs[s] sampled. Collective under MPI, like drive_runs.
RunsResult drive_points_to_precision(const SweepPoints& points,
                                     const std::vector<std::size_t>& runs, double target,
                                     Communicator& world, DriveControl control,
                                     std::vector<std::uint64_t>& requests);

// The method that samples `point` under `choice`: what `nines run --record none --sampler
// <choice>` of the point picks.
SamplerKind sweep_point_sampler(const SweepPlan& plan, std::size_t point, SamplerChoice choice);

// Samples `point` with --record failures and hands its encoded chunks, in order, to `store`
// (the chunk layout of the point's run file: files/run_writer.hpp for chains,
// files/structure_writer.hpp for structures): the same requests the counts came from. Returns
// false if `stop` cut it short. `requests`: the point's own, or those it sampled when it stopped
// at a precision (its first chunks, the same requests).
bool sweep_point_failures(const SweepPlan& plan, std::size_t point, std::uint64_t requests,
                          std::uint64_t chunk_requests, SamplerChoice choice, StopFlag stop,
                          ChunkStore& store);

}  // namespace nines
