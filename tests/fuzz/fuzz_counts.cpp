// Fuzz target: the number readers every file and flag goes through (count_parser.hpp: request
// counts and seeds; yaml_fields.hpp: probabilities, percentages, weights, whole numbers) and the
// quoting of values in messages. Each answer is checked against what its contract promises;
// a broken promise aborts (a finding), as does any crash or sanitizer report.
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "fuzz_checks.hpp"
#include "nines/input/count_parser.hpp"
#include "nines/input/utf8_text.hpp"
#include "nines/input/yaml_fields.hpp"

namespace {

using nines::fuzz::require;
using nines::fuzz::require_printable;

bool plain_digits(const std::string& text) {
  if (text.empty()) return false;
  for (const char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string why;

  const auto requests = nines::parse_request_count(text, &why);
  if (requests) {
    require(*requests >= 1 &&
            *requests <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
  } else {
    require(!why.empty());
  }
  if (plain_digits(text)) {  // plain digits mean exactly what from_chars reads
    std::uint64_t exact = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), exact);
    const bool fits = ec == std::errc() &&
                      exact <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    require(requests.has_value() == (fits && exact >= 1));
    if (requests) require(*requests == exact);
  }

  why.clear();
  const auto seed = nines::parse_seed(text, &why);
  require(seed.has_value() || !why.empty());
  if (plain_digits(text)) {
    std::uint64_t exact = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), exact);
    require(seed.has_value() == (ec == std::errc()));
    if (seed) require(*seed == exact);
  }

  for (const auto range : {nines::NumberRange::probability, nines::NumberRange::non_negative}) {
    std::string problem;
    const auto number = nines::parse_number_text(text, range, &problem);
    if (number) {
      require(std::isfinite(*number) && *number >= 0 && !std::signbit(*number));
      if (range == nines::NumberRange::probability) require(*number <= 1);
    } else {
      require(problem.starts_with(nines::quoted_text(text)));
    }
  }

  std::string problem;
  const auto whole = nines::parse_whole_text(text, 1, 1000, &problem);
  if (whole) require(*whole >= 1 && *whole <= 1000);
  if (!whole) require(problem.starts_with(nines::quoted_text(text)));

  // Quoting: valid UTF-8, nothing below U+0020, no DEL, whatever the bytes.
  require_printable(nines::quoted_text(text));
  return 0;
}
