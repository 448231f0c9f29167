#include "nines/run/simulation.hpp"

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "nines/files/run_writer.hpp"
#include "nines/sample/chunk_sampler.hpp"

namespace nines {
namespace {

bool stop_requested(const SimulationControl& control) {
  return control.stop != nullptr && control.stop->load(std::memory_order_relaxed);
}

void report_progress(const SimulationControl& control, std::uint64_t n) {
  if (control.progress != nullptr) control.progress->fetch_add(n, std::memory_order_relaxed);
}

std::uint64_t chunk_count(const SimulationOptions& options) {
  return (options.requests + options.chunk_requests - 1) / options.chunk_requests;
}

// Summaries only: no ordering needed, so a plain parallel loop over chunks with one counter
// array per thread. Integer sums make the totals independent of the schedule.
SimulationResult simulate_counts(const ChunkSampler& sampler, const SimulationOptions& options,
                                 const SimulationControl& control) {
  const std::size_t slots = sampler.components() + 1;
  tbb::enumerable_thread_specific<std::vector<std::uint64_t>> local_counts(
      [slots] { return std::vector<std::uint64_t>(slots, 0); });
  std::atomic<std::uint64_t> done{0};
  tbb::parallel_for(
      tbb::blocked_range<std::uint64_t>(0, chunk_count(options), 1),
      [&](const tbb::blocked_range<std::uint64_t>& chunks) {
        auto& counts = local_counts.local();
        for (std::uint64_t c = chunks.begin(); c != chunks.end(); ++c) {
          if (stop_requested(control)) return;
          const std::uint64_t first = c * options.chunk_requests;
          const std::uint64_t n = std::min(options.chunk_requests, options.requests - first);
          sampler.count(options.seed, c, first, n, counts.data());
          done.fetch_add(n, std::memory_order_relaxed);
          report_progress(control, n);
        }
      },
      tbb::simple_partitioner());

  SimulationResult result;
  std::vector<std::uint64_t> totals(slots, 0);
  for (const auto& counts : local_counts)
    for (std::size_t k = 0; k < slots; ++k) totals[k] += counts[k];
  result.component_failures.assign(totals.begin(), totals.end() - 1);
  for (std::size_t k = 0; k + 1 < slots; ++k) result.failures += totals[k];
  result.requests_done = done.load();
  result.interrupted = result.requests_done != options.requests;
  return result;
}

// One chunk's worth of work travelling through the pipeline. Buffers are recycled through a
// pool, so their vectors stop allocating after the first few chunks.
struct ChunkWork {
  std::uint64_t index = 0;
  std::uint64_t first = 0;
  std::uint64_t n = 0;
  std::vector<std::uint64_t> counts;
  std::vector<unsigned char> outcomes;          // dense: n outcomes of the writer's outcome type
  CompressedChunk compressed;                   // dense
  std::vector<std::uint64_t> failed_requests;   // failures mode
  std::vector<std::int32_t> failed_components;  // failures mode
};

void sample_dense(const ChainSampler& sampler, std::uint64_t seed, OutcomeType type,
                  ChunkWork& work) {
  switch (type) {
    case OutcomeType::int8:
      sampler.record_dense(seed, work.first, work.n,
                           reinterpret_cast<std::int8_t*>(work.outcomes.data()),
                           work.counts.data());
      break;
    case OutcomeType::int16:
      sampler.record_dense(seed, work.first, work.n,
                           reinterpret_cast<std::int16_t*>(work.outcomes.data()),
                           work.counts.data());
      break;
    case OutcomeType::int32:
      sampler.record_dense(seed, work.first, work.n,
                           reinterpret_cast<std::int32_t*>(work.outcomes.data()),
                           work.counts.data());
      break;
  }
}

// Records to disk: sample and compress chunks in parallel, write them in request order.
SimulationResult simulate_recorded(const ChunkSampler& sampler, const SimulationOptions& options,
                                   RunFileWriter& writer, const SimulationControl& control) {
  const std::size_t slots = sampler.components() + 1;
  const bool dense = options.record == RecordMode::dense;
  const OutcomeType type = writer.outcome_type();
  const std::uint64_t chunks = chunk_count(options);

  // A few chunks per thread in flight keeps every core busy while the writer works.
  const auto tokens =
      static_cast<std::size_t>(2 * std::max(1, tbb::this_task_arena::max_concurrency()) + 2);
  std::vector<std::unique_ptr<ChunkWork>> storage;
  tbb::concurrent_bounded_queue<ChunkWork*> pool;
  for (std::size_t t = 0; t < tokens; ++t) {
    storage.push_back(std::make_unique<ChunkWork>());
    storage.back()->counts.resize(slots);
    if (dense) storage.back()->outcomes.resize(options.chunk_requests * outcome_bytes(type));
    pool.push(storage.back().get());
  }

  std::vector<std::uint64_t> totals(slots, 0);
  std::uint64_t next_chunk = 0;
  std::uint64_t done = 0;
  tbb::parallel_pipeline(
      tokens,
      tbb::make_filter<void, ChunkWork*>(tbb::filter_mode::serial_in_order,
                                         [&](tbb::flow_control& fc) -> ChunkWork* {
                                           if (next_chunk == chunks || stop_requested(control)) {
                                             fc.stop();
                                             return nullptr;
                                           }
                                           ChunkWork* work = nullptr;
                                           pool.pop(work);
                                           work->index = next_chunk++;
                                           work->first = work->index * options.chunk_requests;
                                           work->n = std::min(options.chunk_requests,
                                                              options.requests - work->first);
                                           return work;
                                         }) &
          tbb::make_filter<ChunkWork*, ChunkWork*>(
              tbb::filter_mode::parallel,
              [&](ChunkWork* work) {
                std::fill(work->counts.begin(), work->counts.end(), 0);
                if (dense) {
                  sample_dense(sampler.per_request(), options.seed, type, *work);
                  writer.compress_dense_chunk(work->outcomes.data(), work->n, work->compressed);
                } else {
                  work->failed_requests.clear();
                  work->failed_components.clear();
                  sampler.record_failures(options.seed, work->index, work->first, work->n,
                                          work->failed_requests, work->failed_components,
                                          work->counts.data());
                }
                return work;
              }) &
          tbb::make_filter<ChunkWork*, void>(
              tbb::filter_mode::serial_in_order, [&](ChunkWork* work) {
                if (dense) {
                  writer.write_dense_chunk(work->index, work->compressed);
                } else {
                  writer.append_failures(work->failed_requests, work->failed_components);
                }
                for (std::size_t k = 0; k < slots; ++k) totals[k] += work->counts[k];
                done += work->n;
                report_progress(control, work->n);
                pool.push(work);
              }));

  SimulationResult result;
  result.component_failures.assign(totals.begin(), totals.end() - 1);
  for (std::size_t k = 0; k + 1 < slots; ++k) result.failures += totals[k];
  result.requests_done = done;
  result.interrupted = done != options.requests;
  return result;
}

}  // namespace

SimulationResult simulate(const ChainAnalytics& model, const SimulationOptions& options,
                          RunFileWriter* writer, SimulationControl control) {
  if (options.requests == 0) throw std::invalid_argument("simulate: requests must be positive");
  if (options.chunk_requests == 0 || options.chunk_requests % 2 != 0)
    throw std::invalid_argument("simulate: chunk_requests must be positive and even");
  if (options.sampler == SamplerKind::geometric_skip && options.record == RecordMode::dense)
    throw std::invalid_argument("simulate: the geometric-skip sampler cannot record dense");
  const ChunkSampler sampler(model, options.sampler);
  if (options.record == RecordMode::none) {
    // The file still gets its summaries, written by the caller through finish().
    return simulate_counts(sampler, options, control);
  }
  if (writer == nullptr) throw std::invalid_argument("simulate: recording needs a writer");
  return simulate_recorded(sampler, options, *writer, control);
}

}  // namespace nines
