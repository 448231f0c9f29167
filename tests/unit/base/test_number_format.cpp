#include "nines/base/number_format.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

using namespace nines::number_format;

TEST_CASE("number_format groups thousands in the integer part only", "[number_format]") {
  CHECK(integer(0) == "0");
  CHECK(integer(999) == "999");
  CHECK(integer(1234567) == "1,234,567");
  CHECK(group_thousands("-1234.5678") == "-1,234.5678");
  CHECK(fixed(1234567.25, 1, true) == "1,234,567.2");
  CHECK(fixed(1234.5, 1) == "1234.5");
}

TEST_CASE("number_format names non-finite values", "[number_format]") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(fixed(nan, 2) == "n/a");
  CHECK(fixed(inf, 2) == "∞");
  CHECK(fixed(-inf, 2) == "-∞");
  CHECK(fixed_ascii(nan, 2) == "nan");
  CHECK(fixed_ascii(-inf, 2) == "-inf");
  CHECK(fixed_ascii(1.005, 2) == "1.00");  // 1.005 is 1.00499999... in binary
  CHECK(percent_from_unreliability(nan, 2) == "n/a");
}

TEST_CASE("number_format shows two significant digits of small unreliabilities",
          "[number_format]") {
  CHECK(decimals_for(1 - 0.9995, 2) == 3);
  CHECK(percent_from_unreliability(1 - 0.9995, decimals_for(1 - 0.9995, 2)) == "99.950%");
  CHECK(decimals_for(1e-12, 4) == 11);
  CHECK(decimals_for(0, 4) == 4);
  CHECK(decimals_for(1e-300, 2) == 14);
  CHECK(percent_from_unreliability(1e-12, 11) == "99.99999999990%");
}

TEST_CASE("number_format writes p-values as reports and verdicts show them", "[number_format]") {
  CHECK(p_value(0.63) == "= 0.63");
  CHECK(p_value(0.6) == "= 0.60");
  CHECK(p_value(6.3e-13) == "= 6.3e-13");
  CHECK(p_value(0) == "< 1e-300");
  CHECK(p_value(std::numeric_limits<double>::quiet_NaN()) == "n/a");
  CHECK(p_clause(0.63) == "p = 0.63");
  CHECK(p_clause(std::numeric_limits<double>::quiet_NaN()) == "p n/a");
  CHECK(printf_string("%s-%03d", "x", 7) == "x-007");
  CHECK(printf_string("%s", std::string(1000, 'a').c_str()).size() == 1000);
}

TEST_CASE("number_format never prints a huge value as a long integer", "[number_format]") {
  // Issue 14: RAW = 1.78e154 was printed as a 155-digit integer.
  CHECK(fixed(1.78e154, 2) == "1.78e+154");
  CHECK(fixed(-1.78e154, 0) == "-1.78e+154");
  CHECK(fixed(1.78e154, 1, true) == "1.78e+154");
  CHECK(fixed(std::numeric_limits<double>::max(), 2) == "1.80e+308");
  // Up to kFixedLimit the digits are all meaningful and stay fixed (grouped when asked).
  CHECK(fixed(999'999'999'999'999.0, 1, true) == "999,999,999,999,999.0");
  CHECK(fixed(kFixedLimit, 1, true) == "1.00e+15");
  CHECK(fixed(-kFixedLimit, 1) == "-1.00e+15");
  CHECK(fixed(123456789.125, 2, true) == "123,456,789.12");
  // Small values keep their fixed form (decimals are the caller's choice).
  CHECK(fixed(1e-20, 2) == "0.00");
  CHECK(scientific(1.78e154) == "1.78e+154");
  CHECK(scientific(0.000123456) == "1.23e-04");
  CHECK(scientific(std::numeric_limits<double>::infinity()) == "∞");
  CHECK(scientific(std::numeric_limits<double>::quiet_NaN()) == "n/a");
  // Every finite double fits a table cell.
  for (double x = 1; std::isfinite(x); x *= 7.3) {
    INFO(x);
    CHECK(fixed(x, 2, true).size() <= 26);
    CHECK(fixed(-x, 2).size() <= 26);
  }
}

TEST_CASE("number_format keeps huge values short in verdicts too", "[number_format]") {
  CHECK(fixed_ascii(-3.16e73, 2) == "-3.16e+73");
  CHECK(fixed_ascii(kFixedLimit, 2) == "1.00e+15");
  CHECK(fixed_ascii(999'999'999'999'999.0, 2) == "999999999999999.00");
}

TEST_CASE("number_format writes rates in three significant digits with an SI prefix",
          "[number_format]") {
  CHECK(rate(3.12e8) == "312 M/s");
  CHECK(rate(1.25e9) == "1.25 G/s");
  CHECK(rate(2e4) == "20.0 k/s");
  CHECK(rate(950) == "950 /s");
  CHECK(rate(0.5) == "0.50 /s");
  CHECK(rate(4.2e12) == "4.20 T/s");
  CHECK(rate(0) == "n/a");
  CHECK(rate(-1) == "n/a");
  CHECK(rate(std::numeric_limits<double>::infinity()) == "n/a");
  CHECK(rate(std::numeric_limits<double>::quiet_NaN()) == "n/a");
}

TEST_CASE("number_format writes durations and availabilities for people", "[number_format]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(duration_for_people(0, "-") == "0");
  CHECK(duration_for_people(42, "-") == "42 s");
  CHECK(duration_for_people(90, "-") == "1.5 min");
  CHECK(duration_for_people(7200, "-") == "2 h");
  CHECK(duration_for_people(2.5 * 86400, "-") == "2.5 d");
  CHECK(duration_for_people(nan, "n/a") == "n/a");
  CHECK(availability_percent(0.999, "-") == "99.900%");
  CHECK(availability_percent(1 - 1e-6, "-") == "99.99990%");
  CHECK(availability_percent(nan, "n/a") == "n/a");
}
