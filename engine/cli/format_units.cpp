#include "format_units.hpp"

#include <cmath>
#include <cstdio>

namespace nines::cli {

std::string format_count(std::uint64_t n) {
  static constexpr const char* kSuffix[] = {"", "k", "M", "G", "T", "P", "E"};
  double v = static_cast<double>(n);
  int s = 0;
  while (v >= 1000 && s < 6) {
    v /= 1000;
    ++s;
  }
  char buf[32];
  if (s == 0)
    std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
  else
    std::snprintf(buf, sizeof buf,
                  v < 10    ? "%.2f%s"
                  : v < 100 ? "%.1f%s"
                            : "%.0f%s",
                  v, kSuffix[s]);
  return buf;
}

std::string format_duration(double seconds) {
  char buf[48];
  if (!std::isfinite(seconds)) return "?";
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%d min %02d s", static_cast<int>(seconds / 60),
                  static_cast<int>(std::fmod(seconds, 60)));
  } else {
    std::snprintf(buf, sizeof buf, "%d h %02d min", static_cast<int>(seconds / 3600),
                  static_cast<int>(std::fmod(seconds, 3600) / 60));
  }
  return buf;
}

}  // namespace nines::cli
