#include "nines/run/structure_simulation.hpp"

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <stdexcept>

#include "nines/files/structure_writer.hpp"

namespace nines {
namespace {

bool stop_requested(const SimulationControl& control) {
  return control.stop != nullptr && control.stop->load(std::memory_order_relaxed);
}

void report_progress(const SimulationControl& control, std::uint64_t n) {
  if (control.progress != nullptr) control.progress->fetch_add(n, std::memory_order_relaxed);
}

// A chunk's state: its sampler scratch, its outputs, and where it sits in the run.
struct ChunkWork {
  std::uint64_t index = 0;
  std::uint64_t first = 0;
  std::uint64_t n = 0;
  std::unique_ptr<StructureSampler::Workspace> workspace;
  StructureChunk chunk;
  DenseColumns columns;

  void reset(std::size_t tally_size) {
    chunk.tally.assign(tally_size, 0);
    chunk.failed_request.clear();
    chunk.failed_kind.clear();
    chunk.failed_attempts.clear();
    chunk.failed_culprit.clear();
    chunk.failed_common_cause.clear();
    chunk.failed_set_size.clear();
    chunk.failed_set.clear();
  }
};

StructureSimulationResult simulate_counts(const StructureSampler& sampler,
                                          const StructureSimulationOptions& options,
                                          std::uint64_t chunks, const SimulationControl& control) {
  const std::size_t size = sampler.layout().size();
  tbb::enumerable_thread_specific<ChunkWork> local([&] {
    ChunkWork work;
    work.workspace = sampler.make_workspace();
    work.chunk.tally.assign(size, 0);
    return work;
  });
  std::atomic<std::uint64_t> done{0};
  tbb::parallel_for(
      tbb::blocked_range<std::uint64_t>(0, chunks, 1),
      [&](const tbb::blocked_range<std::uint64_t>& range) {
        ChunkWork& work = local.local();
        for (std::uint64_t c = range.begin(); c != range.end(); ++c) {
          if (stop_requested(control)) return;
          const std::uint64_t first = c * options.chunk_requests;
          const std::uint64_t n = std::min(options.chunk_requests, options.requests - first);
          sampler.sample_chunk(options.seed, first, n, false, false, *work.workspace, work.chunk);
          done.fetch_add(n, std::memory_order_relaxed);
          report_progress(control, n);
        }
      },
      tbb::simple_partitioner());
  StructureSimulationResult result;
  result.tally.assign(size, 0);
  for (const ChunkWork& work : local)
    for (std::size_t i = 0; i < size; ++i) result.tally[i] += work.chunk.tally[i];
  result.requests_done = done.load();
  result.interrupted = result.requests_done != options.requests;
  return result;
}

StructureSimulationResult simulate_recorded(const StructureSampler& sampler,
                                            const StructureSimulationOptions& options,
                                            std::uint64_t chunks, StructureRunWriter& writer,
                                            const SimulationControl& control) {
  const std::size_t size = sampler.layout().size();
  const bool dense = options.record == RecordMode::dense;
  const auto tokens =
      static_cast<std::size_t>(2 * std::max(1, tbb::this_task_arena::max_concurrency()) + 2);
  std::vector<std::unique_ptr<ChunkWork>> storage;
  tbb::concurrent_bounded_queue<ChunkWork*> pool;
  for (std::size_t t = 0; t < tokens; ++t) {
    storage.push_back(std::make_unique<ChunkWork>());
    storage.back()->workspace = sampler.make_workspace();
    pool.push(storage.back().get());
  }

  StructureSimulationResult result;
  result.tally.assign(size, 0);
  std::uint64_t next_chunk = 0;
  tbb::parallel_pipeline(
      tokens, tbb::make_filter<void, ChunkWork*>(
                  tbb::filter_mode::serial_in_order,
                  [&](tbb::flow_control& fc) -> ChunkWork* {
                    if (next_chunk == chunks || stop_requested(control)) {
                      fc.stop();
                      return nullptr;
                    }
                    ChunkWork* work = nullptr;
                    pool.pop(work);
                    work->index = next_chunk++;
                    work->first = work->index * options.chunk_requests;
                    work->n = std::min(options.chunk_requests, options.requests - work->first);
                    return work;
                  }) &
                  tbb::make_filter<ChunkWork*, ChunkWork*>(
                      tbb::filter_mode::parallel,
                      [&](ChunkWork* work) {
                        work->reset(size);
                        sampler.sample_chunk(options.seed, work->first, work->n, dense, true,
                                             *work->workspace, work->chunk);
                        if (dense) writer.compress_dense(work->n, work->chunk, work->columns);
                        return work;
                      }) &
                  tbb::make_filter<ChunkWork*, void>(
                      tbb::filter_mode::serial_in_order, [&](ChunkWork* work) {
                        if (dense) writer.write_dense(work->index, work->columns);
                        writer.append_failures(work->chunk);
                        for (std::size_t i = 0; i < size; ++i)
                          result.tally[i] += work->chunk.tally[i];
                        result.requests_done += work->n;
                        report_progress(control, work->n);
                        pool.push(work);
                      }));
  result.interrupted = result.requests_done != options.requests;
  return result;
}

}  // namespace

StructureSimulationResult simulate_structure(const StructureSampler& sampler,
                                             const StructureSimulationOptions& options,
                                             StructureRunWriter* writer,
                                             SimulationControl control) {
  if (options.requests == 0)
    throw std::invalid_argument("simulate_structure: requests must be positive");
  if (options.chunk_requests == 0 || options.chunk_requests % 2 != 0)
    throw std::invalid_argument("simulate_structure: chunk_requests must be positive and even");
  const std::uint64_t chunks =
      (options.requests + options.chunk_requests - 1) / options.chunk_requests;
  if (options.record == RecordMode::none) return simulate_counts(sampler, options, chunks, control);
  if (writer == nullptr)
    throw std::invalid_argument("simulate_structure: recording needs a writer");
  return simulate_recorded(sampler, options, chunks, *writer, control);
}

}  // namespace nines
