#pragma once
// The per-request kernel: one 64-bit uniform draw per request, compared with the chain's
// cumulative integer thresholds, decides whether the request succeeds and, if not, which
// component failed it first. This is exact (to 2^-64 per outcome) and costs one draw per
// request however long the chain is, instead of one Bernoulli draw per component.
//
// All functions process requests [first, first + n) of a run and are pure functions of
// (seed, request index): the same request gets the same outcome in whatever chunk it lands.
// outcome() is the reference; the bulk functions are tested against it.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nines/chain_model.hpp"
#include "nines/philox_bulk.hpp"
#include "nines/random_streams.hpp"

namespace nines {

class ChainSampler {
 public:
  explicit ChainSampler(const ChainModel& model);

  std::size_t components() const noexcept { return components_; }

  // Outcome of one request: -1 for success, else the index of the first failing component.
  std::int32_t outcome(std::uint64_t seed, std::uint64_t request) const noexcept {
    return classify(request_uniform(seed, request));
  }

  // counts has components() + 1 slots: counts[k] += first failures at k, counts[K] += successes.
  void count(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
             std::uint64_t* counts) const noexcept;

  // Writes one outcome per request to out[0..n) and accumulates counts as count() does.
  void record_dense(std::uint64_t seed, std::uint64_t first, std::uint64_t n, std::int8_t* out,
                    std::uint64_t* counts) const noexcept;
  void record_dense(std::uint64_t seed, std::uint64_t first, std::uint64_t n, std::int16_t* out,
                    std::uint64_t* counts) const noexcept;
  void record_dense(std::uint64_t seed, std::uint64_t first, std::uint64_t n, std::int32_t* out,
                    std::uint64_t* counts) const noexcept;

  // Appends the failed requests (index and component) to the vectors, in increasing request
  // order, and accumulates counts. The vectors keep their capacity across calls, so a reused
  // buffer stops allocating once it has seen its largest chunk.
  void record_failures(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                       std::vector<std::uint64_t>& requests, std::vector<std::int32_t>& components,
                       std::uint64_t* counts) const;

  // Index of the first failing component for draw u, or -1.
  std::int32_t classify(std::uint64_t u) const noexcept {
    const std::size_t slot = slot_of(u);
    return slot == components_ ? -1 : static_cast<std::int32_t>(slot);
  }

  // The count slot of draw u: the number of thresholds <= u, capped at K (= success).
  std::size_t slot_of(std::uint64_t u) const noexcept {
    switch (padded_.size()) {
      case 1:
        return slot_linear<1>(u);
      case 2:
        return slot_linear<2>(u);
      case 4:
        return slot_linear<4>(u);
      case 8:
        return slot_linear<8>(u);
      case 16:
        return slot_linear<16>(u);
      default:
        return slot_binary(u);
    }
  }

 private:
  // Short chains: count the thresholds <= u outright. No branches and no dependency between
  // comparisons, so the compiler unrolls and vectorises it.
  template <std::size_t P>
  std::size_t slot_linear(std::uint64_t u) const noexcept {
    const std::uint64_t* t = padded_.data();
    std::size_t index = 0;
    for (std::size_t k = 0; k < P; ++k) index += t[k] <= u;
    return index < components_ ? index : components_;
  }

  // Long chains: binary search over the thresholds padded to a power of two with 2^64 - 1.
  // The step is masked arithmetic rather than a conditional so that it stays branch-free:
  // for unreliable chains the comparison is a coin flip the predictor cannot learn.
  std::size_t slot_binary(std::uint64_t u) const noexcept {
    const std::uint64_t* t = padded_.data();
    std::size_t base = 0;
    for (std::size_t n = padded_.size(); n > 1;) {
      const std::size_t half = n / 2;
      base += half & (std::size_t{0} - static_cast<std::size_t>(t[base + half - 1] <= u));
      n -= half;
    }
    const std::size_t index = base + (t[base] <= u);
    return index < components_ ? index : components_;
  }

  // Calls visit(request_index, u) for every request in [first, first + n) in order: whole
  // batches from the bulk generator, the ragged edges from the scalar reference.
  template <class Visit>
  static void for_each_draw(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                            Visit&& visit) noexcept {
    constexpr std::uint64_t kBatch = 2 * kPhiloxBulkBlocks;
    const PhiloxKey key = philox_key(seed);
    const std::uint64_t end = first + n;
    std::uint64_t i = first;
    if (i < end && i % 2 == 1) {
      visit(i, request_uniform(seed, i));
      ++i;
    }
    alignas(64) std::uint64_t u[kBatch];
    const PhiloxBulkFunction bulk = philox_bulk_function();
    for (; end - i >= kBatch; i += kBatch) {
      bulk(key, static_cast<std::uint32_t>(RandomStream::request_outcome), i / 2, u);
      for (std::size_t j = 0; j < kBatch; ++j) visit(i + j, u[j]);
    }
    for (; i < end; ++i) visit(i, request_uniform(seed, i));
  }

  // The shape of the hot loop is chosen from the model, never from the data, so it cannot
  // change results: when most requests succeed, one well-predicted comparison settles them and
  // only failures pay for the search; when failures are common, the search runs branch-free.
  // The search itself is picked once per call, so the per-request loop inlines it.
  template <class Visit>
  void for_each_slot(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                     Visit&& visit) const noexcept {
    const auto run = [&](auto slot) {
      if (mostly_succeeds_) {
        for_each_draw(seed, first, n, [&](std::uint64_t i, std::uint64_t u) {
          visit(i, u >= last_threshold_ ? components_ : slot(u));
        });
      } else {
        for_each_draw(seed, first, n, [&](std::uint64_t i, std::uint64_t u) { visit(i, slot(u)); });
      }
    };
    switch (padded_.size()) {
      case 1:
        return run([this](std::uint64_t u) { return slot_linear<1>(u); });
      case 2:
        return run([this](std::uint64_t u) { return slot_linear<2>(u); });
      case 4:
        return run([this](std::uint64_t u) { return slot_linear<4>(u); });
      case 8:
        return run([this](std::uint64_t u) { return slot_linear<8>(u); });
      case 16:
        return run([this](std::uint64_t u) { return slot_linear<16>(u); });
      default:
        return run([this](std::uint64_t u) { return slot_binary(u); });
    }
  }

  template <class Outcome>
  void record_dense_impl(std::uint64_t seed, std::uint64_t first, std::uint64_t n, Outcome* out,
                         std::uint64_t* counts) const noexcept {
    for_each_slot(seed, first, n, [&](std::uint64_t i, std::size_t slot) {
      out[i - first] = slot == components_ ? Outcome{-1} : static_cast<Outcome>(slot);
      ++counts[slot];
    });
  }

  std::size_t components_;
  std::uint64_t last_threshold_;
  bool mostly_succeeds_;
  std::vector<std::uint64_t> padded_;  // thresholds, padded with 2^64 - 1 to a power of two
};

}  // namespace nines
