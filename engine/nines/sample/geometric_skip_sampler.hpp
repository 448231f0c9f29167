#pragma once
// Samples only the failures of a chunk: the gap before the next failed request is geometric,
// P(G = g) = (1 - Q)^g Q with Q the chain's unreliability, drawn by inversion
// G = floor(log(V) / log(1 - Q)) with V uniform on (0, 1]; the failing component is then drawn
// from q_k / Q against 64-bit thresholds, as the per-request sampler does. The requests in
// between succeed. This is the same distribution as drawing every request (the Bernoulli
// process is memoryless, so restarting it at each chunk boundary changes nothing), at a cost
// proportional to the number of failures.
//
// Draw j of chunk c is philox4x32_10({j, c low, failure_skip, c high}, seed): results depend on
// the seed and the chunk length (stored in the run file), never on threads or scheduling.
#include <cstdint>
#include <vector>

#include "nines/exact/chain_analytics.hpp"

namespace nines {

class GeometricSkipSampler {
 public:
  explicit GeometricSkipSampler(const ChainAnalytics& model);

  std::size_t components() const noexcept { return components_; }

  // Chunk `chunk` covers requests [first, first + n). counts as in ChainSampler::count.
  void count(std::uint64_t seed, std::uint64_t chunk, std::uint64_t first, std::uint64_t n,
             std::uint64_t* counts) const noexcept;
  void record_failures(std::uint64_t seed, std::uint64_t chunk, std::uint64_t first,
                       std::uint64_t n, std::vector<std::uint64_t>& requests,
                       std::vector<std::int32_t>& components, std::uint64_t* counts) const;

 private:
  template <class OnFailure>
  void for_each_failure(std::uint64_t seed, std::uint64_t chunk, std::uint64_t first,
                        std::uint64_t n, OnFailure&& on_failure) const noexcept;

  std::size_t components_;
  double log_survival_;  // log(1 - Q); 0 when Q == 0, -inf when Q == 1
  bool never_fails_;
  bool always_fails_;
  std::vector<std::uint64_t> conditional_thresholds_;  // round(2^64 * sum_{j<=k} q_j / Q)
};

}  // namespace nines
