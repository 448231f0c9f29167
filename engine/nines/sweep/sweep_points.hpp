#pragma once
// A sweep's points as runs of the one driver (run/driver.hpp): each point is an ordinary run of
// its own model at its own seed (sweep/point_run.hpp), sampled by the kernel `nines run
// --record none` of that point would use, so its counts equal that run's bit for bit.
#include <cstdint>
#include <memory>

#include "nines/model/sampler_kind.hpp"
#include "nines/model/sweep_plan.hpp"
#include "nines/run/driver.hpp"

namespace nines {

class SweepPoints final : public RunSet {
 public:
  SweepPoints(const SweepPlan& plan, SamplerChoice sampler, std::uint64_t chunk_requests,
              StopFlag stop = nullptr);

  ChunkPlan plan(std::size_t point) const override;
  std::size_t tally_size(std::size_t point) const override;
  std::unique_ptr<ChunkKernel> make_kernel(std::size_t point) const override;

 private:
  const SweepPlan& plan_;
  SamplerChoice sampler_;
  std::uint64_t chunk_requests_;
  StopFlag stop_;
};

// The method that samples `point` under `choice`: what `nines run --record none --sampler
// <choice>` of the point picks.
SamplerKind sweep_point_sampler(const SweepPlan& plan, std::size_t point, SamplerChoice choice);

// Samples `point` with --record failures and hands its encoded chunks, in order, to `store`
// (the chunk layout of the point's run file: files/run_writer.hpp for chains,
// files/structure_writer.hpp for structures): the same requests the counts came from. Returns
// false if `stop` cut it short.
bool sweep_point_failures(const SweepPlan& plan, std::size_t point, std::uint64_t chunk_requests,
                          SamplerChoice choice, StopFlag stop, ChunkStore& store);

}  // namespace nines
