#pragma once
// One run of any model to its file, the same for every model kind: the pipeline P supplies the
// stages (kernel, file, conclusion), this function runs them in order:
//   open the output (rank 0, before any sampling, so a bad path fails in a moment)
//   -> drive the chunks (run/driver.hpp; MPI ranks split them)
//   -> conclude from the merged tally -> finish the file (rank 0).
// An interrupted run leaves no file. P is ChainPipeline, StructurePipeline or TimePipeline; a
// new model kind is a new P, not a new copy of these steps.
//
// With info.target_precision (request runs: P has failures(tally)), the drive stops at the
// first checkpoint at which the unreliability's interval is narrow enough (precision_rule);
// the run is then concluded, and its file finished, for the requests sampled, and the
// conclusion says how it stopped (conclude_sampled).
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "nines/base/error.hpp"
#include "nines/base/stop.hpp"
#include "nines/model/run_info.hpp"
#include "nines/run/driver.hpp"
#include "nines/run/mpi_world.hpp"
#include "nines/run/start_up.hpp"
#include "nines/stats/precision.hpp"
#include "nines/summary/summary.hpp"

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

// The --target-precision rule of `info` for pipeline P, or no rule.
template <class P>
CheckpointRule precision_rule(const P& pipeline, const RunInfo& info) {
  if (!info.target_precision) return {};
  if constexpr (requires(const std::vector<std::uint64_t>& t) { pipeline.failures(t); }) {
    const double target = *info.target_precision;
    return [&pipeline, target](const std::vector<std::uint64_t>& tally, std::uint64_t requests) {
      return precision_reached(pipeline.failures(tally), requests, target, kDefaultCiLevel);
    };
  } else {
    throw std::invalid_argument("--target-precision applies to request runs (formats 1 and 2)");
  }
}

// The conclusion of a finished drive: for the requests actually sampled, and with a target
// precision, how the run stopped.
template <class P>
typename P::Conclusion conclude_sampled(const P& pipeline, const RunInfo& info,
                                        const DriveResult& drive) {
  RunInfo sampled = info;
  sampled.requests = drive.requests_done;
  typename P::Conclusion conclusion = pipeline.conclude(sampled, drive.tally);
  if constexpr (requires(const std::vector<std::uint64_t>& t) { pipeline.failures(t); }) {
    if (info.target_precision) {
      PrecisionOutcome p;
      p.target = *info.target_precision;
      p.achieved =
          relative_half_width(pipeline.failures(drive.tally), drive.requests_done, kDefaultCiLevel);
      p.reached = drive.rule_met;
      p.checkpoint = drive.checkpoints;
      p.requests_cap = info.requests;
      p.requests_sampled = drive.requests_done;
      conclusion.precision = p;
    }
  }
  return conclusion;
}

template <class P>
RunOutcome<P> run_pipeline(const P& pipeline, const RunInfo& info, const RunTarget& target,
                           Communicator& world, DriveControl control, bool* started = nullptr) {
  const bool root = world.rank() == 0;
  const bool record = info.record != RecordMode::none;
  std::unique_ptr<typename P::File> file;
  std::unique_ptr<ChunkKernel> kernel;
  CheckpointRule rule;
  const auto [failure, code] = start_up([&] {
    rule = precision_rule(pipeline, info);
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
  outcome.drive = drive(*kernel, plan, record, file.get(), world, control, rule);
  if (!root) return outcome;
  // A stop that comes after the last chunk, while the exact values are still being written,
  // ends the run the same way: the file is only committed by finish.
  if (stop_requested(control.stop)) outcome.drive.interrupted = true;
  if (outcome.drive.interrupted) return outcome;  // `file` is deleted unfinished
  outcome.conclusion.emplace(conclude_sampled(pipeline, info, outcome.drive));
  pipeline.finish(*file, *outcome.conclusion);
  return outcome;
}

}  // namespace nines
