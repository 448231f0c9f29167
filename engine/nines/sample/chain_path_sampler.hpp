#pragma once
// The chain fast path of the structure model: a structure whose one request kind is a series
// of distinct components (no kind retries, no common-cause event on its path) IS a chain, and
// is sampled by the chain kernels (one draw per request compared against thresholds, or the
// geometric skip) over the components' effective reliabilities in path order, instead of the
// general structure kernel. The outcomes have the structure kernel's distribution and
// attribution (the culprit of a chain is its first failed component), written into the same
// StructureChunk and tally layout, so everything downstream is unchanged.
//
// The failed set of a failed request (every component down in its attempt) needs the states of
// the components after the culprit, which the chain draw does not decide: they fail
// independently with their own probabilities, drawn from stream structure_attempt keyed by
// (request, attempt 0), uniform j for path component j (random_streams.hpp). Only failed
// requests pay for it.
#include <cstdint>
#include <optional>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/exact/chain_analytics.hpp"
#include "nines/model/sampler_kind.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/sample/chunk_sampler.hpp"
#include "nines/sample/structure_sampler.hpp"

namespace nines {

// The components, in path order, of a structure that is a chain; nullopt otherwise. Nested
// series, k-of-n with k = n, and single-child blocks count as series.
std::optional<std::vector<std::uint32_t>> chain_path(const StructureModel& model);

class ChainPathSampler {
 public:
  // `path` from chain_path(model); `layout` the structure sampler's tally layout.
  ChainPathSampler(const StructureModel& model, std::vector<std::uint32_t> path, SamplerKind kind,
                   const TallyLayout& layout);

  const ChainAnalytics& analytics() const noexcept { return analytics_; }

  // As StructureSampler::sample_chunk (dense needs the per-request sampler); `workspace` is the
  // thread's scratch (StructureSampler::make_workspace).
  void sample_chunk(std::uint64_t seed, std::uint64_t chunk_index, std::uint64_t first,
                    std::uint64_t n, bool dense, bool failures,
                    StructureSampler::Workspace& workspace, StructureChunk& chunk) const;

 private:
  std::vector<std::uint32_t> path_;  // global component index of each path position
  ChainAnalytics analytics_;         // effective reliabilities in path order
  ChunkSampler sampler_;
  std::vector<std::uint64_t> down_;  // per path position: "down iff u < t" for its own failure
  TallyLayout layout_;
  bool identity_ = true;  // path_[k] == k for every k
};

}  // namespace nines
