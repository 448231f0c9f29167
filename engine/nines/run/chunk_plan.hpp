#pragma once
// How a run is cut into chunks, and which of them one process samples. Chunk c covers requests
// [c * chunk_requests, min((c + 1) * chunk_requests, requests)). Every kernel draws request i's
// randomness from (seed, i) or (seed, chunk, draw), never from the thread or the rank, so the
// plan decides only who does the work, not what the results are. Across MPI ranks, rank r
// samples the chunks c with c % ranks == r.
#include <cstdint>

namespace nines {

// Requests per chunk: large enough that per-chunk overhead vanishes, small enough that a few
// chunks per thread in flight stay within a few MiB. It is also the HDF5 chunk length of the
// dense per-request datasets. Even, so chunks start on a Philox block boundary.
inline constexpr std::uint64_t kDefaultChunkRequests = std::uint64_t{1} << 20;

struct ChunkPlan {
  std::uint64_t requests = 0;
  std::uint64_t chunk_requests = kDefaultChunkRequests;

  // std::invalid_argument unless requests > 0 and chunk_requests is positive and even.
  void check() const;

  // Rounded up without forming requests + chunk_requests - 1, which wraps near 2^64.
  std::uint64_t chunks() const noexcept {
    return requests / chunk_requests + (requests % chunk_requests != 0 ? 1 : 0);
  }
  std::uint64_t first(std::uint64_t chunk) const noexcept { return chunk * chunk_requests; }
  std::uint64_t size(std::uint64_t chunk) const noexcept {
    const std::uint64_t begin = first(chunk);
    return requests - begin < chunk_requests ? requests - begin : chunk_requests;
  }

  // How many chunks rank `rank` of `ranks` samples, and the j-th of them.
  std::uint64_t local_chunks(int rank, int ranks) const noexcept {
    const auto r = static_cast<std::uint64_t>(rank);
    const auto n = chunks();
    return n <= r ? 0 : (n - r - 1) / static_cast<std::uint64_t>(ranks) + 1;
  }
  std::uint64_t local_chunk(std::uint64_t j, int rank, int ranks) const noexcept {
    return static_cast<std::uint64_t>(rank) + j * static_cast<std::uint64_t>(ranks);
  }
};

}  // namespace nines
