#pragma once
// Durations and traffic rates as format-3 scenario files write them (README "Outages over
// time"): "90s", "45m", "1.5h", "30d", "2w", "1y" (y = 365 d), and "300/s", "1.2k/m",
// "25.9M/d". Text only: time_fields.hpp reads them from YAML and adds the location.
//
// A failed parse returns nullopt with `problem` set to what is wrong, starting with the quoted
// text ("\"90\" has no unit ..."), so that callers compose "<path>: <problem>; <hint>".
#include <optional>
#include <string>
#include <string_view>

namespace nines {

inline constexpr std::string_view kDurationHint =
    "write a number with a unit: s, m, h, d, w or y (y = 365d), e.g. 90s, 45m, 1.5h or 30d";
inline constexpr std::string_view kRateHint =
    "write requests per unit of time: a number (k, M, G suffixes allowed) and /s, /m, /h or /d, "
    "e.g. 300/s, 1.2k/m or 25.9M/d";

// Seconds in one `unit` (s, m, h, d, w, y); nullopt for anything else.
std::optional<double> duration_unit_seconds(std::string_view unit);

// A finite duration >= 0 in seconds. Units are required: a plain number is refused, since
// "every: 90" could mean 90 seconds or 90 days.
std::optional<double> parse_duration_text(std::string_view text, std::string* problem);

// A duration that must be positive: also refuses zero and anything shorter than
// kMinDurationSeconds (outage_model.hpp).
std::optional<double> parse_positive_duration_text(std::string_view text, std::string* problem);

// A rate in requests per second, finite and >= 0: a number with an optional count suffix
// (k/K 1e3, M 1e6, G/B 1e9, T 1e12; '_' between digits ignored), '/', a duration unit.
std::optional<double> parse_rate_text(std::string_view text, std::string* problem);

}  // namespace nines
