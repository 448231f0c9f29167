#pragma once
// How much of each run goes to disk: every request, only the failed ones, or only summaries.
#include <optional>
#include <string_view>

namespace nines {

enum class RecordMode { dense, failures, none };

std::string_view to_string(RecordMode mode) noexcept;
std::optional<RecordMode> parse_record_mode(std::string_view text) noexcept;

}  // namespace nines
