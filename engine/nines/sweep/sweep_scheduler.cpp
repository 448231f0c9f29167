#include "nines/sweep/sweep_scheduler.hpp"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <stdexcept>

#include "nines/exact/chain_analytics.hpp"
#include "nines/sample/chunk_sampler.hpp"

namespace nines {

namespace {
std::uint64_t chunks_of(const SweepPoint& point, std::uint64_t chunk) {
  return (point.requests + chunk - 1) / chunk;
}
}  // namespace

struct SweepScheduler::Impl {
  const SweepPlan& plan;
  std::vector<std::size_t> points;
  std::uint64_t chunk = kDefaultChunkRequests;
  int rank = 0;
  int ranks = 1;
  SamplerChoice choice = SamplerChoice::automatic;
  std::vector<std::uint64_t> first_item;  // global item index of each slot's chunk 0; + end
  std::vector<std::size_t> count_offset;  // slot -> first of its K + 1 counters
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts;
  std::unique_ptr<std::atomic<std::uint64_t>[]> remaining;  // this rank's items left per slot
  std::uint64_t local_items = 0;

  Impl(const SweepPlan& sweep, std::vector<std::size_t> pts, int this_rank, int all_ranks,
       std::uint64_t c, SamplerChoice sampler)
      : plan(sweep),
        points(std::move(pts)),
        chunk(c),
        rank(this_rank),
        ranks(all_ranks),
        choice(sampler) {
    if (chunk == 0 || chunk % 2 != 0)
      throw std::invalid_argument("SweepScheduler: chunk_requests must be positive and even");
    if (ranks < 1 || rank < 0 || rank >= ranks)
      throw std::invalid_argument("SweepScheduler: rank out of range");
    first_item.reserve(points.size() + 1);
    count_offset.reserve(points.size() + 1);
    std::uint64_t items = 0;
    std::size_t offset = 0;
    for (const std::size_t p : points) {
      first_item.push_back(items);
      count_offset.push_back(offset);
      items += chunks_of(plan.points.at(p), chunk);
      offset += plan.points[p].components.size() + 1;
    }
    first_item.push_back(items);
    count_offset.push_back(offset);
    counts = std::make_unique<std::atomic<std::uint64_t>[]>(offset);
    for (std::size_t i = 0; i < offset; ++i) counts[i].store(0, std::memory_order_relaxed);
    remaining = std::make_unique<std::atomic<std::uint64_t>[]>(points.size());
    const auto R = static_cast<std::uint64_t>(ranks);
    const auto r = static_cast<std::uint64_t>(rank);
    for (std::size_t s = 0; s < points.size(); ++s) {
      // Items g in [a, b) with g % R == r.
      const std::uint64_t a = first_item[s], b = first_item[s + 1];
      const auto below = [&](std::uint64_t x) { return x <= r ? 0 : (x - r - 1) / R + 1; };
      remaining[s].store(below(b) - below(a), std::memory_order_relaxed);
    }
    local_items = items <= r ? 0 : (items - r - 1) / R + 1;
  }

