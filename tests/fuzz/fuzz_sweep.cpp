// Fuzz target: any bytes as a sweep file (parse_sweep, as `nines sweep` reads it). A base file
// it names is looked up relative to a directory that does not exist, so the target reads only
// what absolute paths name. Outcomes: a plan whose points agree with its counts, or an
// InputError with a printable one-line message; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_checks.hpp"
#include "nines/base/error.hpp"
#include "nines/input/sweep_parser.hpp"
#include "nines/input/utf8_text.hpp"

using nines::fuzz::require;
using nines::fuzz::require_printable;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string path = "/nonexistent-nines-fuzz/fuzz.sweep.yaml";
  try {
    const nines::SweepSize counted = nines::measure_sweep(text, path);
    require(counted.points >= 1 && counted.points <= nines::kMaxSweepPoints);
    require(counted.component_values <= nines::kMaxSweepComponentValues);
    // Building the points costs time and memory in proportion to what was just counted (about
    // 2 s per million points here, under the sanitizers); the limits bound it, and a plan at
    // the limits (20 s, 2.7 GB) would only stall the search. So large plans stop at counting.
    if (counted.points + counted.component_values > 100'000) return 0;
    const nines::SweepPlan plan = nines::parse_sweep(text, path);
    require(plan.points.size() == counted.points);
    std::uint64_t values = 0;
    for (const auto& point : plan.points) {
      values += point.components.size();
      require(point.values.size() == plan.parameters.size());
      for (const auto& c : point.components) require(c.reliability >= 0 && c.reliability <= 1);
    }
    require(values == counted.component_values);
  } catch (const nines::InputError& e) {
    require_printable(e.what());
  }
  return 0;
}
