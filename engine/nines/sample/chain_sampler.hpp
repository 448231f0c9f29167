#pragma once
// The per-request kernel: one 64-bit uniform draw per request, compared with the chain's
// cumulative integer thresholds, decides whether the request succeeds and, if not, which
// component failed it first. This is exact (to 2^-64 per outcome) and costs one draw per
// request however long the chain is, instead of one Bernoulli draw per component.
//
// All functions process requests [first, first + n) of a run and are pure functions of
// (seed, request index): the same request gets the same outcome in whatever chunk it lands.
// outcome() is the reference; the bulk functions are tested against it.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nines/exact/chain_analytics.hpp"
#include "nines/sample/philox_bulk.hpp"
#include "nines/sample/random_streams.hpp"

namespace nines {

// Counts per slot for one call of the hot loop, in memory only this call touches. Requests
// take turns over kLanes copies of the counters, so consecutive requests that land in the same
// slot (most of them, in a reliable chain) do not wait for each other's read-modify-write.
// Chains of up to kInlineSlots - 1 components count on the stack; longer ones on the heap.
class SlotTally {
 public:
  static constexpr std::size_t kLanes = 4;
  static constexpr std::size_t kInlineSlots = 64;

  explicit SlotTally(std::size_t slots)
      : slots_(slots), heap_(slots > kInlineSlots ? slots * kLanes : 0, 0) {
    if (slots <= kInlineSlots) {
      inline_.fill(0);
      counts_ = inline_.data();
    } else {
      counts_ = heap_.data();
    }
  }
  SlotTally(const SlotTally&) = delete;
  SlotTally& operator=(const SlotTally&) = delete;

  // The hot loop counts through this, taken once into a local: a local pointer cannot alias
  // the int8 outcomes being written, a member could, and would be reloaded after every store.
  struct Counter {
    std::uint64_t* counts;
    void operator()(std::uint64_t request, std::size_t slot) const noexcept {
      ++counts[slot * kLanes + request % kLanes];
    }
  };
  Counter counter() noexcept { return Counter{counts_}; }
  void add_to(std::uint64_t* counts) const noexcept {
    for (std::size_t s = 0; s < slots_; ++s)
      for (std::size_t lane = 0; lane < kLanes; ++lane) counts[s] += counts_[s * kLanes + lane];
  }

 private:
  std::size_t slots_;
  std::uint64_t* counts_;
  std::array<std::uint64_t, kInlineSlots * kLanes> inline_;
  std::vector<std::uint64_t> heap_;
};

class ChainSampler {
 public:
  explicit ChainSampler(const ChainAnalytics& model);

  std::size_t components() const noexcept { return components_; }

  // Outcome of one request: -1 for success, else the index of the first failing component.
  std::int32_t outcome(std::uint64_t seed, std::uint64_t request) const noexcept {
    return classify(request_uniform(seed, request));
  }

  // counts has components() + 1 slots: counts[k] += first failures at k, counts[K] += successes.
  // The functions below count into their own SlotTally and add it to `counts` once at the end,
  // so callers may keep one counts array per thread side by side without false sharing.
  void count(std::uint64_t seed, std::uint64_t first, std::uint64_t n, std::uint64_t* counts) const;

  // Writes one outcome per request to out[0..n) and accumulates counts as count() does.
  void record_dense(std::uint64_t seed, std::uint64_t first, std::uint64_t n, std::int8_t* out,
                    std::uint64_t* counts) const;
  void record_dense(std::uint64_t seed, std::uint64_t first, std::uint64_t n, std::int16_t* out,
                    std::uint64_t* counts) const;
  void record_dense(std::uint64_t seed, std::uint64_t first, std::uint64_t n, std::int32_t* out,
                    std::uint64_t* counts) const;

  // record_dense and record_failures in one pass: the outcomes, and the failed requests
  // appended as record_failures does (the structure chain path needs both, and finds the
  // failures where the draw is resolved instead of scanning the outcomes again).
  void record_dense_and_failures(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                                 std::int16_t* out, std::vector<std::uint64_t>& requests,
                                 std::vector<std::int32_t>& components,
                                 std::uint64_t* counts) const;

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
  std::size_t slot_of(std::uint64_t u) const noexcept;

