// Record modes: the names on the command line, in the file's `record` attribute and in --json.
#include "nines/model/record_mode.hpp"

#include <catch2/catch.hpp>

using nines::RecordMode;

TEST_CASE("record modes print and parse as the same words", "[record_mode]") {
  for (const RecordMode mode : {RecordMode::dense, RecordMode::failures, RecordMode::none}) {
    const auto parsed = nines::parse_record_mode(nines::to_string(mode));
    REQUIRE(parsed);
    CHECK(*parsed == mode);
  }
  CHECK(nines::to_string(RecordMode::dense) == "dense");
  CHECK(nines::to_string(RecordMode::failures) == "failures");
  CHECK(nines::to_string(RecordMode::none) == "none");
}

TEST_CASE("parse_record_mode accepts only the exact words", "[record_mode]") {
  for (const char* text : {"", "Dense", "DENSE", " dense", "dense ", "failure", "nothing", "all"})
    CHECK_FALSE(nines::parse_record_mode(text));
  CHECK(nines::to_string(static_cast<RecordMode>(42)) == "?");
}
