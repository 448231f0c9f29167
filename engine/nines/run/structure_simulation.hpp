#pragma once
// The parallel driver of structure runs: the same shape as simulation.hpp's chain driver.
// Requests are split into fixed chunks; with nothing recorded per request a parallel loop sums
// per-thread integer tallies, otherwise a pipeline samples chunks in parallel and one writer
// stores them in request order. Results do not depend on the thread count: every request is a
// function of (seed, index) and the tallies are integer sums.
#include <cstdint>
#include <vector>

#include "nines/model/record_mode.hpp"
#include "nines/run/simulation.hpp"
#include "nines/sample/structure_sampler.hpp"

namespace nines {

class StructureRunWriter;

struct StructureSimulationOptions {
  std::uint64_t requests = 0;
  std::uint64_t seed = 0;
  RecordMode record = RecordMode::none;
  std::uint64_t chunk_requests = kDefaultChunkRequests;  // even
};

struct StructureSimulationResult {
  std::vector<std::uint64_t> tally;  // StructureSampler::layout()
  std::uint64_t requests_done = 0;
  bool interrupted = false;
};

// writer may be null only for RecordMode::none.
StructureSimulationResult simulate_structure(const StructureSampler& sampler,
                                             const StructureSimulationOptions& options,
                                             StructureRunWriter* writer,
                                             SimulationControl control = {});

}  // namespace nines
