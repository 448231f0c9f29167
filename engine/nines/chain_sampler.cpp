#include "nines/chain_sampler.hpp"

#include <bit>
#include <limits>

namespace nines {

ChainSampler::ChainSampler(const ChainModel& model)
    : components_(model.size()),
      last_threshold_(model.thresholds().empty() ? 0 : model.thresholds().back()),
      padded_(model.thresholds()) {
  padded_.resize(std::bit_ceil(std::max<std::size_t>(padded_.size(), 1)),
                 std::numeric_limits<std::uint64_t>::max());
}

void ChainSampler::count(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                         std::uint64_t* counts) const noexcept {
  const std::size_t success_slot = components_;
  for_each_draw(seed, first, n, [&](std::uint64_t, std::uint64_t u) {
    const std::int32_t k = classify(u);
    ++counts[k < 0 ? success_slot : static_cast<std::size_t>(k)];
  });
}

void ChainSampler::record_failures(std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                                   std::vector<std::uint64_t>& requests,
                                   std::vector<std::int32_t>& components,
                                   std::uint64_t* counts) const {
  const std::size_t success_slot = components_;
  for_each_draw(seed, first, n, [&](std::uint64_t i, std::uint64_t u) {
    const std::int32_t k = classify(u);
    if (k < 0) {
      ++counts[success_slot];
      return;
    }
    ++counts[static_cast<std::size_t>(k)];
    requests.push_back(i);
    components.push_back(k);
  });
}

}  // namespace nines
