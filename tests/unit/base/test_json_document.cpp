// How every --json document prints its numbers and strings (nines/base/json_document.hpp):
// doubles read back bit for bit, integers exactly, non-finite numbers as null, invalid UTF-8
// replaced so that the output always parses.
#include "nines/base/json_document.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "nines/base/version.hpp"

using nines::Json;

namespace {

// The double the printed text of `x` reads back as.
double round_trip(double x) {
  Json doc = Json::object();
  doc["x"] = x;
  return Json::parse(nines::json_text(doc))["x"].get<double>();
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

TEST_CASE("json_document starts with the schema version, the command and nines' version",
          "[json_document]") {
  const Json doc = nines::json_document("sweep");
  CHECK(nines::json_text(doc) == std::string(R"({"schema_version":"nines-json/1",)") +
                                     R"("command":"sweep","nines_version":")" + nines::kVersion +
                                     R"("})");
}

TEST_CASE("doubles print as the shortest text that reads back to the same double",
          "[json_document]") {
  Json doc = Json::object();
  doc["a"] = 0.1;
  doc["b"] = 1e-300;
  doc["c"] = 0.9999999999999999;
  CHECK(nines::json_text(doc) == R"({"a":0.1,"b":1e-300,"c":0.9999999999999999})");
  const std::vector<double> values = {0.1,
                                      1e-300,
                                      1.0 / 3,
                                      0.9999999999999999,
                                      1 - 1e-16,
                                      5e-324,
                                      std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::min(),
                                      -0.0,
                                      123456789.123456789,
                                      6.02214076e23};
  for (const double x : values) CHECK(same_bits(round_trip(x), x));
}

TEST_CASE("integers print exactly, up to 2^64 - 1", "[json_document]") {
  Json doc = Json::object();
  doc["max"] = std::numeric_limits<std::uint64_t>::max();
  doc["min"] = std::numeric_limits<std::int64_t>::min();
  CHECK(nines::json_text(doc) == R"({"max":18446744073709551615,"min":-9223372036854775808})");
}

TEST_CASE("NaN and infinities print as null", "[json_document]") {
  Json doc = Json::object();
  doc["nan"] = std::nan("");
  doc["inf"] = std::numeric_limits<double>::infinity();
  doc["-inf"] = -std::numeric_limits<double>::infinity();
  CHECK(nines::json_text(doc) == R"({"nan":null,"inf":null,"-inf":null})");
}

TEST_CASE("strings are escaped and invalid UTF-8 is replaced by U+FFFD", "[json_document]") {
  Json doc = Json::object();
  doc["s"] = std::string("a\"b\\c\n\x01 µ");
  doc["bad"] = std::string(
      "x\xff"
      "y");
  CHECK(nines::json_text(doc) == "{\"s\":\"a\\\"b\\\\c\\n\\u0001 µ\",\"bad\":\"x\xEF\xBF\xBDy\"}");
}

TEST_CASE("json_scenario: null sha256 without text, and the path or null", "[json_document]") {
  const Json s = nines::json_scenario("shop", "shop.yaml", "", 1);
  CHECK(s["sha256"].is_null());
  CHECK(s["format"] == 1);
  CHECK(nines::json_path_or_null("").is_null());
  CHECK(nines::json_path_or_null("a.h5") == "a.h5");
}