  std::size_t slot_of(std::uint64_t item) const {
    const auto it = std::upper_bound(first_item.begin(), first_item.end(), item);
    return static_cast<std::size_t>(it - first_item.begin()) - 1;
  }
};

SweepScheduler::SweepScheduler(const SweepPlan& plan, std::vector<std::size_t> points, int rank,
                               int ranks, std::uint64_t chunk_requests, SamplerChoice sampler)
    : impl_(std::make_unique<Impl>(plan, std::move(points), rank, ranks, chunk_requests, sampler)) {
}

SweepScheduler::~SweepScheduler() = default;

std::size_t SweepScheduler::size() const noexcept {
  return impl_->points.size();
}

std::size_t SweepScheduler::point(std::size_t slot) const noexcept {
  return impl_->points[slot];
}

bool SweepScheduler::finished(std::size_t slot) const noexcept {
  return impl_->remaining[slot].load(std::memory_order_acquire) == 0;
}

std::vector<std::uint64_t> SweepScheduler::failures(std::size_t slot) const {
  const Impl& w = *impl_;
  const std::size_t first = w.count_offset[slot];
  const std::size_t k = w.count_offset[slot + 1] - first - 1;  // the last slot counts successes
  std::vector<std::uint64_t> out(k);
  for (std::size_t i = 0; i < k; ++i) out[i] = w.counts[first + i].load(std::memory_order_relaxed);
  return out;
}

void SweepScheduler::run(const std::atomic<bool>* stop, std::atomic<std::uint64_t>* requests_done) {
  Impl& w = *impl_;
  std::size_t widest = 1;
  for (std::size_t s = 0; s < w.points.size(); ++s)
    widest = std::max(widest, w.count_offset[s + 1] - w.count_offset[s]);
  tbb::enumerable_thread_specific<std::vector<std::uint64_t>> scratch(
      [widest] { return std::vector<std::uint64_t>(widest); });

  // One work item: chunk `c` of slot `s`. Building the model per item costs O(K), nothing
  // next to a chunk of up to 2^20 requests, and keeps memory flat however many points there are.
  const auto work = [&](std::uint64_t local) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) return;
    const std::uint64_t item =
        static_cast<std::uint64_t>(w.rank) + local * static_cast<std::uint64_t>(w.ranks);
    const std::size_t s = w.slot_of(item);
    const SweepPoint& point = w.plan.points[w.points[s]];
    const std::uint64_t first = (item - w.first_item[s]) * w.chunk;
    const std::uint64_t n = std::min(w.chunk, point.requests - first);
    const ChainAnalytics model(point.reliabilities());
    const ChunkSampler sampler(model, choose_sampler(w.choice, RecordMode::none, model));
    std::vector<std::uint64_t>& counts = scratch.local();
    const std::size_t slots = point.components.size() + 1;
    std::fill(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(slots), 0);
    sampler.count(point.seed, item - w.first_item[s], first, n, counts.data());
    const std::size_t offset = w.count_offset[s];
    for (std::size_t k = 0; k < slots; ++k)
      if (counts[k] != 0) w.counts[offset + k].fetch_add(counts[k], std::memory_order_relaxed);
    if (requests_done != nullptr) requests_done->fetch_add(n, std::memory_order_relaxed);
    w.remaining[s].fetch_sub(1, std::memory_order_acq_rel);  // publishes the counts above
  };

  tbb::parallel_for(
      tbb::blocked_range<std::uint64_t>(0, w.local_items, 1),
      [&](const tbb::blocked_range<std::uint64_t>& items) {
        for (std::uint64_t i = items.begin(); i != items.end(); ++i) work(i);
      },
      tbb::simple_partitioner());
}

bool sweep_point_failures(const SweepPoint& point, std::uint64_t chunk_requests,
                          SamplerChoice choice, const std::atomic<bool>* stop,
                          const std::function<void(std::span<const std::uint64_t>,
                                                   std::span<const std::int32_t>)>& emit) {
  const ChainAnalytics model(point.reliabilities());
  const ChunkSampler sampler(model, choose_sampler(choice, RecordMode::failures, model));
  const std::uint64_t chunks = chunks_of(point, chunk_requests);
  // A batch of a few chunks per thread: parallel sampling, in-order emission, bounded memory.
  const auto batch =
      static_cast<std::uint64_t>(4 * std::max(1, tbb::this_task_arena::max_concurrency()));
  struct Out {
    std::vector<std::uint64_t> requests;
    std::vector<std::int32_t> components;
    std::vector<std::uint64_t> counts;
  };
  std::vector<Out> out(static_cast<std::size_t>(std::min(batch, chunks)));
  for (std::uint64_t begin = 0; begin < chunks; begin += batch) {
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) return false;
    const std::uint64_t end = std::min(chunks, begin + batch);
    tbb::parallel_for(
        tbb::blocked_range<std::uint64_t>(begin, end, 1),
        [&](const tbb::blocked_range<std::uint64_t>& range) {
          for (std::uint64_t c = range.begin(); c != range.end(); ++c) {
            Out& o = out[static_cast<std::size_t>(c - begin)];
            o.requests.clear();
            o.components.clear();
            o.counts.assign(point.components.size() + 1, 0);
            const std::uint64_t first = c * chunk_requests;
            sampler.record_failures(point.seed, c, first,
                                    std::min(chunk_requests, point.requests - first), o.requests,
                                    o.components, o.counts.data());
          }
        },
        tbb::simple_partitioner());
    for (std::uint64_t c = begin; c < end; ++c) {
      const Out& o = out[static_cast<std::size_t>(c - begin)];
      emit(o.requests, o.components);
    }
  }
  return true;
}

SamplerKind sweep_point_sampler(const SweepPoint& point, SamplerChoice choice) {
  return choose_sampler(choice, RecordMode::none, ChainAnalytics(point.reliabilities()));
}

}  // namespace nines
