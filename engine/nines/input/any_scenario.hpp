#pragma once
// A scenario file of either format, told apart by its format_version: the one entry point that
// `nines validate` reads through (and the scenario fuzz target, tests/fuzz/).
#include <string>
#include <string_view>
#include <variant>

#include "nines/model/scenario.hpp"
#include "nines/model/structure_model.hpp"

namespace nines {

using AnyScenario = std::variant<Scenario, StructureModel>;

// A chain (format 1, scenario_parser.hpp) or a structure (format 2, or 3 with outages over
// time: structure_parser.hpp).
// Throws InputError for anything either parser refuses.
AnyScenario parse_any_scenario(std::string_view yaml_text, const std::string& source_path);

// Same, from a file (read once); also IOError when the system fails to read it.
AnyScenario load_any_scenario(const std::string& path);

}  // namespace nines
