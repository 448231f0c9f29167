#pragma once
// Runs a sweep to its output file: the journal (resume), the scheduler (the oneTBB pool), the
// HDF5 file (rewritten from the journal every few seconds and at the end), and, across MPI
// ranks, the collectives that merge per-point counts. The same code runs a world of one.
//
// The pending points go through the one driver (drive_runs) a window at a time; after each
// window every rank has the window's summed counts, and rank 0 appends its points to the
// journal and fsyncs: only then are they done. A stop requested on any rank ends the window on
// every rank, and nothing of an unfinished window is journaled.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "nines/base/error.hpp"
#include "nines/base/json_document.hpp"
#include "nines/model/sweep_plan.hpp"
#include "nines/run/chunk_plan.hpp"
#include "nines/run/mpi_world.hpp"
#include "nines/sample/choose_sampler.hpp"
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
  std::string created;            // the file's `created` attribute
  // When set (rank 0), the last write of the file fills it with the /points rows as JSON
  // (SweepFileInfo::points_json).
  Json* points_json = nullptr;
};

// Points per window of the driver (see run_sweep): bounds the kernels and tallies held at once.
inline constexpr std::size_t kSweepWindowPoints = 1024;

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
