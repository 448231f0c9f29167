#include "nines/sample/chain_sampler.hpp"

#include <algorithm>
#include <bit>
#include <limits>

namespace nines {

namespace {
// Above this failure rate the early-exit branch mispredicts often enough to lose to the
// branch-free search.
constexpr double kMostlySucceedsBelow = 0.05;
}  // namespace

// The bulk kernels are compiled once per instruction set and picked at load time, so a
// portable build still runs the Philox rounds on AVX2 or AVX-512 where the CPU has them.
// Only integer arithmetic is involved: every clone computes bit-identical outcomes.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(NINES_NO_CLONES)
#define NINES_KERNEL \
  __attribute__((flatten, target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define NINES_KERNEL
#endif

ChainSampler::ChainSampler(const ChainAnalytics& model)
    : components_(model.size()),
      last_threshold_(model.thresholds().empty() ? 0 : model.thresholds().back()),
      mostly_succeeds_(model.unreliability() < kMostlySucceedsBelow),
      padded_(model.thresholds()) {
  padded_.resize(std::bit_ceil(std::max<std::size_t>(padded_.size(), 1)),
                 std::numeric_limits<std::uint64_t>::max());
}

NINES_KERNEL void ChainSampler::count(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                                      std::uint64_t* counts) const {
  SlotTally tally(components_ + 1);
  const SlotTally::Counter add = tally.counter();
  for_each_slot(seed, first, n, [=](std::uint64_t i, std::size_t slot) { add(i, slot); });
  tally.add_to(counts);
}

NINES_KERNEL void ChainSampler::record_failures(std::uint64_t seed, std::uint64_t first,
                                                std::uint64_t n,
                                                std::vector<std::uint64_t>& requests,
                                                std::vector<std::int32_t>& components,
                                                std::uint64_t* counts) const {
  SlotTally tally(components_ + 1);
  const SlotTally::Counter add = tally.counter();
  for_each_slot(seed, first, n, [&](std::uint64_t i, std::size_t slot) {
    add(i, slot);
    if (slot == components_) return;
    requests.push_back(i);
    components.push_back(static_cast<std::int32_t>(slot));
  });
  tally.add_to(counts);
}

NINES_KERNEL void ChainSampler::record_dense_and_failures(std::uint64_t seed, std::uint64_t first,
                                                          std::uint64_t n, std::int16_t* out,
                                                          std::vector<std::uint64_t>& requests,
                                                          std::vector<std::int32_t>& components,
                                                          std::uint64_t* counts) const {
  SlotTally tally(components_ + 1);
  const SlotTally::Counter add = tally.counter();
  const std::size_t success = components_;
  for_each_slot(seed, first, n, [&](std::uint64_t i, std::size_t slot) {
    // -1 for success without a branch, as record_dense.
    out[i - first] = static_cast<std::int16_t>(static_cast<std::int16_t>(slot) |
                                               -static_cast<std::int16_t>(slot == success));
    add(i, slot);
    if (slot == success) return;
    requests.push_back(i);
    components.push_back(static_cast<std::int32_t>(slot));
  });
  tally.add_to(counts);
}

NINES_KERNEL void ChainSampler::record_dense(std::uint64_t seed, std::uint64_t first,
                                             std::uint64_t n, std::int8_t* out,
                                             std::uint64_t* counts) const {
  record_dense_impl(seed, first, n, out, counts);
}

NINES_KERNEL void ChainSampler::record_dense(std::uint64_t seed, std::uint64_t first,
                                             std::uint64_t n, std::int16_t* out,
                                             std::uint64_t* counts) const {
  record_dense_impl(seed, first, n, out, counts);
}

NINES_KERNEL void ChainSampler::record_dense(std::uint64_t seed, std::uint64_t first,
                                             std::uint64_t n, std::int32_t* out,
                                             std::uint64_t* counts) const {
  record_dense_impl(seed, first, n, out, counts);
}

}  // namespace nines
