#pragma once
// Sweep files (format v1, README "Sweeps") -> SweepPlan. The only place that reads sweep YAML.
// Problems are InputErrors in the scenario parser's shape:
//   <file>:<line>:<column>: <key path>: <what is wrong>; <what would be valid>
// A base scenario named by `base:` is read with load_scenario, so its own errors name its file;
// an inline `scenario:` is read from its node by the scenario parser, so its errors point into
// the sweep file ("scenario.components[1].reliability: ...").
#include <string>
#include <string_view>

#include "nines/model/sweep_plan.hpp"

namespace nines {

// Reads and validates a sweep file. Throws InputError (bad content) or IOError (unreadable).
SweepPlan load_sweep(const std::string& path);

// Whether the file's top level says `kind: sweep` (false when it cannot be read or parsed:
// reading it as a scenario then reports why). For `nines validate`, which takes both.
bool is_sweep_file(const std::string& path);

// Same, from text already in memory. A relative `base:` path is resolved against the
// directory of source_path.
SweepPlan parse_sweep(std::string_view yaml_text, const std::string& source_path);

// How many points a sweep file asks for, and how many component values they hold together,
// counted as parse_sweep counts them before building any point: InputError for anything
// parse_sweep refuses, the limits below included.
struct SweepSize {
  std::uint64_t points = 0;
  std::uint64_t component_values = 0;
};
SweepSize measure_sweep(std::string_view yaml_text, const std::string& source_path);

// Upper bounds that keep a typo from asking for a billion points, all checked before the points
// are built (README "Limits and safety"). Every point holds its own component list, so the plan
// needs about 180 bytes per point and 70 to 100 per component value: at both limits, about
// 2.7 GB and 20 s to build (measured: 10,000,000 one-component points, 1.8 GB, 18 s).
inline constexpr std::uint64_t kMaxSweepPoints = 10'000'000;
inline constexpr std::uint64_t kMaxSweepComponentValues = 10'000'000;  // sum of points' components
inline constexpr std::uint64_t kMaxReplications = 1'000'000;
inline constexpr std::uint64_t kMaxChainCount = kMaxChainComponents;
// Combinations of structural parameter values (replicas, required, retries, weights) built and
// checked when a sweep with a structure base is read.
inline constexpr std::uint64_t kMaxStructuralCombinations = 10'000;

}  // namespace nines
