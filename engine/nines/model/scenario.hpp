#pragma once
// The scenario model: what a YAML file describes, parsed and validated once at the edge.
// Everything downstream (analytics, sampling, output) reads this immutable value.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nines {

inline constexpr int kScenarioFormatVersion = 1;

// The longest chain a format-1 scenario (or a sweep's chain generator) may list: far above real
// services, and low enough that per-component output and summaries stay small.
inline constexpr std::size_t kMaxChainComponents = 100'000;

struct Component {
  std::string name;         // unique within the scenario, [A-Za-z0-9_.-]+
  double reliability = 1;   // probability that it handles a request correctly, in [0, 1]
  std::string description;  // optional, free text
  // Optional: what one extra nine of this component costs (any unit, the same for every
  // component of the file), i.e. the cost per factor-10 cut of its unreliability. Read only by
  // `nines allocate` (allocate/allocation.hpp); positive and finite.
  std::optional<double> improvement_cost = std::nullopt;
};

// Optional run settings in the file; CLI flags override them.
struct RunDefaults {
  std::optional<std::uint64_t> requests;
  std::optional<std::uint64_t> seed;
};

struct Scenario {
  int format_version = kScenarioFormatVersion;
  std::string name;  // [A-Za-z0-9_.-]+; also the default output file stem
  std::string description;
  std::vector<Component> components;  // in the order a request meets them
  RunDefaults defaults;
  std::string source_path;  // as the user named it ("<string>" when parsed from memory)
  std::string
      source_text;  // the file's text (a UTF-8 byte-order mark dropped), stored in the HDF5 output

  std::vector<double> reliabilities() const;
};

}  // namespace nines
