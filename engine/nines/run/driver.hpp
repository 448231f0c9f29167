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

struct DriveResult {
  std::vector<std::uint64_t> tally;  // summed over every rank (on every rank)
  std::uint64_t requests_done = 0;   // over every rank; == plan.requests unless interrupted
  bool interrupted = false;
};

// Samples every chunk of `plan`. With `record`, chunks are encoded and, on rank 0, stored in
// `store` (required there; ignored elsewhere). Collective when world.size() > 1: every rank
// calls it with the same plan and record.
DriveResult drive(const ChunkKernel& kernel, const ChunkPlan& plan, bool record, ChunkStore* store,
                  Communicator& world, DriveControl control = {});

// The same for one process (the common case, and the unit tests).
DriveResult drive(const ChunkKernel& kernel, const ChunkPlan& plan, ChunkStore* store,
                  DriveControl control = {});

}  // namespace nines
