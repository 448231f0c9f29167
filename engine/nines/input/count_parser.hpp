#pragma once
// Request counts and seeds as people write them: "10000000", "1e7", "10M", "2.5G", "1_000_000".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nines {

// A positive whole number of requests. Accepts plain integers, decimal exponents (1e8, 2.5e9)
// and the suffixes k/K (1e3), M (1e6), G or B (1e9), T (1e12); underscores and commas are
// ignored as digit separators. Returns nullopt with `why` filled when the text is not a
// positive whole number below 2^63.
std::optional<std::uint64_t> parse_request_count(std::string_view text, std::string* why = nullptr);

// A seed: any whole number in [0, 2^64), decimal or 0x-prefixed hexadecimal.
std::optional<std::uint64_t> parse_seed(std::string_view text, std::string* why = nullptr);

// A reliability as a scenario file reads one ("99.95%", "0.9995"), for command-line values
// (nines allocate --target): parse_reliability_text without including yaml-cpp.
std::optional<double> parse_reliability_value(std::string_view text, std::string* why = nullptr);

// A relative precision (--target-precision, a sweep's run.target_precision): a percentage
// ("1%", "0.5 %") or a fraction ("0.01"), above 0 and below 100%. Returns the fraction, or
// nullopt with `why` filled ("is not a number", "must be above 0% and below 100%").
std::optional<double> parse_relative_precision(std::string_view text, std::string* why = nullptr);

}  // namespace nines
