#pragma once
// How much of each run goes to disk. Request runs (formats 1 and 2): every request (dense), only
// the failed ones, or only summaries (none). Time runs (format 3): the outages (the default),
// the outages and every failed request (requests), or only summaries (none).
#include <optional>
#include <string_view>

namespace nines {

enum class RecordMode { dense, failures, none, outages, requests };

std::string_view to_string(RecordMode mode) noexcept;
std::optional<RecordMode> parse_record_mode(std::string_view text) noexcept;

}  // namespace nines
