#include "nines/input/count_parser.hpp"

#include "nines/input/yaml_fields.hpp"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>

// `why` is written as a predicate that follows the quoted text in a message, e.g.
// `run.requests: "1.5" is not a whole number; write ...`, so callers can compose it freely.

namespace nines {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool is_hex_digit(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_separator(char c) noexcept {
  return c == '_' || c == ',';
}

void explain(std::string* why, std::string_view text) {
  if (why) *why = std::string(text);
}

// A decimal written as digits * 10^exponent, kept exact: "2.5G" must become 2500000000
// without passing through a double, and "1.5" must be recognised as fractional.
struct ExactDecimal {
  std::string digits;  // significant digits, no separators, no leading zeros ("" means zero)
  long exponent = 0;
  char suffix = 0;  // the unit letter, if any ('\0' when absent)
};

// Reads `text` as digits (with separators between them), an optional fraction, an optional
// e/E exponent and an optional trailing letter. No sign. Returns false if that is not its shape.
bool read_decimal(std::string_view text, ExactDecimal& out) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  bool any_digit = false;
  long fraction_digits = 0;
  bool in_fraction = false;
  for (; i < n; ++i) {
    const char c = text[i];
    if (is_digit(c)) {
      any_digit = true;
      if (!(out.digits.empty() && c == '0')) out.digits += c;
      if (in_fraction) ++fraction_digits;
    } else if (is_separator(c)) {
      // Only between two digits, so "1__0", "_1" and "1," stay errors.
      if (i == 0 || !is_digit(text[i - 1]) || i + 1 >= n || !is_digit(text[i + 1])) return false;
    } else if (c == '.' && !in_fraction) {
      in_fraction = true;
    } else {
      break;
    }
  }
  if (!any_digit) return false;
  // Every fraction digit counts, dropped leading zeros included: "0.05" is 5 * 10^-2.
  out.exponent = -fraction_digits;

  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
    if (i >= n || !is_digit(text[i])) return false;
    long e = 0;
    for (; i < n && is_digit(text[i]); ++i) {
      // Clamp: anything past a few thousand is already far outside every range we accept.
      if (e < 100000) e = e * 10 + (text[i] - '0');
    }
    out.exponent += negative ? -e : e;
  }
  const bool letter =
      i < n && ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z'));
  if (letter) out.suffix = text[i++];
  return i == n;
}

long suffix_exponent(char suffix) noexcept {
  switch (suffix) {
    case 'k':
    case 'K':
      return 3;
    case 'M':
      return 6;
    case 'G':
    case 'B':
      return 9;
    case 'T':
      return 12;
    default:
      return -1;
  }
}

enum class WholeResult { ok, zero, fractional, too_large };

// digits * 10^exponent as an integer of at most 19 digits (so it fits in uint64_t).
WholeResult to_whole(ExactDecimal d, std::uint64_t& value) {
  if (d.digits.empty()) return WholeResult::zero;
  if (d.exponent < 0) {
    const auto drop = static_cast<std::size_t>(-d.exponent);
    if (drop >= d.digits.size()) return WholeResult::fractional;  // digits are non-zero
    for (std::size_t k = d.digits.size() - drop; k < d.digits.size(); ++k) {
      if (d.digits[k] != '0') return WholeResult::fractional;
    }
    d.digits.resize(d.digits.size() - drop);
  } else if (d.exponent > 0) {
    if (static_cast<long>(d.digits.size()) + d.exponent > 19) return WholeResult::too_large;
    d.digits.append(static_cast<std::size_t>(d.exponent), '0');
  }
  if (d.digits.size() > 19) return WholeResult::too_large;
  std::from_chars(d.digits.data(), d.digits.data() + d.digits.size(), value);
  return WholeResult::ok;
}

}  // namespace

std::optional<std::uint64_t> parse_request_count(std::string_view text, std::string* why) {
  if (text.empty()) {
    explain(why, "is empty");
    return std::nullopt;
  }
  const bool negative = text.front() == '-';
  ExactDecimal d;
  if (!read_decimal(negative ? text.substr(1) : text, d)) {
    explain(why, "is not a number");
    return std::nullopt;
  }
  if (d.suffix != 0) {
    const long e = suffix_exponent(d.suffix);
    if (e < 0) {
      explain(why, std::string("has an unknown suffix '") + d.suffix + "' (use k, M, G, B or T)");
      return std::nullopt;
    }
    d.exponent += e;
  }
  std::uint64_t value = 0;
  const WholeResult r = to_whole(d, value);
  if (negative || r == WholeResult::zero) {
    explain(why, "must be positive");
    return std::nullopt;
  }
  if (r == WholeResult::fractional) {
    explain(why, "is not a whole number");
    return std::nullopt;
  }
  // Counts feed signed 64-bit arithmetic downstream (HDF5 extents, differences), hence 2^63.
  if (r == WholeResult::too_large ||
      value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    explain(why, "is too large (the limit is 2^63 - 1)");
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> parse_seed(std::string_view text, std::string* why) {
  if (text.empty()) {
    explain(why, "is empty");
    return std::nullopt;
  }
  const bool negative = text.front() == '-';
  const std::string_view body = negative ? text.substr(1) : text;
  const bool hex = body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  const std::string_view digits_part = hex ? body.substr(2) : body;

  // Seeds are identifiers, not quantities: only plain digits (or hex), with separators.
  std::string digits;
  bool shape_ok = !digits_part.empty();
  for (std::size_t i = 0; shape_ok && i < digits_part.size(); ++i) {
    const char c = digits_part[i];
    if (hex ? is_hex_digit(c) : is_digit(c)) {
      digits += c;
    } else if (c == '_') {
      const bool between = i > 0 && i + 1 < digits_part.size();
      shape_ok = between && digits_part[i - 1] != '_' && digits_part[i + 1] != '_';
    } else {
      shape_ok = false;
    }
  }
  if (!shape_ok) {
    ExactDecimal d;
    std::uint64_t ignored = 0;
    if (!hex && read_decimal(body, d) && d.suffix == 0) {
      explain(why, to_whole(d, ignored) == WholeResult::fractional
                       ? "is not a whole number"
                       : "must be written as plain digits or 0x hexadecimal");
    } else {
      explain(why, "is not a number");
    }
    return std::nullopt;
  }
  if (negative) {
    explain(why, "is negative");
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [ptr, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value, hex ? 16 : 10);
  if (ec == std::errc::result_out_of_range) {
    explain(why, "is too large (seeds are below 2^64)");
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_reliability_value(std::string_view text, std::string* why) {
  return parse_reliability_text(text, why);
}

std::optional<double> parse_relative_precision(std::string_view text, std::string* why) {
  const auto fail = [why](const char* reason) -> std::optional<double> {
    if (why != nullptr) *why = reason;
    return std::nullopt;
  };
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  bool percent = false;
  if (!text.empty() && text.back() == '%') {
    percent = true;
    text.remove_suffix(1);
    while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value))
    return fail("is not a number");
  if (percent) value /= 100;
  if (!(value > 0 && value < 1)) return fail("must be above 0% and below 100%");
  return value;
}

}  // namespace nines
