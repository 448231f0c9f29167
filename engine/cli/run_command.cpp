// nines run: any scenario through the one pipeline (nines/pipeline/run_pipeline.hpp), on every
// core and, under mpirun or srun, on every rank. Only rank 0 writes and prints.
#include <oneapi/tbb/global_control.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
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
#include "nines/run/mpi_world.hpp"
#include "run_session.hpp"

namespace nines::cli {

namespace {
constexpr std::uint64_t kFallbackRequests = 1'000'000;
constexpr std::uint64_t kFallbackSeed = 1;

template <class P>
int run_model(const P& pipeline, const RunOptions& options, Communicator& world) {
  RunInfo info;
  const RunDefaults& defaults = pipeline.defaults();
  info.requests = options.requests.value_or(defaults.requests.value_or(kFallbackRequests));
  info.seed = options.seed.value_or(defaults.seed.value_or(kFallbackSeed));
  info.record = options.record;
  info.importance = pipeline.importance();
  info.sampler = pipeline.choose_sampler(options.sampler, options.record);
  info.chunk_requests = kDefaultChunkRequests;
  info.created = utc_timestamp_now();
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
    return root ? report_interrupted(outcome->drive.requests_done, info.requests) : 130;
  if (!root) return 0;

  const RunFacts facts{info, target.output, threads, seconds_since(started_at)};
  print_run_summary(
      options.json, options.quiet, [&] { return pipeline.json(facts, *outcome->conclusion); },
      [&](bool color) {
        std::string text = pipeline.text(facts, *outcome->conclusion, color);
        if (world.size() > 1) text += "(" + std::to_string(world.size()) + " MPI ranks)\n";
        return text;
      });
  return 0;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  const RunOptions options = parse_run_options(args);
  if (options.help) {
    std::fputs(kRunUsage, stdout);
    return 0;
  }
  // Under mpirun every rank reads the scenario, but only rank 0 reports its mistakes (as
  // sweep_command does); the others end with the same exit code.
  Communicator& world = mpi_world();
  try {
    const AnyScenario scenario = load_any_scenario(options.scenario_path);
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
