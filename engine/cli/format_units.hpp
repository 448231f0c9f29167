#pragma once
// Short human units for the terminal: 12.3M, 1.2G, 4.5 s, 3 min 20 s.
#include <cstdint>
#include <string>

namespace nines::cli {

std::string format_count(std::uint64_t n);
std::string format_duration(double seconds);

}  // namespace nines::cli