 private:
  // The two searches are small values copied into the hot loop, not members read through
  // `this`: the loop's stores (int8 outcomes may alias anything, uint64 counts may alias the
  // thresholds) would otherwise make the compiler reload them for every request.

  // Short chains: count the thresholds <= u outright. No branches and no dependency between
  // comparisons, so the compiler unrolls and vectorises it.
  template <std::size_t P>
  struct LinearSearch {
    std::array<std::uint64_t, P> thresholds;
    std::size_t components;
    std::size_t operator()(std::uint64_t u) const noexcept {
      std::size_t index = 0;
      for (std::size_t k = 0; k < P; ++k) index += thresholds[k] <= u;
      return index < components ? index : components;
    }
  };

  // Long chains: binary search over the thresholds padded to a power of two with 2^64 - 1.
  // The step is masked arithmetic rather than a conditional so that it stays branch-free:
  // for unreliable chains the comparison is a coin flip the predictor cannot learn.
  struct BinarySearch {
    const std::uint64_t* thresholds;
    std::size_t size;
    std::size_t components;
    std::size_t operator()(std::uint64_t u) const noexcept {
      std::size_t base = 0;
      for (std::size_t n = size; n > 1;) {
        const std::size_t half = n / 2;
        base +=
            half & (std::size_t{0} - static_cast<std::size_t>(thresholds[base + half - 1] <= u));
        n -= half;
      }
      const std::size_t index = base + (thresholds[base] <= u);
      return index < components ? index : components;
    }
  };

  template <std::size_t P>
  LinearSearch<P> linear_search() const noexcept {
    LinearSearch<P> search{{}, components_};
    std::copy_n(padded_.begin(), P, search.thresholds.begin());
    return search;
  }

  // Calls f with the search for this chain; the switch happens once per call, so the
  // per-request loop inside f is compiled for each search and inlines it.
  template <class F>
  decltype(auto) with_search(F&& f) const {
    switch (padded_.size()) {
      case 1:
        return f(linear_search<1>());
      case 2:
        return f(linear_search<2>());
      case 4:
        return f(linear_search<4>());
      case 8:
        return f(linear_search<8>());
      case 16:
        return f(linear_search<16>());
      case 32:
        return f(linear_search<32>());
      case 64:
        return f(linear_search<64>());
      default:
        return f(BinarySearch{padded_.data(), padded_.size(), components_});
    }
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
  template <class Visit>
  void for_each_slot(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                     Visit&& visit) const {
    const std::uint64_t last = last_threshold_;
    const std::size_t success = components_;
    with_search([&](const auto search) {
      if (mostly_succeeds_) {
        for_each_draw(seed, first, n,
                      [&visit, search, last, success](std::uint64_t i, std::uint64_t u) {
                        visit(i, u >= last ? success : search(u));
                      });
      } else {
        for_each_draw(seed, first, n,
                      [&visit, search](std::uint64_t i, std::uint64_t u) { visit(i, search(u)); });
      }
    });
  }

  template <class Outcome>
  void record_dense_impl(std::uint64_t seed, std::uint64_t first, std::uint64_t n, Outcome* out,
                         std::uint64_t* counts) const {
    SlotTally tally(components_ + 1);
    const SlotTally::Counter add = tally.counter();
    const std::size_t success = components_;
    for_each_slot(seed, first, n, [=](std::uint64_t i, std::size_t slot) {
      // -1 for success without a branch: success is the one slot equal to K.
      out[i - first] =
          static_cast<Outcome>(static_cast<Outcome>(slot) | -static_cast<Outcome>(slot == success));
      add(i, slot);
    });
    tally.add_to(counts);
  }

  std::size_t components_;
  std::uint64_t last_threshold_;
  bool mostly_succeeds_;
  std::vector<std::uint64_t> padded_;  // thresholds, padded with 2^64 - 1 to a power of two
};

inline std::size_t ChainSampler::slot_of(std::uint64_t u) const noexcept {
  return with_search([u](const auto& search) { return search(u); });
}

}  // namespace nines
