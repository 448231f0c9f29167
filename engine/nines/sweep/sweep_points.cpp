#include "nines/sweep/sweep_points.hpp"

#include <cstring>
#include <stdexcept>
#include <vector>

#include "nines/pipeline/chain_pipeline.hpp"

namespace nines {
namespace {

Scenario point_scenario(const SweepPoint& point) {
  Scenario s;
  s.name = "point";
  s.components = point.components;
  return s;
}

RunInfo point_info(const SweepPoint& point, SamplerKind sampler, RecordMode record,
                   std::uint64_t chunk_requests) {
  RunInfo info;
  info.requests = point.requests;
  info.seed = point.seed;
  info.record = record;
  info.sampler = sampler;
  info.chunk_requests = chunk_requests;
  return info;
}

// A point's kernel together with the model and pipeline it refers to.
class PointKernel final : public ChunkKernel {
 public:
  PointKernel(const SweepPoint& point, SamplerChoice choice, RecordMode record,
              std::uint64_t chunk_requests)
      : scenario_(point_scenario(point)), pipeline_(scenario_) {
    kernel_ = pipeline_.kernel(
        point_info(point, pipeline_.choose_sampler(choice, record), record, chunk_requests));
  }
  std::size_t tally_size() const override { return kernel_->tally_size(); }
  std::unique_ptr<ChunkScratch> make_scratch() const override { return kernel_->make_scratch(); }
  bool sample_chunk(std::uint64_t chunk, std::uint64_t first, std::uint64_t n,
                    ChunkScratch& scratch, std::uint64_t* tally, EncodedChunk* out,
                    StopFlag stop) const override {
    return kernel_->sample_chunk(chunk, first, n, scratch, tally, out, stop);
  }

 private:
  Scenario scenario_;
  ChainPipeline pipeline_;
  std::unique_ptr<ChunkKernel> kernel_;
};

// Receives a point's encoded failure chunks (layout 1: request indices, then components at
// the file's width) in order and hands them on decoded.
class FailureEmitter final : public ChunkStore {
 public:
  FailureEmitter(std::size_t width, const std::function<void(std::span<const std::uint64_t>,
                                                             std::span<const std::int32_t>)>& emit)
      : width_(width), emit_(emit) {}

  void store(const EncodedChunk& chunk) override {
    const std::size_t n = chunk.parts.at(0).size() / sizeof(std::uint64_t);
    requests_.resize(n);
    components_.resize(n);
    if (n > 0) std::memcpy(requests_.data(), chunk.parts[0].data(), n * sizeof(std::uint64_t));
    const unsigned char* c = chunk.parts.at(1).data();
    for (std::size_t i = 0; i < n; ++i) {
      if (width_ == 1) {
        components_[i] = static_cast<std::int8_t>(c[i]);
      } else if (width_ == 2) {
        std::int16_t v;
        std::memcpy(&v, c + 2 * i, 2);
        components_[i] = v;
      } else {
        std::memcpy(&components_[i], c + 4 * i, 4);
      }
    }
    if (n > 0) emit_(requests_, components_);
  }

 private:
  std::size_t width_;
  const std::function<void(std::span<const std::uint64_t>, std::span<const std::int32_t>)>& emit_;
  std::vector<std::uint64_t> requests_;
  std::vector<std::int32_t> components_;
};

}  // namespace

SweepPoints::SweepPoints(const SweepPlan& plan, SamplerChoice sampler, std::uint64_t chunk_requests)
    : plan_(plan), sampler_(sampler), chunk_requests_(chunk_requests) {}

ChunkPlan SweepPoints::plan(std::size_t point) const {
  return ChunkPlan{plan_.points.at(point).requests, chunk_requests_};
}

std::size_t SweepPoints::tally_size(std::size_t point) const {
  return plan_.points.at(point).components.size() + 1;
}

std::unique_ptr<ChunkKernel> SweepPoints::make_kernel(std::size_t point) const {
  return std::make_unique<PointKernel>(plan_.points.at(point), sampler_, RecordMode::none,
                                       chunk_requests_);
}

SamplerKind sweep_point_sampler(const SweepPoint& point, SamplerChoice choice) {
  const Scenario scenario = point_scenario(point);
  return ChainPipeline(scenario).choose_sampler(choice, RecordMode::none);
}

bool sweep_point_failures(const SweepPoint& point, std::uint64_t chunk_requests,
                          SamplerChoice choice, StopFlag stop,
                          const std::function<void(std::span<const std::uint64_t>,
                                                   std::span<const std::int32_t>)>& emit) {
  const PointKernel kernel(point, choice, RecordMode::failures, chunk_requests);
  FailureEmitter store(outcome_bytes(outcome_type_for(point.components.size())), emit);
  const DriveResult result =
      drive(kernel, ChunkPlan{point.requests, chunk_requests}, &store, DriveControl{stop, nullptr});
  return !result.interrupted;
}

}  // namespace nines
