#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "cli_options.hpp"
#include "commands.hpp"
#include "format_units.hpp"
#include "interrupt.hpp"
#include "nines/base/error.hpp"
#include "nines/base/timestamp.hpp"
#include "nines/exact/chain_analytics.hpp"
#include "nines/files/run_writer.hpp"
#include "nines/input/scenario_parser.hpp"
#include "nines/report/report.hpp"
#include "nines/run/mpi_world.hpp"
#include "nines/run/simulation.hpp"
#include "nines/summary/summary.hpp"
#include "run_session.hpp"
#include "run_structure.hpp"

namespace nines::cli {

namespace {
constexpr std::uint64_t kFallbackRequests = 1'000'000;
constexpr std::uint64_t kFallbackSeed = 1;
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
  std::optional<Scenario> loaded;
  try {
    const std::string text = read_scenario_file(options.scenario_path);
    // Structure scenarios (format 2) have their own model, sampler and file layout.
    if (peek_format_version(text, options.scenario_path) != 2)
      loaded.emplace(parse_scenario(text, options.scenario_path));
  } catch (const std::exception& e) {
    if (world.rank() != 0) return exit_code_of(e);
    throw;
  }
  if (!loaded) return run_structure_command(options);
  const Scenario& scenario = *loaded;
  const ChainAnalytics model(scenario.reliabilities());

  RunInfo info;
  info.requests = options.requests.value_or(scenario.defaults.requests.value_or(kFallbackRequests));
  info.seed = options.seed.value_or(scenario.defaults.seed.value_or(kFallbackSeed));
  info.record = options.record;
  info.sampler = choose_sampler(options.sampler, options.record, model);
  info.chunk_requests = kDefaultChunkRequests;
  info.created = utc_timestamp_now();
  const std::string output = options.output.value_or(scenario.name + ".h5");

  // The thread count is set once, here; nothing below depends on it but the speed.
  std::optional<tbb::global_control> thread_limit;
  if (options.threads)
    thread_limit.emplace(tbb::global_control::max_allowed_parallelism,
                         static_cast<std::size_t>(*options.threads));
  const int threads = static_cast<int>(
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));

  // Launched by mpirun or srun with several ranks: the chunks are split across them
  // (nines/run/mpi_world.hpp); only rank 0 writes and prints.
  if (world.size() > 1) {
    bool started = false;
    try {
      return run_distributed({&scenario, &info, output, options.force, options.json, options.quiet,
                              threads, &install_interrupt_handlers(), &started},
                             world);
    } catch (const std::exception& e) {
      if (!started) {
        if (world.rank() != 0) return exit_code_of(e);
        throw;
      }
      std::fprintf(stderr, "nines: error (rank %d): %s\n", world.rank(), e.what());
      std::fflush(stderr);
      world.abort(exit_code_of(e));
    }
  }

  // Opened before the simulation so that an existing or unwritable output fails in a moment,
  // not after an hour of sampling.
  auto writer = std::make_unique<RunFileWriter>(output, options.force, scenario, info);

  SimulationOptions sim;
  sim.requests = info.requests;
  sim.seed = info.seed;
  sim.record = info.record;
  sim.sampler = info.sampler;
  sim.chunk_requests = info.chunk_requests;

  const auto started = std::chrono::steady_clock::now();
  const SimulationResult result = simulate_with_progress(
      info.requests, options.quiet,
      [&](const std::atomic<bool>& stop, std::atomic<std::uint64_t>& progress) {
        return simulate(model, sim, writer.get(), {&stop, &progress});
      });
  if (result.interrupted) {
    writer.reset();  // deletes the temporary file: no partial output is left behind
    return report_interrupted(result.requests_done, info.requests);
  }

  const Summary summary = summarize(model, info.requests, result.component_failures);
  writer->finish(model, summary);

  const ReportContext context{scenario, info, output, threads, seconds_since(started)};
  print_run_summary(
      options.json, options.quiet, [&] { return format_summary_json(context, model, summary); },
      [&](bool color) { return format_summary_text(context, model, summary, color); });
  return 0;
}

}  // namespace nines::cli
