#pragma once
// What `nines allocate` prints: a table with one row per team (today's reliability, and per
// method the target and the extra nines it needs), each method's check by the exact engine,
// and the same as one JSON object for --json. Computes nothing.
#include <string>

#include "nines/allocate/allocation.hpp"

namespace nines {

std::string allocation_text(const Allocation& allocation, const std::string& output_path);
// The --json document (README, "JSON output"): `path` and `text` are the scenario file's.
std::string allocation_json(const Allocation& allocation, const std::string& path,
                            const std::string& text, const std::string& output_path);

}  // namespace nines
