#pragma once
// Service level objectives over a time run (scenario format 3). `time.slo` is the one SLO of
// the traffic mix that burn-rate rules are relative to; `time.slos` lists SLOs as objects, in
// the OpenSLO specification's terms where they fit (README "SLOs"):
//  - the SLI of an SLO is the share of good requests of its scope: a request kind, or the
//    traffic mix;
//  - budgeting by occurrences: a window meets the SLO when its failed requests are at most
//    (1 - target) x its requests;
//  - budgeting by timeslices: the window is cut into slices of time_slice_window; a slice is
//    good when its share of good requests is at least time_slice_target (a slice without
//    requests is good); the window meets the SLO when its bad slices are at most
//    (1 - target) x its slices.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace nines {

inline constexpr double kSecondsPerDay = 86400;

enum class SloWindows {
  rolling,         // [d, d + window) for every whole day d with d + window <= horizon
  tumbling,        // [k window, (k + 1) window) while inside the horizon
  calendar_months  // the months of a 365-day year (31, 28, 31, ...), repeated
};

// "rolling", "tumbling", "calendar-months": the scenario's and the run file's spelling.
std::string to_string(SloWindows windows);

struct SloTarget {
  double target = 0.999;                 // availability to meet, in (0, 1)
  double window_seconds = 30 * 86400.0;  // whole days
  SloWindows windows = SloWindows::rolling;
};

enum class SloBudgeting : std::uint8_t { occurrences, timeslices };

// "occurrences", "timeslices": the scenario's and the run file's spelling.
const char* to_string(SloBudgeting budgeting) noexcept;

// Limits (README "Limits and safety").
inline constexpr std::size_t kMaxSlos = 32;

struct SloObjective {
  std::string name;
  std::optional<std::uint32_t> kind;  // the scope: a request kind, or the mix when unset
  SloTarget objective;
  SloBudgeting budgeting = SloBudgeting::occurrences;
  double time_slice_target = 0;    // timeslices: a good slice's least share of good requests
  double time_slice_seconds = 60;  // timeslices: divides a day
};

}  // namespace nines
