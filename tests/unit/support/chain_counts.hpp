#pragma once
// Test helper: the counts of a chain run through the real pipeline (ChainPipeline's kernel and
// the driver), for tests that need "what `nines run --record none` of this chain counts".
#include <oneapi/tbb/global_control.h>

#include <cstdint>
#include <string>
#include <vector>

#include "nines/model/scenario.hpp"
#include "nines/pipeline/chain_pipeline.hpp"
#include "nines/run/driver.hpp"

namespace nines::test {

struct ChainCounts {
  std::vector<std::uint64_t> component_failures;
  std::uint64_t failures = 0;
  std::uint64_t requests_done = 0;
  bool interrupted = false;
};

inline Scenario chain_scenario(const std::vector<double>& reliabilities) {
  Scenario s;
  s.name = "chain";
  for (std::size_t k = 0; k < reliabilities.size(); ++k)
    s.components.push_back({"c" + std::to_string(k), reliabilities[k], ""});
  return s;
}

inline ChainCounts chain_counts(const std::vector<double>& reliabilities, std::uint64_t requests,
                                std::uint64_t seed, SamplerKind sampler = SamplerKind::per_request,
                                std::uint64_t chunk_requests = kDefaultChunkRequests,
                                std::size_t threads = 0, StopFlag stop = nullptr) {
  std::optional<tbb::global_control> limit;
  if (threads > 0) limit.emplace(tbb::global_control::max_allowed_parallelism, threads);
  const Scenario scenario = chain_scenario(reliabilities);
  const ChainPipeline pipeline(scenario);
  RunInfo info;
  info.requests = requests;
  info.seed = seed;
  info.record = RecordMode::none;
  info.sampler = sampler;
  info.chunk_requests = chunk_requests;
  const auto kernel = pipeline.kernel(info);
  const DriveResult r = drive(*kernel, ChunkPlan{requests, chunk_requests}, nullptr, {stop});
  ChainCounts out;
  out.component_failures.assign(r.tally.begin(), r.tally.end() - 1);
  for (const auto f : out.component_failures) out.failures += f;
  out.requests_done = r.requests_done;
  out.interrupted = r.interrupted;
  return out;
}

}  // namespace nines::test
