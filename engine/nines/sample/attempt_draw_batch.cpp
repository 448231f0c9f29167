#include "nines/sample/attempt_draw_batch.hpp"

#include <algorithm>

#include "nines/sample/random_streams.hpp"

namespace nines {

void AttemptDrawBatch::clear() noexcept {
  blocks_ = 0;
  draws_.clear();
}

std::size_t AttemptDrawBatch::add(std::uint64_t request, std::uint32_t attempt,
                                  std::uint32_t first_block, std::uint32_t end_block) {
  const std::size_t at = 2 * blocks_;
  for (std::uint32_t block = first_block; block < end_block; ++block, ++blocks_) {
    if (blocks_ / kPhiloxBulkBlocks == pages_.size()) pages_.emplace_back();
    PhiloxCounterBlocks& page = pages_[blocks_ / kPhiloxBulkBlocks];
    const std::size_t lane = blocks_ % kPhiloxBulkBlocks;
    // AttemptStream's counter {request low, request high, stream, attempt << 20 | block}.
    page.words[0][lane] = request & 0xffffffffu;
    page.words[1][lane] = request >> 32;
    page.words[2][lane] = static_cast<std::uint32_t>(RandomStream::structure_attempt);
    page.words[3][lane] = attempt << 20 | block;
  }
  return at;
}

void AttemptDrawBatch::compute(std::uint64_t seed) {
  const PhiloxKey key = philox_key(seed);
  const PhiloxGatherFunction gather = philox_gather_function();
  draws_.clear();
  std::uint64_t out[2 * kPhiloxBulkBlocks];
  for (std::size_t first = 0; first < blocks_; first += kPhiloxBulkBlocks) {
    // The lanes of a last, partial page past blocks_ hold stale counters: computed, not kept.
    gather(key, pages_[first / kPhiloxBulkBlocks], out);
    draws_.insert(draws_.end(), out, out + 2 * std::min(kPhiloxBulkBlocks, blocks_ - first));
  }
}

}  // namespace nines
