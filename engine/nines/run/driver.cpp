#include "nines/run/driver.hpp"

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "nines/run/checkpoints.hpp"

namespace nines {
namespace {

void add_progress(const DriveControl& control, std::uint64_t n) {
  if (control.progress != nullptr) control.progress->fetch_add(n, std::memory_order_relaxed);
}

std::size_t threads() {
  return static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
}

// One thread's working set: the kernel's scratch, a tally, and (recording) the encoded chunk.
struct Slot {
  std::unique_ptr<ChunkScratch> scratch;
  std::vector<std::uint64_t> tally;
  EncodedChunk encoded;
  std::uint64_t chunk = 0;
  bool sampled = false;
  bool complete = true;
};

Slot make_slot(const ChunkKernel& kernel) {
  Slot s;
  s.scratch = kernel.make_scratch();
  s.tally.assign(kernel.tally_size(), 0);
  return s;
}

// Summaries only: the chunks [0, count) of `chunk_of(j)`, any order, per-thread tallies. A
// stop request cancels the loop's task group, so the chunks not started are never visited.
template <class ChunkOf>
void count_chunks(const ChunkKernel& kernel, const ChunkPlan& plan, std::uint64_t count,
                  ChunkOf chunk_of, const DriveControl& control, std::vector<std::uint64_t>& tally,
                  std::uint64_t& done, bool& interrupted) {
  tbb::enumerable_thread_specific<Slot> local([&] { return make_slot(kernel); });
  std::atomic<std::uint64_t> sampled{0};
  std::atomic<bool> cut{false};
  tbb::task_group_context context;
  tbb::parallel_for(
      tbb::blocked_range<std::uint64_t>(0, count, 1),
      [&](const tbb::blocked_range<std::uint64_t>& range) {
        Slot& slot = local.local();
        for (std::uint64_t j = range.begin(); j != range.end(); ++j) {
          if (stop_requested(control.stop)) {
            cut = true;
            context.cancel_group_execution();
            return;
          }
          const std::uint64_t c = chunk_of(j);
          const std::uint64_t n = plan.size(c);
          if (!kernel.sample_chunk(c, plan.first(c), n, *slot.scratch, slot.tally.data(), nullptr,
                                   control.stop)) {
            cut = true;
            context.cancel_group_execution();
            return;
          }
          sampled.fetch_add(n, std::memory_order_relaxed);
          add_progress(control, n);
        }
      },
      tbb::simple_partitioner(), context);
  for (const Slot& slot : local)
    for (std::size_t i = 0; i < tally.size(); ++i) tally[i] += slot.tally[i];
  done += sampled.load();
  interrupted = interrupted || cut.load() || context.is_group_execution_cancelled();
}

// Requests of the chunks [begin, end) of `plan`.
std::uint64_t requests_of(const ChunkPlan& plan, std::uint64_t begin, std::uint64_t end) {
  if (begin >= end) return 0;
  const std::uint64_t last = end == plan.chunks() ? plan.requests : plan.first(end);
  return last - plan.first(begin);
}

// Recorded, one process: sample and encode the chunks [begin, end) in parallel, store them in
// chunk order.
void record_chunks(const ChunkKernel& kernel, const ChunkPlan& plan, std::uint64_t begin,
                   std::uint64_t end, ChunkStore& store, const DriveControl& control,
                   DriveResult& result) {
  const std::uint64_t chunks = end;
  const std::size_t tokens = 2 * threads() + 2;
  std::vector<std::unique_ptr<Slot>> storage;
  tbb::concurrent_bounded_queue<Slot*> pool;
  for (std::size_t t = 0; t < tokens; ++t) {
    storage.push_back(std::make_unique<Slot>(make_slot(kernel)));
    pool.push(storage.back().get());
  }
  std::uint64_t next = begin;
  bool cut = false;
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, Slot*>(tbb::filter_mode::serial_in_order,
                                    [&](tbb::flow_control& fc) -> Slot* {
                                      if (next == chunks || cut || stop_requested(control.stop)) {
                                        fc.stop();
                                        return nullptr;
                                      }
                                      Slot* slot = nullptr;
                                      pool.pop(slot);
                                      slot->chunk = next++;
                                      return slot;
                                    }) &
          tbb::make_filter<Slot*, Slot*>(tbb::filter_mode::parallel,
                                         [&](Slot* slot) {
                                           std::fill(slot->tally.begin(), slot->tally.end(), 0);
                                           slot->complete = kernel.sample_chunk(
                                               slot->chunk, plan.first(slot->chunk),
                                               plan.size(slot->chunk), *slot->scratch,
                                               slot->tally.data(), &slot->encoded, control.stop);
                                           return slot;
                                         }) &
          tbb::make_filter<Slot*, void>(tbb::filter_mode::serial_in_order, [&](Slot* slot) {
            if (!slot->complete || cut) {
              cut = true;  // nothing after a cut chunk is stored
            } else {
              store.store(slot->encoded);
              for (std::size_t i = 0; i < result.tally.size(); ++i)
                result.tally[i] += slot->tally[i];
              const std::uint64_t n = plan.size(slot->chunk);
              result.requests_done += n;
              add_progress(control, n);
            }
            pool.push(slot);
          }));
  result.interrupted = cut || result.requests_done != requests_of(plan, begin, end);
}

// Recorded, several ranks: rounds of W chunks per rank of [begin, end), gathered to rank 0 and
// stored in order.
void record_chunks_distributed(const ChunkKernel& kernel, const ChunkPlan& plan,
                               std::uint64_t begin, std::uint64_t end, ChunkStore* store,
                               Communicator& world, const DriveControl& control,
                               DriveResult& result) {
  const int rank = world.rank();
  const int ranks = world.size();
  const bool root = rank == 0;
  if (root && store == nullptr)
    throw std::invalid_argument("drive: rank 0 needs a store to record");
  const std::uint64_t chunks = end;

  // Chunks per rank per round: a few per thread, and at most about 1 GiB of raw chunk data
  // per round on rank 0 (MPI counts are ints). Rank 0 decides, so every rank agrees.
  std::vector<unsigned char> agreed(sizeof(std::uint64_t), 0);
  if (root) {
    const std::uint64_t per_chunk = 16 * plan.chunk_requests + 4096;  // generous bound
    const std::uint64_t budget = std::max<std::uint64_t>(
        1, (std::uint64_t{1} << 30) / static_cast<std::uint64_t>(ranks) / per_chunk);
    const std::uint64_t w =
        std::max<std::uint64_t>(1, std::min<std::uint64_t>(4 * threads(), budget));
    std::memcpy(agreed.data(), &w, sizeof w);
  }
  world.broadcast(agreed);
  std::uint64_t per_round = 0;
  std::memcpy(&per_round, agreed.data(), sizeof per_round);

  std::vector<Slot> work;
  for (std::uint64_t j = 0; j < per_round; ++j) work.push_back(make_slot(kernel));
  std::vector<unsigned char> payload;
  std::uint64_t local_done = 0;
  std::vector<std::uint64_t> local_tally(result.tally.size(), 0);
  bool stopped_all = false;
  const auto R = static_cast<std::uint64_t>(ranks);
  for (std::uint64_t base = begin; base < chunks && !stopped_all; base += per_round * R) {
    tbb::parallel_for(
        tbb::blocked_range<std::uint64_t>(0, per_round, 1),
        [&](const tbb::blocked_range<std::uint64_t>& range) {
          for (std::uint64_t j = range.begin(); j != range.end(); ++j) {
            Slot& s = work[static_cast<std::size_t>(j)];
            s.chunk = base + static_cast<std::uint64_t>(rank) + j * R;
            s.sampled = false;
            if (s.chunk >= chunks || stop_requested(control.stop)) continue;
            std::fill(s.tally.begin(), s.tally.end(), 0);
            s.sampled = kernel.sample_chunk(s.chunk, plan.first(s.chunk), plan.size(s.chunk),
                                            *s.scratch, s.tally.data(), &s.encoded, control.stop);
          }
        },
        tbb::simple_partitioner());

    payload.clear();
    bool complete = true;
    for (const Slot& s : work) {
      if (s.chunk >= chunks) continue;
      if (!s.sampled) {
        complete = false;
        continue;
      }
      s.encoded.append_to(payload);
    }
    std::vector<std::uint8_t> go = {
        static_cast<std::uint8_t>(complete && !stop_requested(control.stop) ? 1 : 0)};
    const auto gathered = world.gather(payload);
    world.min(go);
    if (go[0] == 0) {
      stopped_all = true;  // nothing of this round is stored
      break;
    }
    for (const Slot& s : work) {
      if (s.chunk >= chunks) continue;
      for (std::size_t i = 0; i < local_tally.size(); ++i) local_tally[i] += s.tally[i];
      local_done += plan.size(s.chunk);
      add_progress(control, plan.size(s.chunk));
    }
    if (!root) continue;
    // Rank 0 stores the round's chunks in chunk order.
    std::map<std::uint64_t, EncodedChunk> round;
    for (const auto& bytes : gathered) {
      const unsigned char* p = bytes.data();
      const unsigned char* stop = p + bytes.size();
      while (p < stop) {
        EncodedChunk chunk;
        p = EncodedChunk::read_from(p, stop, chunk);
        const std::uint64_t index = chunk.chunk;
        round.emplace(index, std::move(chunk));
      }
    }
    for (const auto& [index, chunk] : round) store->store(chunk);
  }
  std::vector<std::uint64_t> totals = local_tally;
  totals.push_back(local_done);
  world.sum(totals);
  result.requests_done = totals.back();
  totals.pop_back();
  result.tally = std::move(totals);
  result.interrupted = stopped_all || result.requests_done != requests_of(plan, begin, end);
}

// The chunks [begin, end) of `plan` under every schedule: the tally and requests of those
// chunks alone, summed over every rank.
DriveResult drive_range(const ChunkKernel& kernel, const ChunkPlan& plan, std::uint64_t begin,
                        std::uint64_t end, bool record, ChunkStore* store, Communicator& world,
                        const DriveControl& control) {
  DriveResult result;
  result.tally.assign(kernel.tally_size(), 0);
  const int rank = world.rank();
  const int ranks = world.size();
  if (!record) {
    // Rank r samples chunks begin + r, begin + r + R, ...: from chunk 0 that is c % R == r.
    const auto r = static_cast<std::uint64_t>(rank);
    const auto R = static_cast<std::uint64_t>(ranks);
    const std::uint64_t count = end - begin <= r ? 0 : (end - begin - r - 1) / R + 1;
    count_chunks(
        kernel, plan, count, [&](std::uint64_t j) { return begin + r + j * R; }, control,
        result.tally, result.requests_done, result.interrupted);
    if (ranks > 1) {
      // Sum over ranks; any rank's interruption is everyone's.
      std::vector<std::uint64_t> totals = result.tally;
      totals.push_back(result.requests_done);
      totals.push_back(result.interrupted ? 1 : 0);
      world.sum(totals);
      result.interrupted = totals.back() != 0;
      totals.pop_back();
      result.requests_done = totals.back();
      totals.pop_back();
      result.tally = std::move(totals);
    }
    result.interrupted =
        result.interrupted || result.requests_done != requests_of(plan, begin, end);
    return result;
  }
  if (ranks > 1) {
    record_chunks_distributed(kernel, plan, begin, end, store, world, control, result);
    return result;
  }
  if (store == nullptr) throw std::invalid_argument("drive: recording needs a store");
  record_chunks(kernel, plan, begin, end, *store, control, result);
  return result;
}

}  // namespace

