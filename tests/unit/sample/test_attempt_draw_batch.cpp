// The batched draws of stream structure_attempt are AttemptStream's, bit for bit, whatever the
// mix of requests, attempts and block ranges, across the SIMD call boundaries.
#include "nines/sample/attempt_draw_batch.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <vector>

#include "nines/sample/attempt_stream.hpp"

TEST_CASE("AttemptDrawBatch gives AttemptStream's draws", "[attempt-draw-batch]") {
  struct Queued {
    std::uint64_t request;
    std::uint32_t attempt, first, end;
    std::size_t at;
  };
  nines::AttemptDrawBatch batch;
  std::mt19937_64 rng(7);
  for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{0x0123456789abcdefULL}}) {
    batch.clear();
    std::vector<Queued> queued;
    // Enough blocks to cross several gather calls; requests above 2^32 and attempts > 0 too.
    for (int i = 0; i < 200; ++i) {
      Queued q;
      q.request = i % 3 == 0 ? rng() : rng() % 1000;
      q.attempt = static_cast<std::uint32_t>(rng() % 4);
      q.first = static_cast<std::uint32_t>(rng() % 5);
      q.end = q.first + static_cast<std::uint32_t>(rng() % 6);  // some empty ranges
      q.at = batch.add(q.request, q.attempt, q.first, q.end);
      queued.push_back(q);
    }
    batch.compute(seed);
    std::size_t blocks = 0;
    for (const Queued& q : queued) {
      nines::AttemptStream stream(seed, q.request, q.attempt);
      for (std::uint32_t d = 2 * q.first; d < 2 * q.end; ++d)
        REQUIRE(batch.draws()[q.at + d - 2 * q.first] == stream(d));
      blocks += q.end - q.first;
    }
    CHECK(batch.draws().size() == 2 * blocks);
  }
  batch.clear();
  batch.compute(1);
  CHECK(batch.draws().empty());
}
