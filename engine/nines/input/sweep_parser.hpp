#pragma once
// Sweep files (format v1, README "Sweeps") -> SweepPlan. The only place that reads sweep YAML.
// Problems are InputErrors in the scenario parser's shape:
//   <file>:<line>:<column>: <key path>: <what is wrong>; <what would be valid>
// A base scenario named by `base:` is read with load_scenario, so its own errors name its file;
// an inline `scenario:` is parsed by parse_scenario and its errors are mapped back to the
// sweep file's lines and columns.
#include <string>
#include <string_view>

#include "nines/model/sweep_plan.hpp"

namespace nines {

// Reads and validates a sweep file. Throws InputError (bad content) or IOError (unreadable).
SweepPlan load_sweep(const std::string& path);

// Same, from text already in memory. A relative `base:` path is resolved against the
// directory of source_path.
SweepPlan parse_sweep(std::string_view yaml_text, const std::string& source_path);

// Upper bounds that keep a typo from asking for a billion points.
inline constexpr std::uint64_t kMaxSweepPoints = 10'000'000;
inline constexpr std::uint64_t kMaxChainCount = 100'000;

}  // namespace nines
