#pragma once
// The per-request kernel: one 64-bit uniform draw per request, compared with the chain's
// cumulative integer thresholds, decides whether the request succeeds and, if not, which
// component failed it first. This is exact (to 2^-64 per outcome) and costs one draw per
// request however long the chain is, instead of one Bernoulli draw per component.
//
// All functions process requests [first, first + n) of a run and are pure functions of
// (seed, request index): the same request gets the same outcome in whatever chunk it lands.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "nines/chain_model.hpp"
#include "nines/random_streams.hpp"

namespace nines {

class ChainSampler {
 public:
  explicit ChainSampler(const ChainModel& model);

  std::size_t components() const noexcept { return components_; }

  // Outcome of one request: -1 for success, else the index of the first failing component.
  // The reference the bulk functions below are tested against.
  std::int32_t outcome(std::uint64_t seed, std::uint64_t request) const noexcept {
    return classify(request_uniform(seed, request));
  }

  // counts has components() + 1 slots: counts[k] += first failures at k, counts[K] += successes.
  void count(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
             std::uint64_t* counts) const noexcept;

  // Writes one outcome per request to out[0..n) and accumulates counts as count() does.
  template <class Outcome>
  void record_dense(std::uint64_t seed, std::uint64_t first, std::uint64_t n, Outcome* out,
                    std::uint64_t* counts) const noexcept;

  // Appends the failed requests (index and component) to the vectors, in increasing request
  // order, and accumulates counts. The vectors keep their capacity across calls, so a reused
  // buffer stops allocating once it has seen its largest chunk.
  void record_failures(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                       std::vector<std::uint64_t>& requests, std::vector<std::int32_t>& components,
                       std::uint64_t* counts) const;

  // Index of the first failing component for draw u, or -1: the number of thresholds <= u,
  // found by a branch-free binary search over the thresholds padded to a power of two.
  std::int32_t classify(std::uint64_t u) const noexcept {
    if (u >= last_threshold_) return -1;  // the common case in a reliable chain
    const std::uint64_t* base = padded_.data();
    for (std::size_t n = padded_.size(); n > 1;) {
      const std::size_t half = n / 2;
      base = base[half - 1] <= u ? base + half : base;
      n -= half;
    }
    const auto index = static_cast<std::int32_t>(base - padded_.data()) + (*base <= u ? 1 : 0);
    return index >= static_cast<std::int32_t>(components_) ? -1 : index;
  }

 private:
  // Calls visit(request_index, u) for every request in [first, first + n), two per block.
  template <class Visit>
  static void for_each_draw(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                            Visit&& visit) noexcept {
    const PhiloxKey key = philox_key(seed);
    std::uint64_t i = first;
    const std::uint64_t end = first + n;
    if (i < end && i % 2 == 1) {
      visit(i, request_uniform(seed, i));
      ++i;
    }
    for (; i + 1 < end; i += 2) {
      const PhiloxCounter x =
          philox4x32_10(philox_counter(RandomStream::request_outcome, i / 2), key);
      visit(i, std::uint64_t{x[1]} << 32 | x[0]);
      visit(i + 1, std::uint64_t{x[3]} << 32 | x[2]);
    }
    if (i < end) visit(i, request_uniform(seed, i));
  }

  std::size_t components_;
  std::uint64_t last_threshold_;
  std::vector<std::uint64_t> padded_;  // thresholds, padded with 2^64 - 1 to a power of two
};

template <class Outcome>
void ChainSampler::record_dense(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                                Outcome* out, std::uint64_t* counts) const noexcept {
  const std::size_t success_slot = components_;
  for_each_draw(seed, first, n, [&](std::uint64_t i, std::uint64_t u) {
    const std::int32_t k = classify(u);
    out[i - first] = static_cast<Outcome>(k);
    ++counts[k < 0 ? success_slot : static_cast<std::size_t>(k)];
  });
}

}  // namespace nines
