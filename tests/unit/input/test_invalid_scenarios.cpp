// Every file in tests/invalid/ is a scenario that must be rejected with one exact message.
// The message lives on the file's first line ("# expect: ..."), so adding a case is adding a
// file; "{file}" in it stands for the path the file was loaded by.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/input_errors.hpp"
#include "nines/base/error.hpp"
#include "nines/input/scenario_parser.hpp"

namespace {

using nines::test::expected_message;

}  // namespace

TEST_CASE("every invalid scenario is rejected with its expected message", "[invalid]") {
  const std::string dir = NINES_SOURCE_DIR "/tests/invalid/";
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() >= 25);

  for (const auto& name : names) {
    const std::string path = dir + name;
    INFO("file: " << path);
    const std::string expected = expected_message(path);
    std::string actual = "<loaded without error>";
    try {
      nines::load_scenario(path);
    } catch (const nines::InputError& e) {
      actual = e.what();
    }
    CHECK(actual == expected);
  }
}
