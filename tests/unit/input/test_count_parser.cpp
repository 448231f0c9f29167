#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "nines/input/count_parser.hpp"

using nines::parse_request_count;
using nines::parse_seed;

namespace {

// The `why` a rejected text produces, or "accepted" if it was not rejected.
std::string count_error(std::string_view text) {
  std::string why;
  return parse_request_count(text, &why) ? "accepted" : why;
}

std::string seed_error(std::string_view text) {
  std::string why;
  return parse_seed(text, &why) ? "accepted" : why;
}

}  // namespace

TEST_CASE("request counts in the forms people write them", "[count]") {
  CHECK(parse_request_count("10000000") == 10000000u);
  CHECK(parse_request_count("1") == 1u);
  CHECK(parse_request_count("1e7") == 10000000u);
  CHECK(parse_request_count("1E7") == 10000000u);
  CHECK(parse_request_count("2.5e9") == 2500000000u);
  CHECK(parse_request_count("1e+3") == 1000u);
  CHECK(parse_request_count("10M") == 10000000u);
  CHECK(parse_request_count("2.5G") == 2500000000u);
  CHECK(parse_request_count("3B") == 3000000000u);
  CHECK(parse_request_count("1T") == 1000000000000u);
  CHECK(parse_request_count("5k") == 5000u);
  CHECK(parse_request_count("5K") == 5000u);
  CHECK(parse_request_count("1.5k") == 1500u);
  CHECK(parse_request_count("0.001M") == 1000u);
  CHECK(parse_request_count("1_000_000") == 1000000u);
  CHECK(parse_request_count("1,000,000") == 1000000u);
  CHECK(parse_request_count("007") == 7u);
  CHECK(parse_request_count("1.000") == 1u);
  CHECK(parse_request_count("15000e-3") == 15u);
}

TEST_CASE("request counts stay exact up to the 2^63 limit", "[count]") {
  CHECK(parse_request_count("9223372036854775807") == 9223372036854775807u);
  CHECK(parse_request_count("9.223372036854775807e18") == 9223372036854775807u);
  CHECK(count_error("9223372036854775808") == "is too large (the limit is 2^63 - 1)");
  CHECK(count_error("1e19") == "is too large (the limit is 2^63 - 1)");
  CHECK(count_error("1e30") == "is too large (the limit is 2^63 - 1)");
  CHECK(count_error("1e99999999999") == "is too large (the limit is 2^63 - 1)");
  CHECK(count_error("100000000000000000000") == "is too large (the limit is 2^63 - 1)");
}

TEST_CASE("request counts that are not positive whole numbers are explained", "[count]") {
  CHECK(count_error("1.5") == "is not a whole number");
  CHECK(count_error("1e-3") == "is not a whole number");
  CHECK(count_error("1.0001k") == "is not a whole number");
  CHECK(count_error("0") == "must be positive");
  CHECK(count_error("0.0") == "must be positive");
  CHECK(count_error("0M") == "must be positive");
  CHECK(count_error("-5") == "must be positive");
  CHECK(count_error("-1.5") == "must be positive");
  CHECK(count_error("") == "is empty");
  CHECK(count_error("lots") == "is not a number");
  CHECK(count_error("+5") == "is not a number");
  CHECK(count_error(" 5") == "is not a number");
  CHECK(count_error("5 ") == "is not a number");
  CHECK(count_error("1e") == "is not a number");
  CHECK(count_error("e7") == "is not a number");
  CHECK(count_error(".") == "is not a number");
  CHECK(count_error("1__000") == "is not a number");
  CHECK(count_error("_1000") == "is not a number");
  CHECK(count_error("1000_") == "is not a number");
  CHECK(count_error("10MM") == "is not a number");
  CHECK(count_error("0x10") == "is not a number");
  CHECK(count_error("10m") == "has an unknown suffix 'm' (use k, M, G, B or T)");
}

TEST_CASE("why is optional", "[count]") {
  CHECK_FALSE(parse_request_count("nope"));
  CHECK_FALSE(parse_seed("nope"));
}

TEST_CASE("seeds cover the whole 64-bit range in decimal or hex", "[count]") {
  CHECK(parse_seed("0") == 0u);
  CHECK(parse_seed("2026") == 2026u);
  CHECK(parse_seed("18446744073709551615") == UINT64_MAX);
  CHECK(parse_seed("0xFFFFFFFFFFFFFFFF") == UINT64_MAX);
  CHECK(parse_seed("0xdeadbeef") == 0xdeadbeefu);
  CHECK(parse_seed("0XDEAD_BEEF") == 0xdeadbeefu);
  CHECK(parse_seed("1_000") == 1000u);
  CHECK(parse_seed("0x00000000000000001") == 1u);
}

TEST_CASE("seeds outside 0 to 2^64-1 or not whole numbers are explained", "[count]") {
  CHECK(seed_error("18446744073709551616") == "is too large (seeds are below 2^64)");
  CHECK(seed_error("0x10000000000000000") == "is too large (seeds are below 2^64)");
  CHECK(seed_error("-1") == "is negative");
  CHECK(seed_error("3.5") == "is not a whole number");
  CHECK(seed_error("1e3") == "must be written as plain digits or 0x hexadecimal");
  CHECK(seed_error("") == "is empty");
  CHECK(seed_error("random") == "is not a number");
  CHECK(seed_error("0x") == "is not a number");
  CHECK(seed_error("0xg") == "is not a number");
  CHECK(seed_error("10M") == "is not a number");
  CHECK(seed_error("1__0") == "is not a number");
  CHECK(seed_error("+1") == "is not a number");
}
