#pragma once
// How much of each run goes to disk: every request, only the failed ones, or only summaries.
#include <cstdint>
#include <optional>
#include <string_view>

namespace nines {

enum class RecordMode { dense, failures, none };

std::string_view to_string(RecordMode mode) noexcept;
std::optional<RecordMode> parse_record_mode(std::string_view text) noexcept;

// /requests/failed_component and /failures/component use the narrowest signed integer that
// holds every component index and -1.
enum class OutcomeType { int8, int16, int32 };
OutcomeType outcome_type_for(std::size_t component_count) noexcept;
std::size_t outcome_bytes(OutcomeType type) noexcept;

}  // namespace nines
