#pragma once
// YAML scenario files (format v1) -> Scenario. The only place that reads scenario YAML.
// Every problem a user can cause is an InputError naming file, line, column, key and value,
// and saying what would be valid.
#include <string>
#include <string_view>

#include "nines/model/scenario.hpp"

namespace nines {

// Reads and validates a scenario file. Throws InputError (bad content) or IOError (unreadable).
Scenario load_scenario(const std::string& path);

// Same, from text already in memory; source_path is used in messages and stored in the model.
Scenario parse_scenario(std::string_view yaml_text, const std::string& source_path);

// Routing between the format versions. A file's bytes (IOError when unreadable), and the
// format_version a scenario text declares: 1 (a chain, this file's Scenario), 2 (a structure,
// structure_parser.hpp) or 3 (a structure with outages over time, the same parser). Throws
// InputError, in this file's message style, for anything else: no YAML mapping, no format_version,
// or a version this nines does not read.
std::string read_scenario_file(const std::string& path);
int peek_format_version(std::string_view yaml_text, const std::string& source_path);

}  // namespace nines
