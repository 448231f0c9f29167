// Durations and traffic rates as format-3 files write them: every unit, and every refusal with
// the words a message starts with.
#include <cmath>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "nines/input/duration_parser.hpp"

namespace {

std::optional<double> duration(const std::string& text) {
  return nines::parse_positive_duration_text(text, nullptr);
}

std::string duration_problem(const std::string& text) {
  std::string problem;
  if (nines::parse_positive_duration_text(text, &problem)) return "<accepted>";
  return problem;
}

std::string rate_problem(const std::string& text) {
  std::string problem;
  if (nines::parse_rate_text(text, &problem)) return "<accepted>";
  return problem;
}

}  // namespace

TEST_CASE("durations take every unit, y being 365 days", "[duration]") {
  CHECK(*duration("90s") == 90);
  CHECK(*duration("45m") == 45 * 60);
  CHECK(*duration("1.5h") == 1.5 * 3600);
  CHECK(*duration("30d") == 30 * 86400);
  CHECK(*duration("2w") == 14 * 86400);
  CHECK(*duration("1y") == 365 * 86400);
  CHECK(*duration("1e3s") == 1000);
  CHECK(*duration("0.001s") == 0.001);
  CHECK(*duration("90 d") == 90 * 86400);  // a space before the unit is harmless
  CHECK(*nines::duration_unit_seconds("y") == 31'536'000);
  CHECK_FALSE(nines::duration_unit_seconds("ms"));
}

TEST_CASE("durations without a unit, with an unknown one, or not positive are refused",
          "[duration]") {
  CHECK(duration_problem("90") == "\"90\" has no unit (units are required)");
  CHECK(duration_problem("1e5") == "\"1e5\" has no unit (units are required)");
  CHECK(duration_problem("45min") == "\"45min\" has the unknown unit \"min\"");
  CHECK(duration_problem("5ms") == "\"5ms\" has the unknown unit \"ms\"");
  CHECK(duration_problem("-5m") == "\"-5m\" is negative");
  CHECK(duration_problem("0d") == "\"0d\" is zero (a positive duration is needed)");
  CHECK(duration_problem("-0s") == "\"-0s\" is zero (a positive duration is needed)");
  CHECK(duration_problem("0.0001s") ==
        "\"0.0001s\" is shorter than 1 ms (durations here are at least 0.001s)");
  CHECK(duration_problem("1e400d") == "\"1e400d\" is too large");
  CHECK(duration_problem("1e308y") == "\"1e308y\" is too large");  // finite, but not in seconds
  CHECK(duration_problem(".inf") == "\".inf\" is not a duration");
  CHECK(duration_problem("infd") == "\"infd\" is not a duration");
  CHECK(duration_problem("nan s") == "\"nan s\" is not a duration");
  CHECK(duration_problem("d") == "\"d\" is not a duration");
  CHECK(duration_problem("") == "\"\" is empty");
  CHECK(duration_problem("0x10s") == "\"0x10s\" is not a duration");
  CHECK(duration_problem("1.5.2h") == "\"1.5.2h\" is not a duration");
}

TEST_CASE("zero is a duration where a positive one is not needed", "[duration]") {
  CHECK(*nines::parse_duration_text("0s", nullptr) == 0);
  CHECK(*nines::parse_duration_text("0.0001s", nullptr) == 0.0001);
  std::string problem;
  CHECK_FALSE(nines::parse_duration_text("-1s", &problem));
  CHECK(problem == "\"-1s\" is negative");
}

TEST_CASE("rates take count suffixes and a unit of time", "[duration][rate]") {
  CHECK(*nines::parse_rate_text("300/s", nullptr) == 300);
  CHECK(*nines::parse_rate_text("1.2k/m", nullptr) == Approx(20).epsilon(1e-15));
  CHECK(*nines::parse_rate_text("25.9M/d", nullptr) == Approx(25.9e6 / 86400).epsilon(1e-15));
  CHECK(*nines::parse_rate_text("3600/h", nullptr) == 1);
  CHECK(*nines::parse_rate_text("2G/w", nullptr) == Approx(2e9 / (7 * 86400)).epsilon(1e-15));
  CHECK(*nines::parse_rate_text("1T/y", nullptr) == Approx(1e12 / 31'536'000).epsilon(1e-15));
  CHECK(*nines::parse_rate_text("1B/d", nullptr) == Approx(1e9 / 86400).epsilon(1e-15));
  CHECK(*nines::parse_rate_text("1_000_000/d", nullptr) == Approx(1e6 / 86400).epsilon(1e-15));
  CHECK(*nines::parse_rate_text("1e3 / s", nullptr) == 1000);
  CHECK(*nines::parse_rate_text("0/s", nullptr) == 0);  // no traffic is a rate too
}

TEST_CASE("rates without a unit of time, with unknown suffixes, or negative are refused",
          "[duration][rate]") {
  CHECK(rate_problem("300") == "\"300\" has no unit of time (a rate needs one, such as /s or /d)");
  CHECK(rate_problem("300/") == "\"300/\" has no unit of time after '/'");
  CHECK(rate_problem("300/sec") == "\"300/sec\" has the unknown unit of time \"sec\"");
  CHECK(rate_problem("3x/s") == "\"3x/s\" has the unknown suffix \"x\" (use k, M, G, B or T)");
  CHECK(rate_problem("-3/s") == "\"-3/s\" is negative");
  CHECK(rate_problem("nan/s") == "\"nan/s\" is not a rate");
  CHECK(rate_problem("inf/s") == "\"inf/s\" is not a rate");
  CHECK(rate_problem("1__0/s") == "\"1__0/s\" is not a rate");
  CHECK(rate_problem("/s") == "\"/s\" is not a rate");
  CHECK(rate_problem("1e400/s") == "\"1e400/s\" is too large");
  CHECK(rate_problem("") == "\"\" is empty");
}
