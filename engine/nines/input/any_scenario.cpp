#include "nines/input/any_scenario.hpp"

#include "nines/input/scenario_parser.hpp"
#include "nines/input/structure_parser.hpp"
#include "nines/input/yaml_fields.hpp"

namespace nines {

// The document is loaded once and handed to the parser its version names.
AnyScenario parse_any_scenario(std::string_view yaml_text, const std::string& source_path) {
  const std::string_view text = checked_input_text(yaml_text, source_path);
  const YAML::Node root = single_document(text, source_path);
  const int version = peek_document_version(root, source_path);
  if (version == kStructureFormatVersion || version == kTimeFormatVersion)
    return parse_structure_document(root, text, source_path);
  return parse_scenario_document(root, text, source_path);
}

AnyScenario load_any_scenario(const std::string& path) {
  return parse_any_scenario(read_scenario_file(path), path);
}

}  // namespace nines
