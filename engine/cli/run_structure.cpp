#include "run_structure.hpp"

#include <oneapi/tbb/global_control.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "format_units.hpp"
#include "interrupt.hpp"
#include "nines/base/error.hpp"
#include "nines/base/timestamp.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/files/run_writer.hpp"
#include "nines/files/structure_writer.hpp"
#include "nines/input/structure_parser.hpp"
#include "nines/report/structure_report.hpp"
#include "nines/run/structure_simulation.hpp"
#include "nines/sample/structure_sampler.hpp"
#include "nines/summary/structure_summary.hpp"
#include "run_session.hpp"

namespace nines::cli {

namespace {
constexpr std::uint64_t kFallbackRequests = 1'000'000;
constexpr std::uint64_t kFallbackSeed = 1;
}  // namespace

int run_structure_command(const RunOptions& options) {
  const StructureModel model = load_structure_model(options.scenario_path);
  if (options.sampler != SamplerChoice::automatic) {
    throw InputError("--sampler chooses between the chain samplers of format-1 scenarios; '" +
                     options.scenario_path +
                     "' is a structure (format 2), which has one exact sampler: leave --sampler "
                     "out");
  }
  const StructureAnalytics analytics(model);
  const StructureSampler sampler(model);

  RunInfo info;
  info.requests = options.requests.value_or(model.defaults.requests.value_or(kFallbackRequests));
  info.seed = options.seed.value_or(model.defaults.seed.value_or(kFallbackSeed));
  info.record = options.record;
  info.chunk_requests = kDefaultChunkRequests;
  info.created = utc_timestamp_now();
  const std::string output = options.output.value_or(model.name + ".h5");

  std::optional<tbb::global_control> thread_limit;
  if (options.threads)
    thread_limit.emplace(tbb::global_control::max_allowed_parallelism,
                         static_cast<std::size_t>(*options.threads));
  const int threads = static_cast<int>(
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));

  // Opened first, so that an existing or unwritable output fails before the sampling.
  auto writer = std::make_unique<StructureRunWriter>(output, options.force, model, info);

  StructureSimulationOptions sim;
  sim.requests = info.requests;
  sim.seed = info.seed;
  sim.record = info.record;
  sim.chunk_requests = info.chunk_requests;

  const auto started = std::chrono::steady_clock::now();
  const StructureSimulationResult result = simulate_with_progress(
      info.requests, options.quiet,
      [&](const std::atomic<bool>& stop, std::atomic<std::uint64_t>& progress) {
        return simulate_structure(sampler, sim, writer.get(), {&stop, &progress});
      });
  if (result.interrupted) {
    writer.reset();  // deletes the temporary file: no partial output is left behind
    return report_interrupted(result.requests_done, info.requests);
  }

  const StructureSummary summary =
      summarize_structure(analytics, sampler, info.requests, result.tally);
  writer->finish(analytics, summary);

  const StructureReportContext context{model, info, output, threads, seconds_since(started)};
  print_run_summary(
      options.json, options.quiet,
      [&] { return format_structure_json(context, analytics, summary); },
      [&](bool color) { return format_structure_text(context, analytics, summary, color); });
  return 0;
}

int validate_structure_command(const std::string& scenario_path) {
  const StructureModel model = load_structure_model(scenario_path);
  const StructureAnalytics analytics(model);
  std::printf(
      "%s: valid scenario '%s' (format %d): %zu components (%zu declared), %zu request "
      "kinds, %zu common-cause events, analytic reliability %.10g\n",
      scenario_path.c_str(), model.name.c_str(), model.format_version, model.components.size(),
      model.declarations.size(), model.kinds.size(), model.common_causes.size(),
      analytics.reliability());
  return 0;
}

}  // namespace nines::cli
