#pragma once
// The layout of nines' random numbers. Every draw is philox4x32_10(counter, key) with
//   key     = the run's 64-bit seed (low word, high word),
//   counter = {block low, block high, stream, 0},
// so a draw is a function of (seed, stream, index) only: never of the thread, the chunk
// boundaries or the machine. Streams keep one purpose's draws from shifting another's.
#include <cstdint>

#include "nines/sample/philox.hpp"

namespace nines {

enum class RandomStream : std::uint32_t {
  // One 64-bit uniform per request: request i uses block i/2, words (0,1) if i is even and
  // (2,3) if odd, as low and high halves.
  request_outcome = 0,
  // The geometric-skip sampler: draw j of chunk c uses counter {j, c low, stream, c high}
  // (see geometric_skip_sampler.hpp).
  failure_skip = 1,
  // Structure runs (format 2; the layout is documented in structure_sampler.hpp): one 64-bit
  // uniform per request that picks its kind and decides "first attempt all clear", laid out
  // exactly like request_outcome ...
  structure_request = 16,
  // ... and the draws that resolve an attempt that is not all clear, per (request, attempt):
  // counter = {request low, request high, 17, attempt << 20 | block}.
  structure_attempt = 17,
  // ... and one uniform per request, laid out like request_outcome, that draws the retries a
  // successful request did not need, for the "component always fails" counterfactual.
  structure_counterfactual = 18,
  // The geometric skip over all-clear structure requests (structure_sampler.hpp): draw j of
  // chunk c uses counter {j, c low, 19, c high} ...
  structure_skip = 19,
  // ... and the chunk's multinomial split of its skipped requests over the kinds uses the
  // engine counter {block, c low, c high, 20} (Philox4x32Engine from block 0).
  structure_skip_kinds = 20,
};

constexpr PhiloxKey philox_key(std::uint64_t seed) noexcept {
  return {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
}

constexpr PhiloxCounter philox_counter(RandomStream stream, std::uint64_t block) noexcept {
  return {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
          static_cast<std::uint32_t>(stream), 0};
}

// The reference definition of request i's uniform draw. The sampler computes the same values
// two requests per block; tests hold it to this function.
constexpr std::uint64_t request_uniform(std::uint64_t seed, std::uint64_t request) noexcept {
  const PhiloxCounter x =
      philox4x32_10(philox_counter(RandomStream::request_outcome, request / 2), philox_key(seed));
  return request % 2 == 0 ? (std::uint64_t{x[1]} << 32 | x[0]) : (std::uint64_t{x[3]} << 32 | x[2]);
}

}  // namespace nines
