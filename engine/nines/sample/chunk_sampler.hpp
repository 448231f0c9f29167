#pragma once
// Both exact chain samplers behind one per-chunk call. The kind is chosen once per run (or per
// sweep point) by choose_sampler; every chain run (one process, MPI ranks, sweep points) samples
// through this class in the chain kernel (pipeline/chain_pipeline.cpp), so a sweep point and the
// run of that point use the same method and get the same counts.
#include <cstdint>
#include <vector>

#include "nines/exact/chain_analytics.hpp"
#include "nines/sample/chain_sampler.hpp"
#include "nines/sample/choose_sampler.hpp"
#include "nines/sample/geometric_skip_sampler.hpp"

namespace nines {

class ChunkSampler {
 public:
  ChunkSampler(const ChainAnalytics& model, SamplerKind kind)
      : kind_(kind), per_request_(model), skip_(model) {}

  SamplerKind kind() const noexcept { return kind_; }
  std::size_t components() const noexcept { return per_request_.components(); }
  const ChainSampler& per_request() const noexcept { return per_request_; }

  // Chunk `chunk` covers requests [first, first + n); counts as in ChainSampler::count.
  void count(std::uint64_t seed, std::uint64_t chunk, std::uint64_t first, std::uint64_t n,
             std::uint64_t* counts) const {
    if (kind_ == SamplerKind::geometric_skip)
      skip_.count(seed, chunk, first, n, counts);
    else
      per_request_.count(seed, first, n, counts);
  }

  void record_failures(std::uint64_t seed, std::uint64_t chunk, std::uint64_t first,
                       std::uint64_t n, std::vector<std::uint64_t>& requests,
                       std::vector<std::int32_t>& components, std::uint64_t* counts) const {
    if (kind_ == SamplerKind::geometric_skip)
      skip_.record_failures(seed, chunk, first, n, requests, components, counts);
    else
      per_request_.record_failures(seed, first, n, requests, components, counts);
  }

 private:
  SamplerKind kind_;
  ChainSampler per_request_;
  GeometricSkipSampler skip_;
};

}  // namespace nines
