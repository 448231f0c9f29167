#pragma once
// YAML scenario files (format v1) -> Scenario. The only place that reads scenario YAML.
// Every problem a user can cause is an InputError naming file, line, column, key and value,
// and saying what would be valid.
#include <string>
#include <string_view>

#include "nines/scenario.hpp"

namespace nines {

// Reads and validates a scenario file. Throws InputError (bad content) or IOError (unreadable).
Scenario load_scenario(const std::string& path);

// Same, from text already in memory; source_path is used in messages and stored in the model.
Scenario parse_scenario(std::string_view yaml_text, const std::string& source_path);

}  // namespace nines
