#pragma once
#include <string>

namespace nines {

// The current time as ISO 8601 UTC to the second, e.g. "2026-11-28T08:00:00Z": the `created`
// attribute of every file nines writes.
std::string utc_timestamp_now();

}  // namespace nines
