// nines sweep: every point of a sweep file into one HDF5 file, resumable, on every core and,
// under mpirun or srun, on every rank. Only rank 0 prints and writes.
#include <oneapi/tbb/global_control.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "cli_options.hpp"
#include "commands.hpp"
#include "format_units.hpp"
#include "interrupt.hpp"
#include "nines/base/error.hpp"
#include "nines/base/timestamp.hpp"
#include "nines/files/run_writer.hpp"
#include "nines/input/sweep_parser.hpp"
#include "nines/pipeline/time_pipeline.hpp"
#include "nines/run/mpi_world.hpp"
#include "nines/sweep/sweep_json.hpp"
#include "nines/sweep/sweep_report.hpp"
#include "nines/sweep/sweep_runner.hpp"
#include "nines/sweep/sweep_writer.hpp"

namespace nines::cli {

namespace {

// The whole sweep's progress line on stderr: points done, sampling rate and ETA. Like
// ProgressBar it shows only on a terminal and only after half a second; its unit is points.
class SweepProgress {
 public:
  SweepProgress(const std::atomic<std::uint64_t>& points, std::uint64_t total_points,
                const std::atomic<std::uint64_t>& requests, std::uint64_t local_requests, int ranks,
                const char* unit)
      : unit_(unit),
        points_(points),
        total_points_(total_points),
        requests_(requests),
        local_requests_(local_requests),
        ranks_(ranks),
        start_(std::chrono::steady_clock::now()) {
    thread_ = std::thread([this] { loop(); });
  }
  ~SweepProgress() {
    finished_ = true;
    thread_.join();
    if (drawn_) std::fprintf(stderr, "\r\033[K");
  }
  SweepProgress(const SweepProgress&) = delete;
  SweepProgress& operator=(const SweepProgress&) = delete;

