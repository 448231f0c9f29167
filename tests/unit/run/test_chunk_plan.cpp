// How a run is cut into chunks and dealt out to MPI ranks: every request in exactly one chunk,
// every chunk on exactly one rank, whatever the sizes.
#include "nines/run/chunk_plan.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

using nines::ChunkPlan;

namespace {
// Every rank's chunks, in the order the rank samples them.
std::vector<std::vector<std::uint64_t>> deal(const ChunkPlan& plan, int ranks) {
  std::vector<std::vector<std::uint64_t>> out(static_cast<std::size_t>(ranks));
  for (int r = 0; r < ranks; ++r)
    for (std::uint64_t j = 0; j < plan.local_chunks(r, ranks); ++j)
      out[static_cast<std::size_t>(r)].push_back(plan.local_chunk(j, r, ranks));
  return out;
}
}  // namespace

TEST_CASE("the plan covers every request once", "[chunk_plan]") {
  const ChunkPlan plan{1'000'003, 1000};
  CHECK(plan.chunks() == 1001);
  CHECK(plan.first(0) == 0);
  CHECK(plan.first(1000) == 1'000'000);
  CHECK(plan.size(0) == 1000);
  CHECK(plan.size(1000) == 3);
  for (int ranks : {1, 2, 3, 7}) {
    std::uint64_t total = 0;
    for (int r = 0; r < ranks; ++r)
      for (std::uint64_t j = 0; j < plan.local_chunks(r, ranks); ++j)
        total += plan.size(plan.local_chunk(j, r, ranks));
    CHECK(total == plan.requests);
  }
}

TEST_CASE("chunks tile the requests without gaps or overlap", "[chunk_plan]") {
  for (const std::uint64_t requests : {1u, 2u, 3u, 1023u, 1024u, 1025u, 4096u}) {
    for (const std::uint64_t chunk : {2u, 4u, 1024u, 1u << 20}) {
      const ChunkPlan plan{requests, chunk};
      INFO(requests << " requests in chunks of " << chunk);
      CHECK_NOTHROW(plan.check());
      std::uint64_t next = 0;
      for (std::uint64_t c = 0; c < plan.chunks(); ++c) {
        CHECK(plan.first(c) == next);
        CHECK(plan.size(c) >= 1);
        CHECK(plan.size(c) <= chunk);
        next += plan.size(c);
      }
      CHECK(next == requests);
      // Only the last chunk may be short.
      for (std::uint64_t c = 0; c + 1 < plan.chunks(); ++c) CHECK(plan.size(c) == chunk);
    }
  }
  // An exact multiple has no ragged chunk; the default length is even (Philox blocks).
  CHECK(ChunkPlan{4096, 1024}.chunks() == 4);
  CHECK(ChunkPlan{4096, 1024}.size(3) == 1024);
  CHECK(nines::kDefaultChunkRequests % 2 == 0);
  CHECK(ChunkPlan{}.chunk_requests == nines::kDefaultChunkRequests);
}

TEST_CASE("ranks share the chunks round robin, each chunk once", "[chunk_plan]") {
  const ChunkPlan plan{10'000, 1000};  // 10 chunks
  for (int ranks : {1, 2, 3, 4, 10, 11, 64}) {
    INFO(ranks << " ranks");
    std::set<std::uint64_t> seen;
    const auto dealt = deal(plan, ranks);
    for (int r = 0; r < ranks; ++r) {
      const auto& mine = dealt[static_cast<std::size_t>(r)];
      for (std::size_t j = 0; j < mine.size(); ++j) {
        CHECK(mine[j] % static_cast<std::uint64_t>(ranks) == static_cast<std::uint64_t>(r));
        if (j > 0) CHECK(mine[j] > mine[j - 1]);  // in increasing order
        CHECK(seen.insert(mine[j]).second);
        CHECK(mine[j] < plan.chunks());
      }
    }
    CHECK(seen.size() == plan.chunks());
  }
  // More ranks than chunks: the extra ranks get nothing.
  CHECK(plan.local_chunks(9, 11) == 1);
  CHECK(plan.local_chunks(10, 11) == 0);
  CHECK(plan.local_chunks(63, 64) == 0);
  CHECK(deal(plan, 3) ==
        std::vector<std::vector<std::uint64_t>>{{0, 3, 6, 9}, {1, 4, 7}, {2, 5, 8}});
}

TEST_CASE("check() refuses plans that cannot run", "[chunk_plan]") {
  CHECK_THROWS_AS((ChunkPlan{10, 3}.check()), std::invalid_argument);
  CHECK_THROWS_WITH((ChunkPlan{10, 3}.check()),
                    "ChunkPlan: chunk_requests must be positive and even");
  CHECK_THROWS_WITH((ChunkPlan{10, 0}.check()),
                    "ChunkPlan: chunk_requests must be positive and even");
  CHECK_THROWS_WITH((ChunkPlan{0, 2}.check()), "ChunkPlan: requests must be positive");
  CHECK_NOTHROW(ChunkPlan{1, 2}.check());
}

TEST_CASE("huge plans count their chunks without overflow", "[chunk_plan]") {
  // The CLI's limit, 2^63 - 1 requests, in chunks of 2 and of the default length.
  const std::uint64_t limit = std::uint64_t{1} << 63;
  const ChunkPlan halves{limit - 1, 2};
  CHECK(halves.chunks() == limit / 2);
  CHECK(halves.size(halves.chunks() - 1) == 1);
  CHECK(halves.first(halves.chunks() - 1) == limit - 2);
  const ChunkPlan big{limit - 1, nines::kDefaultChunkRequests};
  CHECK(big.chunks() == limit / nines::kDefaultChunkRequests);
  CHECK(big.size(big.chunks() - 1) == nines::kDefaultChunkRequests - 1);
  // Beyond it (library use): 2^64 - 1 requests still make 2^63 chunks, not 0.
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  const ChunkPlan all{max, 2};
  CHECK(all.chunks() == limit);
  CHECK(all.size(all.chunks() - 1) == 1);
  CHECK(ChunkPlan{max, max - 1}.chunks() == 2);
  CHECK(ChunkPlan{max, max - 1}.size(1) == 1);
  // Round robin at that size: rank r of 3 gets every third chunk.
  const std::uint64_t chunks = all.chunks();
  CHECK(all.local_chunks(0, 3) + all.local_chunks(1, 3) + all.local_chunks(2, 3) == chunks);
  CHECK(all.local_chunk(all.local_chunks(2, 3) - 1, 2, 3) < chunks);
}
