#pragma once
// YAML scenario files of format versions 2 and 3 -> StructureModel (format 3 adds outages over
// time: StructureModel::time). The only place that reads v2 and v3 YAML. Messages have the same
// shape as scenario_parser.hpp's:
//   <file>:<line>:<column>: <key path>: <what is wrong>; <what would be valid>
// and every one is an InputError (exit code 2).
#include <string>
#include <string_view>

#include "nines/model/structure_model.hpp"

namespace nines {

// Reads and validates a format-2 or format-3 scenario file. Throws InputError or IOError.
StructureModel load_structure_model(const std::string& path);

// Same, from text in memory; source_path is used in messages and stored in the model.
StructureModel parse_structure_model(std::string_view yaml_text, const std::string& source_path);

}  // namespace nines
