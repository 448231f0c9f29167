#pragma once
// The draws of stream structure_attempt (attempt_stream.hpp) for many (request, attempt) pairs
// at once. AttemptStream computes one Philox block at a time, and a kernel that resolves
// requests one by one waits on each; a kernel that knows which requests it will resolve queues
// their blocks here and gets them from one SIMD call per kPhiloxBulkBlocks blocks
// (philox_gather_function). The values are AttemptStream's, bit for bit (tested).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nines/sample/philox_bulk.hpp"
#include "nines/sample/random_streams.hpp"

namespace nines {

class AttemptDrawBatch {
 public:
  // What a caller should queue at most before computing (64 Ki blocks: 2 MiB of counters,
  // 2 MiB of draws), so that memory stays bounded for paths of thousands of components.
  static constexpr std::size_t kMaxBlocks = std::size_t{1} << 16;

  // Forgets what was queued; keeps the capacity, so a reused batch stops allocating.
  void clear() noexcept;

  // Blocks queued since clear().
  std::size_t blocks() const noexcept { return blocks_; }

  // Queues the blocks holding draws [2 first_block, 2 end_block) of (request, attempt), and
  // returns the index in draws() that draw 2 first_block will have.
  // Inline: kernels call it once per failure or visit, in their innermost loops.
  std::size_t add(std::uint64_t request, std::uint32_t attempt, std::uint32_t first_block,
                  std::uint32_t end_block) {
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

  // Computes everything queued (for the seed's key); draws() then holds two uniforms per block,
  // in the order queued.
  void compute(std::uint64_t seed);

  const std::vector<std::uint64_t>& draws() const noexcept { return draws_; }

 private:
  // The queued counters, kPhiloxBulkBlocks to a page, laid out as the gather reads them.
  std::vector<PhiloxCounterBlocks> pages_;
  std::size_t blocks_ = 0;
  std::vector<std::uint64_t> draws_;
};

}  // namespace nines
