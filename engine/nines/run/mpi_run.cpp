// `nines run` across MPI ranks (see run_distributed in mpi_world.hpp). Uses MPI only through
// the Communicator interface; compiled only in MPI builds, like every nines/mpi_*.cpp.
//
// Chunk c (requests [c * chunk_requests, ...)) is sampled by rank c % R, exactly as one
// process samples it, so the counts (integer sums) and every recorded outcome equal the
// single-process run's. Recorded chunks travel to rank 0, the single writer, in rounds of W
// chunks per rank: each rank samples (and for dense, deflates) its W chunks on its oneTBB
// pool, gather() brings the bytes to rank 0, which writes them in chunk order, and min()
// over "no stop requested" decides, on every rank alike, whether another round follows.
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>

#include "nines/base/error.hpp"
#include "nines/files/run_writer.hpp"
#include "nines/report/report.hpp"
#include "nines/run/mpi_world.hpp"
#include "nines/run/simulation.hpp"
#include "nines/sample/chunk_sampler.hpp"
#include "nines/summary/summary.hpp"

namespace nines {

namespace {

bool stopped(const std::atomic<bool>* stop) {
  return stop != nullptr && stop->load(std::memory_order_relaxed);
}

void put_u64(std::vector<unsigned char>& out, std::uint64_t v) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(&v);
  out.insert(out.end(), bytes, bytes + sizeof v);
}

std::uint64_t get_u64(const unsigned char*& p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

struct Slot {
  std::uint64_t chunk = 0;
  bool sampled = false;
  std::vector<std::uint64_t> counts;
  std::vector<unsigned char> outcomes;   // dense, raw
  CompressedChunk compressed;            // dense
  std::vector<std::uint64_t> requests;   // failures
  std::vector<std::int32_t> components;  // failures
};

void sample_dense(const ChainSampler& sampler, std::uint64_t seed, OutcomeType type,
                  std::uint64_t first, std::uint64_t n, Slot& slot) {
  switch (type) {
    case OutcomeType::int8:
      sampler.record_dense(seed, first, n, reinterpret_cast<std::int8_t*>(slot.outcomes.data()),
                           slot.counts.data());
      break;
    case OutcomeType::int16:
      sampler.record_dense(seed, first, n, reinterpret_cast<std::int16_t*>(slot.outcomes.data()),
                           slot.counts.data());
      break;
    case OutcomeType::int32:
      sampler.record_dense(seed, first, n, reinterpret_cast<std::int32_t*>(slot.outcomes.data()),
                           slot.counts.data());
      break;
  }
}

}  // namespace

int run_distributed(const DistributedRun& run, Communicator& world) {
  const Scenario& scenario = *run.scenario;
  const RunInfo& info = *run.info;
  const ChainAnalytics model(scenario.reliabilities());
  const ChunkSampler sampler(model, info.sampler);  // as simulate() samples this run
  const int rank = world.rank();
  const auto ranks = static_cast<std::uint64_t>(world.size());
  const bool root = rank == 0;
  const std::size_t slots = model.size() + 1;
  const std::uint64_t chunk = info.chunk_requests;
  const std::uint64_t chunks = (info.requests + chunk - 1) / chunk;

  // Start-up: any rank's failure ends every rank, with the failing rank's message.
  std::unique_ptr<RunFileWriter> writer;
  std::exception_ptr failure;
  std::vector<std::uint64_t> codes(ranks, 0);
  try {
    // Only rank 0 writes; the others deflate their dense chunks with the free
    // compress_dense_chunk, exactly as rank 0's writer would.
    if (root) writer = std::make_unique<RunFileWriter>(run.output, run.force, scenario, info);
  } catch (const InputError&) {
    failure = std::current_exception();
    codes[static_cast<std::size_t>(rank)] = 2;
  } catch (...) {
    failure = std::current_exception();
    codes[static_cast<std::size_t>(rank)] = 1;
  }
  world.sum(codes);
  if (failure) std::rethrow_exception(failure);
  for (const std::uint64_t code : codes)
    if (code != 0) return static_cast<int>(code);
  if (run.started != nullptr) *run.started = true;

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::uint64_t> totals(slots + 1, 0);  // counts, then requests sampled
  if (info.record == RecordMode::none) {
    // Summaries only: one parallel loop over this rank's chunks, per-thread integer counts.
    const std::uint64_t mine =
        chunks <= static_cast<std::uint64_t>(rank) ? 0 : (chunks - rank - 1) / ranks + 1;
    tbb::enumerable_thread_specific<std::vector<std::uint64_t>> local(
        [&] { return std::vector<std::uint64_t>(slots + 1, 0); });
    tbb::parallel_for(
        tbb::blocked_range<std::uint64_t>(0, mine, 1),
        [&](const tbb::blocked_range<std::uint64_t>& range) {
          auto& counts = local.local();
          for (std::uint64_t j = range.begin(); j != range.end(); ++j) {
            if (stopped(run.stop)) return;
            const std::uint64_t first = (rank + j * ranks) * chunk;
            const std::uint64_t n = std::min(chunk, info.requests - first);
            sampler.count(info.seed, rank + j * ranks, first, n, counts.data());
            counts[slots] += n;
          }
        },
        tbb::simple_partitioner());
    for (const auto& counts : local)
      for (std::size_t k = 0; k <= slots; ++k) totals[k] += counts[k];
  } else {
    const bool dense = info.record == RecordMode::dense;
    const OutcomeType type = outcome_type_for(model.size());
    const std::uint64_t dense_length = dense_chunk_length(info);
    // Chunks per rank per round: a few per thread, and rank 0's share of a round's bytes
    // below the 2 GiB a gather can carry. Rank 0 decides, so every rank agrees.
    std::vector<unsigned char> agreed(sizeof(std::uint64_t), 0);
    if (root) {
      const std::uint64_t per_chunk =
          dense ? chunk * outcome_bytes(type) + chunk / 1000 + 1024 : chunk * 12 + 16;
      const std::uint64_t budget = (std::uint64_t{1} << 30) / ranks / per_chunk;
      const auto threads =
          static_cast<std::uint64_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
      const std::uint64_t w = std::max<std::uint64_t>(1, std::min(4 * threads, budget));
      std::memcpy(agreed.data(), &w, sizeof w);
    }
    world.broadcast(agreed);
    std::uint64_t per_round = 0;
    std::memcpy(&per_round, agreed.data(), sizeof per_round);

    std::vector<Slot> work(static_cast<std::size_t>(per_round));
    for (Slot& s : work) {
      s.counts.resize(slots);
      if (dense) s.outcomes.resize(chunk * outcome_bytes(type));
    }
    std::vector<unsigned char> payload;
    for (std::uint64_t base = 0; base < chunks; base += per_round * ranks) {
      tbb::parallel_for(
          tbb::blocked_range<std::uint64_t>(0, per_round, 1),
          [&](const tbb::blocked_range<std::uint64_t>& range) {
            for (std::uint64_t j = range.begin(); j != range.end(); ++j) {
              Slot& s = work[static_cast<std::size_t>(j)];
              s.chunk = base + rank + j * ranks;
              s.sampled = false;
              if (s.chunk >= chunks || stopped(run.stop)) continue;
              const std::uint64_t first = s.chunk * chunk;
              const std::uint64_t n = std::min(chunk, info.requests - first);
              std::fill(s.counts.begin(), s.counts.end(), 0);
              if (dense) {
                sample_dense(sampler.per_request(), info.seed, type, first, n, s);
                compress_dense_chunk(type, dense_length, info.deflate_level, s.outcomes.data(), n,
                                     s.compressed);
              } else {
                s.requests.clear();
                s.components.clear();
                sampler.record_failures(info.seed, s.chunk, first, n, s.requests, s.components,
                                        s.counts.data());
              }
              s.sampled = true;
            }
          },
          tbb::simple_partitioner());

      payload.clear();
      for (const Slot& s : work) {
        if (!s.sampled) continue;
        for (std::size_t k = 0; k < slots; ++k) totals[k] += s.counts[k];
        totals[slots] += std::min(chunk, info.requests - s.chunk * chunk);
        put_u64(payload, s.chunk);
        if (dense) {
          put_u64(payload, s.compressed.bytes.size());
          payload.insert(payload.end(), s.compressed.bytes.begin(), s.compressed.bytes.end());
        } else {
          put_u64(payload, s.requests.size());
          const auto* r = reinterpret_cast<const unsigned char*>(s.requests.data());
          payload.insert(payload.end(), r, r + s.requests.size() * sizeof(std::uint64_t));
          const auto* c = reinterpret_cast<const unsigned char*>(s.components.data());
          payload.insert(payload.end(), c, c + s.components.size() * sizeof(std::int32_t));
        }
      }
      const auto gathered = world.gather(payload);
      std::vector<std::uint8_t> go = {static_cast<std::uint8_t>(stopped(run.stop) ? 0 : 1)};
      world.min(go);
      if (go[0] == 0) break;  // interrupted: nothing more is written
      if (!root) continue;
      // Rank 0 writes the round's chunks in chunk order (failures must be appended in order).
      std::map<std::uint64_t, const unsigned char*> where;
      for (const auto& bytes : gathered) {
        const unsigned char* p = bytes.data();
        const unsigned char* end = p + bytes.size();
        while (p < end) {
          const std::uint64_t c = get_u64(p);
          where.emplace(c, p);
          const std::uint64_t n = get_u64(p);
          p += dense ? n : n * (sizeof(std::uint64_t) + sizeof(std::int32_t));
        }
      }
      CompressedChunk compressed;
      std::vector<std::uint64_t> requests;
      std::vector<std::int32_t> components;
      for (const auto& [c, at] : where) {
        const unsigned char* p = at;
        const std::uint64_t n = get_u64(p);
        if (dense) {
          compressed.bytes.assign(p, p + n);
          writer->write_dense_chunk(c, compressed);
        } else {
          requests.resize(n);
          components.resize(n);
          std::memcpy(requests.data(), p, n * sizeof(std::uint64_t));
          std::memcpy(components.data(), p + n * sizeof(std::uint64_t), n * sizeof(std::int32_t));
          writer->append_failures(requests, components);
        }
      }
    }
  }
  world.sum(totals);
  const bool interrupted = totals[slots] != info.requests;
  if (!root) return interrupted ? 130 : 0;
  if (interrupted) {
    writer.reset();  // deletes the temporary file
    std::fprintf(stderr, "nines: interrupted after %llu of %llu requests; no output written\n",
                 static_cast<unsigned long long>(totals[slots]),
                 static_cast<unsigned long long>(info.requests));
    return 130;
  }
  const std::vector<std::uint64_t> failures(totals.begin(), totals.begin() + model.size());
  const Summary summary = summarize(model, info.requests, failures);
  writer->finish(model, summary);
  // As for `nines run`: the time includes writing the file.
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const ReportContext context{scenario, info, run.output, run.threads, elapsed};
  if (run.json) {
    std::fputs(format_summary_json(context, model, summary).c_str(), stdout);
    std::fputc('\n', stdout);
  } else if (!run.quiet) {
    const bool color = isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
    std::fputs(format_summary_text(context, model, summary, color).c_str(), stdout);
    std::printf("(%d MPI ranks)\n", world.size());
  }
  return 0;
}

}  // namespace nines
