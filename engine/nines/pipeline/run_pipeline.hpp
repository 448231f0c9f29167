#pragma once
// One run of any model to its file, the same for every model kind: the pipeline P supplies the
// stages (kernel, file, conclusion), this function runs them in order:
//   open the output (rank 0, before any sampling, so a bad path fails in a moment)
//   -> drive the chunks (run/driver.hpp; MPI ranks split them)
//   -> conclude from the merged tally -> finish the file (rank 0).
// An interrupted run leaves no file. P is ChainPipeline or StructurePipeline; a new model kind
// is a new P, not a new copy of these steps.
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "nines/base/error.hpp"
#include "nines/base/stop.hpp"
#include "nines/model/run_info.hpp"
#include "nines/run/driver.hpp"
#include "nines/run/mpi_world.hpp"
#include "nines/run/start_up.hpp"

namespace nines {

template <class P>
struct RunOutcome {
  DriveResult drive;
  std::optional<typename P::Conclusion> conclusion;  // on rank 0 of a finished run
};

struct RunTarget {
  std::string output;  // the file rank 0 writes
  bool overwrite = false;
};

// Every rank calls it (collective under MPI). `started` becomes true once every rank has
// passed the start-up (from then on an error on one rank must end the job: the others wait in
// collectives). Start-up errors are rethrown on the rank that had them; the other ranks throw
// PeerStartupFailure with that rank's exit code.
class PeerStartupFailure : public Error {
 public:
  explicit PeerStartupFailure(int code) : Error("another rank failed to start"), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

template <class P>
RunOutcome<P> run_pipeline(const P& pipeline, const RunInfo& info, const RunTarget& target,
                           Communicator& world, DriveControl control, bool* started = nullptr) {
  const bool root = world.rank() == 0;
  const bool record = info.record != RecordMode::none;
  std::unique_ptr<typename P::File> file;
  std::unique_ptr<ChunkKernel> kernel;
  const auto [failure, code] = start_up([&] {
    // Every run writes a file (with --record none it holds the summaries): opened first.
    if (root) file = pipeline.open_file(target.output, target.overwrite, info);
    kernel = pipeline.kernel(info);
  });
  if (world.size() > 1) {
    std::vector<std::uint64_t> codes(static_cast<std::size_t>(world.size()), 0);
    codes[static_cast<std::size_t>(world.rank())] = static_cast<std::uint64_t>(code);
    world.sum(codes);
    if (failure) std::rethrow_exception(failure);
    for (const std::uint64_t c : codes)
      if (c != 0) throw PeerStartupFailure(static_cast<int>(c));
  } else if (failure) {
    std::rethrow_exception(failure);
  }
  if (started != nullptr) *started = true;

  RunOutcome<P> outcome;
  ChunkPlan plan;
  plan.requests = info.requests;
  plan.chunk_requests = info.chunk_requests;
  outcome.drive = drive(*kernel, plan, record, file.get(), world, control);
  if (!root) return outcome;
  // A stop that comes after the last chunk, while the exact values are still being written,
  // ends the run the same way: the file is only committed by finish.
  if (stop_requested(control.stop)) outcome.drive.interrupted = true;
  if (outcome.drive.interrupted) return outcome;  // `file` is deleted unfinished
  outcome.conclusion.emplace(pipeline.conclude(info, outcome.drive.tally));
  pipeline.finish(*file, *outcome.conclusion);
  return outcome;
}

}  // namespace nines
