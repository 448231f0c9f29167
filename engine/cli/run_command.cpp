// nines run: any scenario through the one pipeline (nines/pipeline/run_pipeline.hpp), on every
// core and, under mpirun or srun, on every rank. Only rank 0 writes and prints.
#include <oneapi/tbb/global_control.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <type_traits>
#include <variant>

#include "cli_options.hpp"
#include "commands.hpp"
#include "format_units.hpp"
#include "interrupt.hpp"
#include "nines/base/error.hpp"
#include "nines/base/timestamp.hpp"
#include "nines/input/any_scenario.hpp"
#include "nines/pipeline/chain_pipeline.hpp"
#include "nines/pipeline/run_pipeline.hpp"
#include "nines/pipeline/structure_pipeline.hpp"
#include "nines/pipeline/time_pipeline.hpp"
#include "nines/run/mpi_world.hpp"
#include "run_session.hpp"

namespace nines::cli {

namespace {
constexpr std::uint64_t kFallbackRequests = 1'000'000;
constexpr std::uint64_t kFallbackSeed = 1;

// Runs `pipeline` with the settings `info` to the file the options name, and reports.
template <class P>
int execute(const P& pipeline, const RunInfo& info, const RunOptions& options,
            Communicator& world) {
  const RunTarget target{options.output.value_or(pipeline.name() + ".h5"), options.force};

  // The thread count is set once, here; nothing below depends on it but the speed.
  std::optional<tbb::global_control> thread_limit;
  if (options.threads)
    thread_limit.emplace(tbb::global_control::max_allowed_parallelism,
                         static_cast<std::size_t>(*options.threads));
  const int threads = static_cast<int>(
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));

  const bool root = world.rank() == 0;
  const auto started_at = std::chrono::steady_clock::now();
  bool started = false;
  std::optional<RunOutcome<P>> outcome;
  try {
    outcome.emplace(simulate_with_progress(
        info.requests, options.quiet || !root,
        [&](const std::atomic<bool>& stop, std::atomic<std::uint64_t>& progress) {
          return run_pipeline(pipeline, info, target, world, DriveControl{&stop, &progress},
                              &started);
        }));
  } catch (const PeerStartupFailure& e) {
    return e.code();  // rank 0 (or the failing rank) reports it
  } catch (const std::exception& e) {
    if (world.size() > 1 && started) {
      // The other ranks wait in a collective for this one: end them all.
      std::fprintf(stderr, "nines: error (rank %d): %s\n", world.rank(), e.what());
      std::fflush(stderr);
      world.abort(exit_code_of(e));
    }
    if (world.size() > 1 && !root) return exit_code_of(e);
    throw;
  }
  if (outcome->drive.interrupted)
    return root ? report_interrupted(outcome->drive.requests_done, info.requests,
                                     std::is_same_v<P, TimePipeline> ? "histories" : "requests")
                : 130;
  if (!root) return 0;

  // A run that stopped at its target precision reports the requests it sampled.
  RunInfo sampled = info;
  sampled.requests = outcome->drive.requests_done;
  const RunFacts facts{sampled, target.output, threads, seconds_since(started_at)};
  print_run_summary(
      options.json, options.quiet, options.color, world.size(),
      [&] { return pipeline.json(facts, *outcome->conclusion); },
      [&](bool color) {
        std::string text = pipeline.text(facts, *outcome->conclusion, color);
        if (world.size() > 1) text += "(" + std::to_string(world.size()) + " MPI ranks)\n";
        return text;
      });
  return 0;
}

// A request run (formats 1 and 2).
template <class P>
int run_model(const P& pipeline, const RunOptions& options, Communicator& world) {
  if (options.histories)
    throw InputError(
        "--histories applies to scenarios with outages over time (format 3); use "
        "--requests for '" +
        options.scenario_path + "'");
  const RecordMode record = options.record.value_or(RecordMode::dense);
  if (record == RecordMode::outages || record == RecordMode::requests)
    throw InputError("--record " + std::string(to_string(record)) +
                     " applies to scenarios with outages over time (format 3); request runs "
                     "record dense, failures or none");
  RunInfo info;
  const RunDefaults& defaults = pipeline.defaults();
  info.requests = options.requests.value_or(defaults.requests.value_or(kFallbackRequests));
  info.seed = options.seed.value_or(defaults.seed.value_or(kFallbackSeed));
  info.record = record;
  info.importance = pipeline.importance();
  info.sampler = pipeline.choose_sampler(options.sampler, record);
  info.chunk_requests = kDefaultChunkRequests;
  info.created = utc_timestamp_now();
  info.target_precision = options.target_precision;
  return execute(pipeline, info, options, world);
}

// A time run (format 3): the driver's "requests" are histories.
int run_time_model(const StructureModel& model, const RunOptions& options, Communicator& world) {
  if (options.requests)
    throw InputError("--requests applies to request runs; '" + options.scenario_path +
                     "' has outages over time: set the number of histories with --histories");
  if (options.importance)
    throw InputError("--importance applies to request runs of structures (format 2)");
  if (options.sampler != SamplerChoice::automatic)
    throw InputError("--sampler applies to request runs; time runs are event-driven");
  if (options.target_precision)
    throw InputError("--target-precision applies to request runs (formats 1 and 2); '" +
                     options.scenario_path +
                     "' has outages over time: set the number of histories with --histories");
  RunInfo info;
  info.seed = options.seed.value_or(model.defaults.seed.value_or(kFallbackSeed));
  info.requests = options.histories.value_or(model.time->histories);
  info.record = options.record.value_or(RecordMode::outages);
  // A chunk of histories is held in memory until it is written: with failed requests listed,
  // two histories per chunk (chunks are even) bound that by kMaxListedRequestsPerHistory.
  info.chunk_requests = info.record == RecordMode::requests ? 2 : kHistoriesPerChunk;
  info.created = utc_timestamp_now();
  const TimePipeline pipeline(model, info.seed, &install_interrupt_handlers());
  return execute(pipeline, info, options, world);
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  const RunOptions options = parse_run_options(args);
  if (options.help) {
    std::fputs(command_help("run").c_str(), stdout);
    return 0;
  }
  // Under mpirun every rank reads the scenario, but only rank 0 reports its mistakes (as
  // sweep_command does); the others end with the same exit code.
  Communicator& world = mpi_world();
  try {
    const AnyScenario scenario = load_any_scenario(options.scenario_path);
    if (const auto* model = std::get_if<StructureModel>(&scenario); model && model->time)
      return run_time_model(*model, options, world);
    if (const auto* model = std::get_if<StructureModel>(&scenario)) {
      const StructurePipeline pipeline(*model, options.importance.value_or(ImportanceMode::exact),
                                       &install_interrupt_handlers());
      return run_model(pipeline, options, world);
    }
    if (options.importance)
      throw InputError("--importance applies to structures (format 2); '" + options.scenario_path +
                       "' is a chain, whose only measure is each component's share of the "
                       "failures");
    const ChainPipeline pipeline(std::get<Scenario>(scenario));
    return run_model(pipeline, options, world);
  } catch (const std::exception& e) {
    if (world.rank() != 0) return exit_code_of(e);
    throw;
  }
}

}  // namespace nines::cli
