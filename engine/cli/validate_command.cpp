#include <cstdio>

#include "cli_options.hpp"
#include "commands.hpp"
#include "nines/exact/chain_analytics.hpp"
#include "nines/input/scenario_parser.hpp"
#include "run_structure.hpp"

namespace nines::cli {

int validate_command(const std::vector<std::string>& args) {
  const ValidateOptions options = parse_validate_options(args);
  if (options.help) {
    std::fputs(kValidateUsage, stdout);
    return 0;
  }
  if (peek_format_version(read_scenario_file(options.scenario_path), options.scenario_path) == 2)
    return validate_structure_command(options.scenario_path);
  const Scenario scenario = load_scenario(options.scenario_path);
  const ChainAnalytics model(scenario.reliabilities());
  std::printf("%s: valid scenario '%s' (format %d): %zu components, analytic reliability %.10g\n",
              options.scenario_path.c_str(), scenario.name.c_str(), scenario.format_version,
              scenario.components.size(), model.reliability());
  return 0;
}

}  // namespace nines::cli
