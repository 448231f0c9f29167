#pragma once
// YAML scenario files of format version 2 -> StructureModel. The only place that reads v2
// YAML. Messages have the same shape as scenario_parser.hpp's:
//   <file>:<line>:<column>: <key path>: <what is wrong>; <what would be valid>
// and every one is an InputError (exit code 2).
#include <string>
#include <string_view>

#include "nines/model/structure_model.hpp"

namespace nines {

// Reads and validates a format-2 scenario file. Throws InputError or IOError.
StructureModel load_structure_model(const std::string& path);

// Same, from text in memory; source_path is used in messages and stored in the model.
StructureModel parse_structure_model(std::string_view yaml_text, const std::string& source_path);

}  // namespace nines
