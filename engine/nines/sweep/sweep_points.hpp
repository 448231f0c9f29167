#pragma once
// A sweep's points as runs of the one driver (run/driver.hpp): each point is an ordinary run
// of its own model at its own seed, sampled by the kernel `nines run --record none` of that
// point would use, so its counts equal that run's bit for bit.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "nines/model/sampler_kind.hpp"
#include "nines/model/sweep_plan.hpp"
#include "nines/run/driver.hpp"

namespace nines {

class SweepPoints final : public RunSet {
 public:
  SweepPoints(const SweepPlan& plan, SamplerChoice sampler, std::uint64_t chunk_requests);

  ChunkPlan plan(std::size_t point) const override;
  std::size_t tally_size(std::size_t point) const override;
  std::unique_ptr<ChunkKernel> make_kernel(std::size_t point) const override;

 private:
  const SweepPlan& plan_;
  SamplerChoice sampler_;
  std::uint64_t chunk_requests_;
};

// The method that samples `point` under `choice`: what `nines run --record none --sampler
// <choice>` of the point picks (the same as for --record failures).
SamplerKind sweep_point_sampler(const SweepPoint& point, SamplerChoice choice);

// Calls emit(request_indices, components) with the failed requests of `point`, in increasing
// request order, as `nines run --record failures --sampler <choice>` of the point records
// them (the same requests the counts came from). Returns false if `stop` cut it short.
bool sweep_point_failures(
    const SweepPoint& point, std::uint64_t chunk_requests, SamplerChoice choice, StopFlag stop,
    const std::function<void(std::span<const std::uint64_t>, std::span<const std::int32_t>)>& emit);

}  // namespace nines
