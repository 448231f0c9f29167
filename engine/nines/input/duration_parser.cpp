#include "nines/input/duration_parser.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

#include "nines/input/utf8_text.hpp"
#include "nines/model/outage_model.hpp"

namespace nines {
namespace {

bool is_letter(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

std::optional<double> refuse(std::string* problem, std::string why) {
  if (problem != nullptr) *problem = std::move(why);
  return std::nullopt;
}

// The number in front of a unit: what from_chars reads, all of it. A sign is read (so that
// "-5m" is called negative, not "not a number"); NaN and infinities are not numbers here.
enum class NumberRead { ok, not_a_number, too_large };

NumberRead read_number(std::string_view text, double& value) {
  if (text.empty()) return NumberRead::not_a_number;
  // from_chars reads "inf" and "nan" too; neither is a duration or a rate.
  for (const char c : text) {
    if (is_letter(c) && c != 'e' && c != 'E') return NumberRead::not_a_number;
  }
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), last, value);
  if (ec == std::errc::invalid_argument || ptr != last) return NumberRead::not_a_number;
  if (ec == std::errc::result_out_of_range) {
    // Too small to represent is as good as zero; too large is refused.
    const bool tiny =
        text.find("e-") != std::string_view::npos || text.find("E-") != std::string_view::npos;
    if (!tiny) return NumberRead::too_large;
    value = 0;
  }
  return NumberRead::ok;
}

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return text;
}

}  // namespace

std::optional<double> duration_unit_seconds(std::string_view unit) {
  if (unit == "s") return 1.0;
  if (unit == "m") return 60.0;
  if (unit == "h") return 3600.0;
  if (unit == "d") return 86400.0;
  if (unit == "w") return 7 * 86400.0;
  if (unit == "y") return 365 * 86400.0;
  return std::nullopt;
}

std::optional<double> parse_duration_text(std::string_view text, std::string* problem) {
  const std::string q = quoted_text(text);
  if (trim_spaces(text).empty()) return refuse(problem, q + " is empty");
  // The unit is the run of letters at the end ("1e3s": the number 1e3, the unit s).
  std::size_t split = text.size();
  while (split > 0 && is_letter(text[split - 1])) --split;
  const std::string_view number = trim_spaces(text.substr(0, split));
  const std::string_view unit = text.substr(split);
  if (number.empty()) return refuse(problem, q + " is not a duration");
  double value = 0;
  const NumberRead read = read_number(number, value);
  if (read == NumberRead::not_a_number) return refuse(problem, q + " is not a duration");
  if (unit.empty()) {
    return refuse(problem, q + " has no unit (units are required)");
  }
  const auto seconds = duration_unit_seconds(unit);
  if (!seconds) return refuse(problem, q + " has the unknown unit " + quoted_text(unit));
  if (read == NumberRead::too_large) return refuse(problem, q + " is too large");
  if (value < 0) return refuse(problem, q + " is negative");
  const double out = value * *seconds;
  if (!std::isfinite(out)) return refuse(problem, q + " is too large");
  return out == 0.0 ? 0.0 : out;  // "-0s" is 0
}

std::optional<double> parse_positive_duration_text(std::string_view text, std::string* problem) {
  const auto value = parse_duration_text(text, problem);
  if (!value) return std::nullopt;
  const std::string q = quoted_text(text);
  if (*value == 0) return refuse(problem, q + " is zero (a positive duration is needed)");
  if (*value < kMinDurationSeconds) {
    return refuse(problem, q + " is shorter than 1 ms (durations here are at least 0.001s)");
  }
  return value;
}

std::optional<double> parse_rate_text(std::string_view text, std::string* problem) {
  const std::string q = quoted_text(text);
  if (trim_spaces(text).empty()) return refuse(problem, q + " is empty");
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return refuse(problem, q + " has no unit of time (a rate needs one, such as /s or /d)");
  }
  const std::string_view unit = trim_spaces(text.substr(slash + 1));
  std::string_view count = trim_spaces(text.substr(0, slash));
  double scale = 1;
  // A suffix follows a digit ("1.2k"); "inf" and "nan" end in letters too, and are no rates.
  if (count.size() >= 2 && is_letter(count.back()) && count.back() != 'e' && count.back() != 'E' &&
      (is_digit(count[count.size() - 2]) || count[count.size() - 2] == '.' ||
       count[count.size() - 2] == ' ')) {
    switch (count.back()) {
      case 'k':
      case 'K':
        scale = 1e3;
        break;
      case 'M':
        scale = 1e6;
        break;
      case 'G':
      case 'B':
        scale = 1e9;
        break;
      case 'T':
        scale = 1e12;
        break;
      default:
        return refuse(problem, q + " has the unknown suffix " +
                                   quoted_text(count.substr(count.size() - 1)) +
                                   " (use k, M, G, B or T)");
    }
    count = trim_spaces(count.substr(0, count.size() - 1));
  }
  // Digit separators, only between two digits ("1_000_000/d").
  std::string digits;
  for (std::size_t i = 0; i < count.size(); ++i) {
    if (count[i] == '_') {
      if (i == 0 || i + 1 >= count.size() || !is_digit(count[i - 1]) || !is_digit(count[i + 1]))
        return refuse(problem, q + " is not a rate");
      continue;
    }
    digits += count[i];
  }
  double value = 0;
  const NumberRead read = read_number(digits, value);
  if (read == NumberRead::not_a_number) return refuse(problem, q + " is not a rate");
  const auto seconds = duration_unit_seconds(unit);
  if (!seconds) {
    return refuse(problem, unit.empty() ? q + " has no unit of time after '/'"
                                        : q + " has the unknown unit of time " + quoted_text(unit));
  }
  if (read == NumberRead::too_large) return refuse(problem, q + " is too large");
  if (value < 0) return refuse(problem, q + " is negative");
  const double out = value * scale / *seconds;
  if (!std::isfinite(out)) return refuse(problem, q + " is too large");
  return out == 0.0 ? 0.0 : out;
}

}  // namespace nines
