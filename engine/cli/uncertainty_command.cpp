// nines uncertainty: the scenario's uncertain inputs propagated to the service value
// (nines/uncertainty/uncertainty_analysis.hpp), printed and written to HDF5.
#include <tbb/global_control.h>

#include <cstdio>
#include <memory>
#include <string>
#include <variant>

#include "cli_options.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "nines/base/error.hpp"
#include "nines/input/any_scenario.hpp"
#include "nines/uncertainty/uncertainty_analysis.hpp"
#include "nines/uncertainty/uncertainty_report.hpp"
#include "nines/uncertainty/uncertainty_writer.hpp"

namespace nines::cli {

namespace {
constexpr std::uint64_t kFallbackSeed = 1;  // as nines run
}  // namespace

int uncertainty_command(const std::vector<std::string>& args) {
  const UncertaintyOptions options = parse_uncertainty_options(args);
  if (options.help) {
    std::fputs(command_help("uncertainty").c_str(), stdout);
    return 0;
  }
  std::unique_ptr<tbb::global_control> threads;
  if (options.threads) {
    threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                    static_cast<std::size_t>(*options.threads));
  }
  const AnyScenario scenario = load_any_scenario(options.scenario_path);
  if (!std::holds_alternative<StructureModel>(scenario)) {
    throw InputError(options.scenario_path +
                     ": nines uncertainty needs a structure (format 2) or a structure over time "
                     "(format 3), whose components may have uncertain inputs; a chain (format 1) "
                     "has point values only");
  }
  const StructureModel& model = std::get<StructureModel>(scenario);
  UncertaintySettings settings;
  settings.draws = options.draws;
  settings.design = options.plain ? DesignKind::plain : DesignKind::latin_hypercube;
  settings.seed = options.seed.value_or(model.defaults.seed.value_or(kFallbackSeed));
  settings.target = options.target;
  settings.sobol = options.sobol;
  const UncertaintyResult result =
      analyse_uncertainty(model, settings, &install_interrupt_handlers());
  const std::string output = options.output.value_or(model.name + ".uncertainty.h5");
  write_uncertainty_file(result, model.source_text, output, options.force);
  const std::string text =
      options.json ? uncertainty_json(result, model.source_path, model.source_text, output)
                   : uncertainty_text(result, output);
  std::fputs(text.c_str(), stdout);
  return 0;
}

}  // namespace nines::cli
