#include "nines/sample/attempt_draw_batch.hpp"

#include <algorithm>

namespace nines {

void AttemptDrawBatch::clear() noexcept {
  blocks_ = 0;
  draws_.clear();
}

void AttemptDrawBatch::compute(std::uint64_t seed) {
  const PhiloxKey key = philox_key(seed);
  const PhiloxGatherFunction gather = philox_gather_function();
  // Whole pages go straight into draws_; the lanes of a last, partial page past blocks_ hold
  // stale counters, computed into `tail` and not kept.
  draws_.resize(2 * blocks_);
  const std::size_t whole = blocks_ / kPhiloxBulkBlocks;
  for (std::size_t page = 0; page < whole; ++page)
    gather(key, pages_[page], draws_.data() + 2 * kPhiloxBulkBlocks * page);
  if (const std::size_t rest = blocks_ - whole * kPhiloxBulkBlocks; rest > 0) {
    std::uint64_t tail[2 * kPhiloxBulkBlocks];
    gather(key, pages_[whole], tail);
    std::copy_n(tail, 2 * rest, draws_.data() + 2 * kPhiloxBulkBlocks * whole);
  }
}

}  // namespace nines
