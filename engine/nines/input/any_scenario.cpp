#include "nines/input/any_scenario.hpp"

#include "nines/input/scenario_parser.hpp"
#include "nines/input/structure_parser.hpp"

namespace nines {

AnyScenario parse_any_scenario(std::string_view yaml_text, const std::string& source_path) {
  if (peek_format_version(yaml_text, source_path) == kStructureFormatVersion)
    return parse_structure_model(yaml_text, source_path);
  return parse_scenario(yaml_text, source_path);
}

AnyScenario load_any_scenario(const std::string& path) {
  return parse_any_scenario(read_scenario_file(path), path);
}

}  // namespace nines
