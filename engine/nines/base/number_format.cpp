#include "nines/base/number_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace nines::number_format {

std::string printf_string(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list again;
  va_copy(again, args);
  const int n = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string out;
  if (n > 0) {
    out.resize(static_cast<std::size_t>(n) + 1);
    std::vsnprintf(out.data(), out.size(), format, again);
    out.resize(static_cast<std::size_t>(n));
  }
  va_end(again);
  return out;
}

bool non_finite(double x, std::string& out) {
  if (std::isnan(x)) {
    out = "n/a";
    return true;
  }
  if (std::isinf(x)) {
    out = x > 0 ? "∞" : "-∞";
    return true;
  }
  return false;
}

std::string group_thousands(std::string digits) {
  const std::size_t start = (!digits.empty() && digits[0] == '-') ? 1 : 0;
  std::size_t end = digits.find('.');
  if (end == std::string::npos) end = digits.size();
  for (std::size_t i = end; i > start + 3; i -= 3) digits.insert(i - 3, ",");
  return digits;
}

std::string integer(std::uint64_t n) {
  return group_thousands(std::to_string(n));
}

std::string scientific(double x) {
  std::string out;
  if (non_finite(x, out)) return out;
  return printf_string("%.2e", x);
}

std::string fixed(double x, int decimals, bool grouped) {
  std::string out;
  if (non_finite(x, out)) return out;
  if (std::fabs(x) >= kFixedLimit) return scientific(x);
  out = printf_string("%.*f", decimals, x);
  return grouped ? group_thousands(out) : out;
}

std::string fixed_ascii(double x, int decimals) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (std::fabs(x) >= kFixedLimit) return printf_string("%.2e", x);
  return printf_string("%.*f", decimals, x);
}

int decimals_for(double unreliability, int min_decimals) {
  if (!(unreliability > 0) || !std::isfinite(unreliability)) return min_decimals;
  // The exponent of the percent after rounding to two significant digits, so that
  // 1 - 0.9995 = 4.9999999999999996e-4 counts as 0.050% and 1 - (1 - 1e-12), which is
  // 9.9999e-13 after rounding r, as 1.0e-10%.
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1e", 100 * unreliability);
  const char* e = std::strchr(buffer, 'e');
  const int first_digit = e ? std::atoi(e + 1) : 0;
  return std::clamp(1 - first_digit, min_decimals, 14);
}

std::string percent_from_unreliability(double unreliability, int decimals) {
  std::string out;
  if (non_finite(unreliability, out)) return out;
  const long double percent = 100.0L - 100.0L * static_cast<long double>(unreliability);
  return printf_string("%.*Lf%%", decimals, percent);
}

std::string p_value(double p) {
  if (std::isnan(p)) return "n/a";
  if (p < 1e-300) return "< 1e-300";
  return "= " + printf_string("%#.2g", p);
}

std::string p_clause(double p) {
  return "p " + p_value(p);
}

std::string rate(double per_second) {
  if (!(per_second > 0) || !std::isfinite(per_second)) return "n/a";
  static constexpr struct {
    double scale;
    const char* prefix;
  } kUnits[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}, {1, ""}};
  for (const auto& unit : kUnits) {
    if (per_second >= unit.scale || unit.scale == 1) {
      const double v = per_second / unit.scale;
      const int decimals = v >= 100 ? 0 : v >= 10 ? 1 : 2;
      return fixed(v, decimals) + " " + unit.prefix + "/s";
    }
  }
  return "n/a";
}

std::string duration_for_people(double seconds, const char* missing) {
  if (!std::isfinite(seconds)) return missing;
  if (seconds == 0) return "0";
  if (seconds < 60) return printf_string("%.3g s", seconds);
  if (seconds < 3600) return printf_string("%.3g min", seconds / 60);
  if (seconds < 86400) return printf_string("%.3g h", seconds / 3600);
  return printf_string("%.3g d", seconds / 86400);
}

std::string availability_percent(double a, const char* missing) {
  if (!std::isfinite(a)) return missing;
  return percent_from_unreliability(1 - a, std::max(3, decimals_for(1 - a, 3)));
}

std::string duration_unit(double seconds) {
  std::string out;
  if (non_finite(seconds, out)) return out;
  struct Unit {
    double seconds;
    const char* suffix;
  };
  // The units the scenario format reads (input/duration_parser.cpp); a year is 365 days.
  static constexpr Unit kUnits[] = {
      {365 * 86400.0, "y"}, {86400.0, "d"}, {3600.0, "h"}, {60.0, "m"}, {1.0, "s"}};
  const double magnitude = seconds < 0 ? -seconds : seconds;
  for (const Unit& unit : kUnits)
    if (magnitude >= unit.seconds)
      return printf_string("%.4g%s", seconds / unit.seconds, unit.suffix);
  return printf_string("%.4gs", seconds);
}

std::string general(double x) {
  std::string out;
  if (non_finite(x, out)) return out;
  return printf_string("%g", x);
}

namespace {
std::size_t display_columns(const std::string& s) {
  std::size_t shown = 0;
  for (const unsigned char c : s) shown += (c & 0xC0) != 0x80;
  return shown;
}
}  // namespace

std::string align_left(const std::string& s, std::size_t width) {
  const std::size_t shown = display_columns(s);
  return shown >= width ? s : s + std::string(width - shown, ' ');
}

std::string align_right(const std::string& s, std::size_t width) {
  const std::size_t shown = display_columns(s);
  return shown >= width ? s : std::string(width - shown, ' ') + s;
}

}  // namespace nines::number_format
