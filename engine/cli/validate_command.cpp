#include <cstdio>

#include "cli_options.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "nines/exact/chain_analytics.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/input/scenario_parser.hpp"
#include "nines/input/structure_parser.hpp"

namespace nines::cli {

int validate_command(const std::vector<std::string>& args) {
  const ValidateOptions options = parse_validate_options(args);
  if (options.help) {
    std::fputs(kValidateUsage, stdout);
    return 0;
  }
  const std::string text = read_scenario_file(options.scenario_path);
  if (peek_format_version(text, options.scenario_path) == 2) {
    const StructureModel model = parse_structure_model(text, options.scenario_path);
    const StructureAnalytics analytics(model);
    std::printf(
        "%s: valid scenario '%s' (format %d): %zu components (%zu declared), %zu request "
        "kinds, %zu common-cause events, analytic reliability %.10g\n",
        options.scenario_path.c_str(), model.name.c_str(), model.format_version,
        model.components.size(), model.declarations.size(), model.kinds.size(),
        model.common_causes.size(), analytics.reliability());
    return 0;
  }
  const Scenario scenario = parse_scenario(text, options.scenario_path);
  const ChainAnalytics analytics(scenario.reliabilities());
  std::printf("%s: valid scenario '%s' (format %d): %zu components, analytic reliability %.10g\n",
              options.scenario_path.c_str(), scenario.name.c_str(), scenario.format_version,
              scenario.components.size(), analytics.reliability());
  return 0;
}

}  // namespace nines::cli
