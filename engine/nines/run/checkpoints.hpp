#pragma once
// Where a run that stops at a precision (--target-precision) looks at its merged tally: after
// chunks 1, 2, ..., 8 and from then on about 1/8 further each time (c -> c + max(1, c / 8)),
// never past the last chunk. The schedule depends only on the chunk count, never on threads,
// ranks or timing, so the stopping point, and with it every output, is the same for any of
// them. The 1/8 step bounds the requests sampled past the first point at which the rule
// would have held to 12.5%, at a cost of about 9 checkpoints per doubling of the run.
#include <algorithm>
#include <cstdint>

namespace nines {

// The checkpoint after `chunks_done` (0 for the first), capped at `total_chunks`.
inline std::uint64_t next_checkpoint(std::uint64_t chunks_done,
                                     std::uint64_t total_chunks) noexcept {
  const std::uint64_t step = std::max<std::uint64_t>(1, chunks_done / 8);
  return total_chunks - chunks_done <= step ? total_chunks : chunks_done + step;
}

}  // namespace nines
