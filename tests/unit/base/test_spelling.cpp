// "Did you mean ...?": the edit distance and the guess it drives.
#include "nines/base/spelling.hpp"

#include <catch2/catch.hpp>
#include <string_view>
#include <vector>

using nines::closest_spelling;
using nines::edit_distance;

TEST_CASE("edit_distance counts inserts, deletes and substitutions", "[spelling]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("component", "components") == 1);
  CHECK(edit_distance("reliablity", "reliability") == 1);
  CHECK(edit_distance("flaw", "lawn") == 2);
  // Symmetric, and a transposition costs two (Levenshtein, not Damerau).
  CHECK(edit_distance("sitting", "kitten") == 3);
  CHECK(edit_distance("ab", "ba") == 2);
}

TEST_CASE("edit_distance ignores ASCII case only", "[spelling]") {
  CHECK(edit_distance("Seed", "seed") == 0);
  CHECK(edit_distance("FORMAT_VERSION", "format_version") == 0);
  // Bytes outside A-Z compare as they are.
  CHECK(edit_distance("\xC3\x89", "\xC3\xA9") == 1);
  CHECK(edit_distance("_", "-") == 1);
}

TEST_CASE("closest_spelling suggests a close candidate", "[spelling]") {
  const std::vector<std::string_view> keys = {"format_version", "name", "description", "run",
                                              "components"};
  CHECK(closest_spelling("component", keys) == "components");
  CHECK(closest_spelling("nmae", keys) == "name");
  CHECK(closest_spelling("Components", keys) == "components");
  CHECK(closest_spelling("formatversion", keys) == "format_version");
  // An abbreviation of three letters or more finds the word it starts.
  CHECK(closest_spelling("desc", keys) == "description");
  // Nothing close: no guess, rather than a wrong one.
  CHECK(closest_spelling("foo", keys).empty());
  CHECK(closest_spelling("requests", keys).empty());
  CHECK(closest_spelling("anything", {}).empty());
}

TEST_CASE("closest_spelling scales the distance it accepts to the word", "[spelling]") {
  // Up to max(1, length / 2) edits, never more than 3.
  const std::vector<std::string_view> run = {"run"};
  CHECK(closest_spelling("rn", run) == "run");  // 1 edit, length 2: limit 1
  CHECK(closest_spelling("r", run).empty());    // 2 edits, length 1: limit 1
  CHECK(closest_spelling("xyz", run).empty());  // 3 edits, length 3: limit 1
  const std::vector<std::string_view> long_word = {"description"};
  CHECK(closest_spelling("dscriptoin", long_word) == "description");  // 3 edits
  CHECK(closest_spelling("dscrptoin", long_word).empty());            // 4 edits
  // A two-letter prefix is too short to count as an abbreviation.
  CHECK(closest_spelling("de", long_word).empty());
}

TEST_CASE("closest_spelling prefers the nearest, then the first listed", "[spelling]") {
  CHECK(closest_spelling("seet", {"set", "seed"}) == "set");  // both 1 edit: first wins
  CHECK(closest_spelling("seet", {"seed", "set"}) == "seed");
  CHECK(closest_spelling("weigth", {"height", "weight"}) == "weight");  // 2 edits vs 3
}
