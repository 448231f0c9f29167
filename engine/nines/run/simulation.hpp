#pragma once
// The parallel driver: splits a run into fixed-size chunks of requests, samples them on the
// oneTBB pool, and hands the results to the run file in request order. Memory is bounded by
// the number of chunks in flight, never by the request count.
//
// The thread count is whatever tbb::global_control allows (the CLI sets it once); results do
// not depend on it, because each request's outcome is a function of (seed, request index)
// and the per-component counts are integer sums.
#include <atomic>
#include <cstdint>
#include <vector>

#include "nines/exact/chain_analytics.hpp"
#include "nines/model/record_mode.hpp"
#include "nines/sample/choose_sampler.hpp"

namespace nines {

class RunFileWriter;

// Requests per chunk: large enough that per-chunk overhead vanishes, small enough that a few
// chunks per thread in flight stay within a few MiB. It is also the HDF5 chunk length of
// /requests/failed_component. Even, so chunks start on a Philox block boundary.
inline constexpr std::uint64_t kDefaultChunkRequests = std::uint64_t{1} << 20;

struct SimulationOptions {
  std::uint64_t requests = 0;
  std::uint64_t seed = 0;
  RecordMode record = RecordMode::none;
  std::uint64_t chunk_requests = kDefaultChunkRequests;
  SamplerKind sampler = SamplerKind::per_request;  // geometric_skip: not with RecordMode::dense
};

struct SimulationResult {
  std::vector<std::uint64_t> component_failures;  // first failures per component
  std::uint64_t failures = 0;
  std::uint64_t requests_done = 0;  // == options.requests unless interrupted
  bool interrupted = false;
};

// Optional hooks the CLI uses: `stop` is polled between chunks (set it from a signal handler);
// `progress` counts finished requests.
struct SimulationControl {
  const std::atomic<bool>* stop = nullptr;
  std::atomic<std::uint64_t>* progress = nullptr;
};

// writer may be null only for RecordMode::none.
SimulationResult simulate(const ChainAnalytics& model, const SimulationOptions& options,
                          RunFileWriter* writer, SimulationControl control = {});

}  // namespace nines