DriveResult drive(const ChunkKernel& kernel, const ChunkPlan& plan, bool record, ChunkStore* store,
                  Communicator& world, DriveControl control, const CheckpointRule& rule) {
  plan.check();
  const std::uint64_t chunks = plan.chunks();
  if (!rule) return drive_range(kernel, plan, 0, chunks, record, store, world, control);

  // Segment by segment: every rank holds the same merged tally after each, so the rule, a
  // function of that tally alone, stops them all at the same checkpoint.
  DriveResult result;
  result.tally.assign(kernel.tally_size(), 0);
  for (std::uint64_t done = 0; done < chunks;) {
    const std::uint64_t next = next_checkpoint(done, chunks);
    DriveResult segment = drive_range(kernel, plan, done, next, record, store, world, control);
    for (std::size_t i = 0; i < result.tally.size(); ++i) result.tally[i] += segment.tally[i];
    result.requests_done += segment.requests_done;
    if (segment.interrupted) {
      result.interrupted = true;
      return result;
    }
    done = next;
    ++result.checkpoints;
    if (rule(result.tally, result.requests_done)) {
      result.rule_met = true;
      break;
    }
  }
  return result;
}

RunsResult drive_runs(const RunSet& set, const std::vector<std::size_t>& runs, Communicator& world,
                      DriveControl control) {
  const std::size_t count = runs.size();
  // Item ranges: run s owns items [first_item[s], first_item[s + 1]).
  std::vector<std::uint64_t> first_item(count + 1, 0), first_chunk(count, 0), end_chunk(count, 0);
  std::vector<ChunkPlan> plans;
  for (std::size_t s = 0; s < count; ++s) {
    plans.push_back(set.plan(runs[s]));
    plans.back().check();
    first_chunk[s] = set.first_chunk(runs[s]);
    end_chunk[s] = set.end_chunk(runs[s]);
    if (first_chunk[s] > end_chunk[s] || end_chunk[s] > plans.back().chunks())
      throw std::invalid_argument("drive_runs: chunk range past the run's plan");
    first_item[s + 1] = first_item[s] + end_chunk[s] - first_chunk[s];
  }
  const auto rank = static_cast<std::uint64_t>(world.rank());
  const auto ranks = static_cast<std::uint64_t>(world.size());
  const std::uint64_t items = first_item[count];
  const std::uint64_t local_items = items <= rank ? 0 : (items - rank - 1) / ranks + 1;

  // Per run: its kernel while this rank has items of it left, and its tally.
  struct RunState {
    std::mutex mutex;
    std::unique_ptr<ChunkKernel> kernel;
    std::atomic<std::uint64_t> remaining{0};
    std::vector<std::atomic<std::uint64_t>> tally;
  };
  std::vector<RunState> state(count);
  for (std::size_t s = 0; s < count; ++s) {
    const auto below = [&](std::uint64_t x) { return x <= rank ? 0 : (x - rank - 1) / ranks + 1; };
    state[s].remaining = below(first_item[s + 1]) - below(first_item[s]);
    state[s].tally = std::vector<std::atomic<std::uint64_t>>(set.tally_size(runs[s]));
  }

  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> cut{false};
  tbb::task_group_context context;
  tbb::enumerable_thread_specific<std::vector<std::uint64_t>> scratch_tally;
  tbb::parallel_for(
      tbb::blocked_range<std::uint64_t>(0, local_items, 1),
      [&](const tbb::blocked_range<std::uint64_t>& range) {
        std::vector<std::uint64_t>& tally = scratch_tally.local();
        for (std::uint64_t j = range.begin(); j != range.end(); ++j) {
          if (stop_requested(control.stop)) {
            cut = true;
            context.cancel_group_execution();
            return;
          }
          const std::uint64_t item = rank + j * ranks;
          const auto s = static_cast<std::size_t>(
              std::upper_bound(first_item.begin(), first_item.end(), item) - first_item.begin() -
              1);
          RunState& run = state[s];
          const ChunkKernel* kernel = nullptr;
          {
            std::lock_guard<std::mutex> lock(run.mutex);
            if (!run.kernel) run.kernel = set.make_kernel(runs[s]);
            kernel = run.kernel.get();
          }
          const std::uint64_t chunk = first_chunk[s] + item - first_item[s];
          const ChunkPlan& plan = plans[s];
          tally.assign(run.tally.size(), 0);
          // Each item's scratch is its own: runs differ in kernel, and a chunk outweighs it.
          const auto scratch = kernel->make_scratch();
          if (!kernel->sample_chunk(chunk, plan.first(chunk), plan.size(chunk), *scratch,
                                    tally.data(), nullptr, control.stop)) {
            cut = true;
            context.cancel_group_execution();
            return;
          }
          for (std::size_t i = 0; i < tally.size(); ++i)
            if (tally[i] != 0) run.tally[i].fetch_add(tally[i], std::memory_order_relaxed);
          done.fetch_add(plan.size(chunk), std::memory_order_relaxed);
          add_progress(control, plan.size(chunk));
          if (run.remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> lock(run.mutex);
            run.kernel.reset();  // this rank's last item of the run: free what it built
          }
        }
      },
      tbb::simple_partitioner(), context);

  RunsResult result;
  std::vector<std::uint64_t> flat;
  for (const RunState& run : state)
    for (const auto& v : run.tally) flat.push_back(v.load(std::memory_order_relaxed));
  flat.push_back(done.load());
  flat.push_back(cut.load() || context.is_group_execution_cancelled() ? 1 : 0);
  if (world.size() > 1) world.sum(flat);
  result.interrupted = flat.back() != 0;
  flat.pop_back();
  result.requests_done = flat.back();
  flat.pop_back();
  std::size_t at = 0;
  std::uint64_t expected = 0;
  for (std::size_t s = 0; s < count; ++s) {
    result.tallies.emplace_back(
        flat.begin() + static_cast<std::ptrdiff_t>(at),
        flat.begin() + static_cast<std::ptrdiff_t>(at + state[s].tally.size()));
    at += state[s].tally.size();
    expected += requests_of(plans[s], first_chunk[s], end_chunk[s]);
  }
  result.interrupted = result.interrupted || result.requests_done != expected;
  return result;
}

DriveResult drive(const ChunkKernel& kernel, const ChunkPlan& plan, ChunkStore* store,
                  DriveControl control, const CheckpointRule& rule) {
  LocalCommunicator local;
  return drive(kernel, plan, store != nullptr, store, local, control, rule);
}

}  // namespace nines
