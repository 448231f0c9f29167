#pragma once
// Numbers formatted for people: the run reports (report.cpp, structure_report.cpp) and the
// verdict sentences (summary.cpp, structure_summary.cpp) share these, so a number reads the
// same whichever kind of scenario produced it.
#include <cstdint>
#include <string>

namespace nines::number_format {

// vsnprintf into a string of whatever length it needs.
[[gnu::format(printf, 1, 2)]] std::string printf_string(const char* format, ...);

// Sets `out` to "n/a" for NaN or "∞"/"-∞" for infinities (where printf would print nan and
// inf) and returns true; false for a finite x.
bool non_finite(double x, std::string& out);

// Inserts thousands separators into the integer part of a plain decimal number.
std::string group_thousands(std::string digits);

// 1234567 -> "1,234,567".
std::string integer(std::uint64_t n);

// Magnitude from which fixed() switches to scientific notation. A double carries 15 to 17
// significant digits, so a longer integer part would print digits that mean nothing (RAW =
// 1.78e154 came out as a 155-digit integer) and break every table's columns.
inline constexpr double kFixedLimit = 1e15;

// Three significant digits in scientific notation: 1.78e154 -> "1.78e+154".
std::string scientific(double x);

// "%.*f", optionally with thousands separators; non_finite's words for NaN and infinities;
// scientific() from kFixedLimit on.
std::string fixed(double x, int decimals, bool grouped = false);

// ASCII only ("nan", "inf", "-inf"), for text also stored as an HDF5 string attribute (the
// verdict); scientific from kFixedLimit on, like fixed().
std::string fixed_ascii(double x, int decimals);

// Decimals needed, in percent, to show the first two significant digits of a small quantity
// (1 - R or a CI width), clamped to [min_decimals, 14]: beyond 14 decimals a percent near 100
// is below double resolution anyway.
int decimals_for(double unreliability, int min_decimals);

// R as a percent, computed from u = 1 - R in long double so that "99.99999999990%" shows the
// digits of u rather than the rounding of R.
std::string percent_from_unreliability(double unreliability, int decimals);

// "= 0.63", "= 0.60", "= 6.3e-13", "< 1e-300" (below that erfc and gamma_q have underflowed),
// "n/a": what follows "p " in a report.
std::string p_value(double p);
// "p = 0.63", "p < 1e-300", "p n/a": p_value with its "p ", ASCII only.
std::string p_clause(double p);

// A rate in three significant digits with an SI prefix: "312 M/s", "1.25 G/s", "20.0 k/s",
// "950 /s"; "n/a" for zero, negative or non-finite rates.
std::string rate(double per_second);

// A duration in seconds in the scenario format's largest fitting unit, four significant
// digits: "90d", "45m", "1.5h", "2y", "0.25s"; non_finite's words for NaN and infinities.
std::string duration_unit(double seconds);

// A duration for people, three significant digits: "0", "42 s", "4.2 min", "3.1 h", "2.5 d";
// `missing` for NaN and infinities.
std::string duration_for_people(double seconds, const char* missing);

// An availability (or reliability) in percent with the decimals its nines need (at least 3);
// `missing` for NaN.
std::string availability_percent(double a, const char* missing);

// "%g" with up to six significant digits: "1.5", "0.001", "2e+06".
std::string general(double x);

// Table cells: `s` padded with spaces to `width` display columns, on the right (align_left) or
// the left (align_right). Columns count UTF-8 lead bytes, so "∞" and "µ" pad like one
// character; a longer `s` is returned unchanged.
std::string align_left(const std::string& s, std::size_t width);
std::string align_right(const std::string& s, std::size_t width);

}  // namespace nines::number_format
