#pragma once
// Runs a sweep to its output file: the journal (resume), the scheduler (the oneTBB pool), the
// HDF5 file (rewritten from the journal every few seconds and at the end), and, across MPI
// ranks, the collectives that merge per-point counts. The same code runs a world of one.
//
// Coordination is in rounds of about a quarter second, on the calling thread of every rank,
// while the pool keeps sampling on another thread:
//   1. min() over ranks of a byte per pending point ("my share of it is done"), of "my pool
//      has finished" and of "no stop requested";
//   2. sum() of the counts of the points every rank has finished, in point order;
//   3. rank 0 appends those points to the journal and fsyncs: only now are they done;
//   4. a stop requested on any rank stops every rank's pool; the rounds end when every pool has.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "nines/base/error.hpp"
#include "nines/model/sweep_plan.hpp"
#include "nines/run/mpi_world.hpp"
#include "nines/run/simulation.hpp"
#include "nines/sweep/sweep_results.hpp"

namespace nines {

struct SweepRunOptions {
  std::string output;    // the HDF5 file; the journal is output + ".journal"
  bool force = false;    // overwrite an existing output that is not the journal's own
  bool resume = false;   // insist on continuing: fail if there is no journal
  bool restart = false;  // discard any journal and start over
  bool record_requests = false;
  SamplerChoice sampler = SamplerChoice::automatic;  // per point, as nines run --record none
  std::uint64_t chunk_requests = kDefaultChunkRequests;
  double checkpoint_seconds = 5;  // least time between rewrites of the partial file
  double round_seconds = 0.25;    // coordination round
  std::string created;            // the file's `created` attribute
};

struct SweepStart {
  std::size_t points = 0;            // in the sweep
  std::size_t resumed = 0;           // already done in the journal
  std::string journal_repair;        // what resuming dropped from the journal, and why
  std::uint64_t local_requests = 0;  // requests this rank will sample
  bool journal_existed = false;
};

struct SweepRunControl {
  const std::atomic<bool>* stop = nullptr;              // polled; SIGINT/SIGTERM set it
  std::atomic<std::uint64_t>* points_done = nullptr;    // rank 0: finished points (with resumed)
  std::atomic<std::uint64_t>* requests_done = nullptr;  // this rank's sampled requests
  std::function<void(const SweepStart&)> on_start;      // after the journal is read
  bool* collective_started = nullptr;  // set once every rank has passed the start-up checks
};

struct SweepOutcome {
  SweepResults results;  // complete on rank 0 only
  SweepStart start;
  bool complete = false;
  bool interrupted = false;
};

// Another rank found an error and reported it; this rank has nothing to add but the code.
class PeerFailure : public Error {
 public:
  explicit PeerFailure(int code) : Error("another rank failed"), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

SweepOutcome run_sweep(const SweepPlan& plan, const SweepRunOptions& options, Communicator& world,
                       const SweepRunControl& control = {});

}  // namespace nines
