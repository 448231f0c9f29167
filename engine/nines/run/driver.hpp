#pragma once
// The one chunk driver of every run: chains and structures, summary-only and recorded, one
// process or many MPI ranks, `nines run` and sweeps. It cuts the run into chunks (ChunkPlan),
// samples them on the oneTBB pool through a ChunkKernel, merges the integer tallies, and hands
// recorded chunks to a ChunkStore in chunk order. Stop requests and progress are handled here
// and nowhere else.
//
// Schedules:
//  - nothing recorded: one parallel loop over the chunks, a tally per thread; a stop request
//    cancels the loop, so the remaining chunks are never visited (Ctrl-C at 2^63 requests
//    returns at once);
//  - recorded, one process: a pipeline samples and encodes chunks in parallel, a few per
//    thread in flight, and one thread stores them in order;
//  - several ranks: rank r samples chunks c with c % R == r; tallies are summed across ranks;
//    recorded chunks travel to rank 0 in rounds (gather), which stores them in order, and every
//    round all ranks agree whether to continue (a stop on any rank stops all).
// The thread count is whatever tbb::global_control allows; results never depend on it.
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/run/chunk_kernel.hpp"
#include "nines/run/chunk_plan.hpp"
#include "nines/run/mpi_world.hpp"

namespace nines {

struct DriveControl {
  StopFlag stop = nullptr;                         // polled between and inside chunks
  std::atomic<std::uint64_t>* progress = nullptr;  // requests this process has sampled
};

// A stopping rule (--target-precision): given the tally merged over every rank and every
// chunk before a checkpoint (run/checkpoints.hpp) and the requests those chunks cover, true
// ends the run at that checkpoint. It must be a function of its arguments alone, so that every
// rank decides alike.
using CheckpointRule =
    std::function<bool(const std::vector<std::uint64_t>& tally, std::uint64_t requests)>;

struct DriveResult {
  std::vector<std::uint64_t> tally;  // summed over every rank (on every rank)
  // Over every rank; == plan.requests unless interrupted or stopped by the rule.
  std::uint64_t requests_done = 0;
  bool interrupted = false;
  // With a rule: the checkpoints evaluated (the last is where the run ended: 1 is the first)
  // and whether the rule held there (false: the plan's requests ran out first).
  std::uint64_t checkpoints = 0;
  bool rule_met = false;
};

// Samples every chunk of `plan`. With `record`, chunks are encoded and, on rank 0, stored in
// `store` (required there; ignored elsewhere). Collective when world.size() > 1: every rank
// calls it with the same plan, record and rule.
// With a `rule`, the run goes segment by segment between checkpoints (run/checkpoints.hpp),
// merging the tally after each and asking the rule whether to stop; recorded chunks still
// reach the store in order, and the chunks after the stop are never sampled.
DriveResult drive(const ChunkKernel& kernel, const ChunkPlan& plan, bool record, ChunkStore* store,
                  Communicator& world, DriveControl control = {}, const CheckpointRule& rule = {});

// The same for one process (the common case, and the unit tests).
DriveResult drive(const ChunkKernel& kernel, const ChunkPlan& plan, ChunkStore* store,
                  DriveControl control = {}, const CheckpointRule& rule = {});

// Several runs through one parallel loop: a sweep's points. Their chunks are concatenated into
// one list of items, so a set of many small runs and a set of a few huge ones both keep every
// core busy; under MPI, rank r samples items g with g % R == r. Each run's kernel is built
// (make_kernel) by the first thread that needs it and released when the rank's last item of
// that run is done, so memory follows the runs in progress, not the set.
class RunSet {
 public:
  virtual ~RunSet() = default;
  virtual ChunkPlan plan(std::size_t run) const = 0;
  virtual std::size_t tally_size(std::size_t run) const = 0;
  virtual std::unique_ptr<ChunkKernel> make_kernel(std::size_t run) const = 0;
  // The chunks of plan(run) to sample, [first_chunk, end_chunk): all of them, unless the
  // caller drives its runs segment by segment (sweep points that stop at a precision).
  virtual std::uint64_t first_chunk(std::size_t) const { return 0; }
  virtual std::uint64_t end_chunk(std::size_t run) const { return plan(run).chunks(); }
};

struct RunsResult {
  std::vector<std::vector<std::uint64_t>> tallies;  // per run asked for, summed over ranks
  std::uint64_t requests_done = 0;                  // over every rank
  bool interrupted = false;
};

// Samples every chunk of the runs `runs` (indices into `set`), nothing recorded. Collective
// when world.size() > 1 (same set and runs on every rank). A stop request cancels the loop.
RunsResult drive_runs(const RunSet& set, const std::vector<std::size_t>& runs, Communicator& world,
                      DriveControl control = {});

}  // namespace nines
