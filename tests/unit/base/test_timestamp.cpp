// The `created` attribute: ISO 8601 UTC to the second.
#include "nines/base/timestamp.hpp"

#include <catch2/catch.hpp>
#include <ctime>
#include <regex>
#include <string>

namespace {
// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SSZ", read as UTC.
std::time_t parse_utc(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  REQUIRE(end != nullptr);
  REQUIRE(*end == '\0');
  return timegm(&tm);
}
}  // namespace

TEST_CASE("utc_timestamp_now is ISO 8601 UTC to the second", "[timestamp]") {
  const std::string stamp = nines::utc_timestamp_now();
  CHECK(stamp.size() == 20);
  CHECK(std::regex_match(stamp, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")));
}

TEST_CASE("utc_timestamp_now is the current time in UTC, not local time", "[timestamp]") {
  // Taken between two readings of the clock, it names a second between them (a time zone
  // offset would put it hours away).
  const std::time_t before = std::time(nullptr);
  const std::string stamp = nines::utc_timestamp_now();
  const std::time_t after = std::time(nullptr);
  INFO(stamp);
  const std::time_t t = parse_utc(stamp);
  CHECK(t >= before);
  CHECK(t <= after);
}