 private:
  void loop() {
    while (!finished_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      if (elapsed >= 0.5 && !finished_) draw(elapsed);
    }
  }
  void draw(double elapsed) {
    constexpr int kWidth = 30;
    const std::uint64_t points = points_.load(std::memory_order_relaxed);
    const std::uint64_t requests = requests_.load(std::memory_order_relaxed);
    const double fraction =
        total_points_ == 0 ? 1 : static_cast<double>(points) / static_cast<double>(total_points_);
    std::string bar(static_cast<std::size_t>(fraction * kWidth), '#');
    bar.resize(kWidth, '.');
    const double rate = static_cast<double>(requests) / elapsed;  // this rank's
    const std::string eta =
        rate > 0 && local_requests_ >= requests
            ? format_duration(static_cast<double>(local_requests_ - requests) / rate)
            : std::string("?");
    std::fprintf(
        stderr, "\r\033[K[%s] %llu/%llu points  %s %s/s  ETA %s", bar.c_str(),
        static_cast<unsigned long long>(points), static_cast<unsigned long long>(total_points_),
        format_count(static_cast<std::uint64_t>(rate * ranks_)).c_str(), unit_, eta.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  const char* unit_;  // "req" or "histories"
  const std::atomic<std::uint64_t>& points_;
  std::uint64_t total_points_;
  const std::atomic<std::uint64_t>& requests_;
  std::uint64_t local_requests_;
  int ranks_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<bool> finished_{false};
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  const SweepOptions options = parse_sweep_options(args);
  if (options.help) {
    std::fputs(command_help("sweep").c_str(), stdout);
    return 0;
  }
  Communicator& world = mpi_world();
  const bool root = world.rank() == 0;

  // Every rank reads the sweep (they need the points); only rank 0 reports its mistakes.
  std::optional<SweepPlan> plan;
  try {
    plan.emplace(load_sweep(options.sweep_path));
    if (plan->base_format == kTimeFormatVersion) {
      // As `nines run` of a time scenario: event-driven, no per-request records.
      if (options.record_requests)
        throw InputError("--record-requests applies to sweeps of request runs; '" +
                         options.sweep_path +
                         "' sweeps a base with outages over time (format 3), whose points "
                         "keep summaries only");
      if (options.sampler != SamplerChoice::automatic)
        throw InputError(
            "--sampler applies to sweeps of request runs; time runs are "
            "event-driven");
      if (options.target_precision)
        throw InputError("--target-precision applies to request runs (formats 1 and 2); '" +
                         options.sweep_path + "' sweeps a base with outages over time (format 3)");
    }
    // The command line's target replaces the sweep file's run.target_precision.
    if (options.target_precision) plan->target_precision = options.target_precision;
  } catch (const std::exception& e) {
    if (!root) return exit_code_of(e);
    throw;
  }

  std::optional<tbb::global_control> thread_limit;
  if (options.threads)
    thread_limit.emplace(tbb::global_control::max_allowed_parallelism,
                         static_cast<std::size_t>(*options.threads));

  SweepRunOptions run;
  run.output = options.output.value_or(plan->name + ".h5");
  run.force = options.force;
  run.resume = options.resume;
  run.restart = options.restart;
  run.record_requests = options.record_requests;
  run.sampler = options.sampler;
  run.created = utc_timestamp_now();
  Json points_json;
  if (options.json && root) run.points_json = &points_json;
  // A time point's "requests" are histories, in the time pipeline's chunks.
  if (plan->base_format == kTimeFormatVersion) run.chunk_requests = kHistoriesPerChunk;

  const std::atomic<bool>& stop = install_interrupt_handlers();
  std::atomic<std::uint64_t> points_done{0};
  std::atomic<std::uint64_t> requests_done{0};
  bool started = false;
  std::unique_ptr<SweepProgress> progress;
  SweepRunControl control;
  control.stop = &stop;
  control.points_done = &points_done;
  control.requests_done = &requests_done;
  control.collective_started = &started;
  control.on_start = [&](const SweepStart& s) {
    if (!root || options.quiet) return;
    if (!s.journal_repair.empty())
      std::fprintf(stderr, "nines: note: '%s.journal': %s\n", run.output.c_str(),
                   s.journal_repair.c_str());
    if (s.resumed > 0)
      std::fprintf(stderr, "nines: continuing '%s': %zu of %zu points already done\n",
                   run.output.c_str(), s.resumed, s.points);
    if (isatty(STDERR_FILENO) != 0)
      progress = std::make_unique<SweepProgress>(
          points_done, s.points, requests_done, s.local_requests, world.size(),
          plan->base_format == kTimeFormatVersion ? "histories" : "req");
  };

  const auto start = std::chrono::steady_clock::now();
  std::optional<SweepOutcome> outcome;
  try {
    outcome.emplace(run_sweep(*plan, run, world, control));
  } catch (const PeerFailure& e) {
    return e.code();
  } catch (const std::exception& e) {
    progress.reset();
    if (world.size() > 1 && started) {
      // The other ranks wait in a collective for this one: end them all.
      std::fprintf(stderr, "nines: error (rank %d): %s\n", world.rank(), e.what());
      std::fflush(stderr);
      world.abort(exit_code_of(e));
    }
    throw;
  }
  progress.reset();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!root) return outcome->interrupted ? 130 : 0;

  if (outcome->interrupted) {
    std::fprintf(stderr,
                 "nines: interrupted with %zu of %zu points done; they are saved in '%s' "
                 "(complete = 0); run the same command again to continue\n",
                 outcome->results.done_count(), plan->points.size(), run.output.c_str());
    return 130;
  }
  if (options.json) {
    SweepJsonFacts facts;
    facts.output_path = run.output;
    facts.sampler = sampler_choice_name(run.sampler);
    facts.record_requests = run.record_requests;
    facts.threads = static_cast<int>(
        tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
    facts.elapsed_seconds = elapsed;
    std::puts(sweep_json(*plan, facts, std::move(points_json)).c_str());
  } else if (!options.quiet) {
    std::fputs(
        format_sweep_table(*plan, outcome->results, options.full, run.sampler, run.chunk_requests)
            .c_str(),
        stdout);
    std::printf("wrote %s (%zu points) in %s\n", run.output.c_str(), plan->points.size(),
                format_duration(elapsed).c_str());
  }
  return 0;
}

}  // namespace nines::cli
