// The error types: where a problem sits (SourceLocation) and how an InputError reads.
#include "nines/base/error.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <type_traits>

using nines::InputError;
using nines::SourceLocation;

TEST_CASE("SourceLocation says as much as is known", "[error]") {
  CHECK(SourceLocation{"shop.yaml", 10, 18}.to_string() == "shop.yaml:10:18");
  CHECK(SourceLocation{"shop.yaml", 10, 0}.to_string() == "shop.yaml:10");
  CHECK(SourceLocation{"shop.yaml", 0, 0}.to_string() == "shop.yaml");
  // A column without a line is meaningless and left out.
  CHECK(SourceLocation{"shop.yaml", 0, 7}.to_string() == "shop.yaml");
  CHECK(SourceLocation{}.to_string().empty());
  // Negative values count as unknown, like 0.
  CHECK(SourceLocation{"f", -1, 3}.to_string() == "f");
}

TEST_CASE("InputError prefixes its message with the location", "[error]") {
  const InputError located({"bad.yaml", 10, 18},
                           "components[2].reliability: \"1.5\" is outside [0, 1]");
  CHECK(std::string(located.what()) ==
        "bad.yaml:10:18: components[2].reliability: \"1.5\" is outside [0, 1]");
  CHECK(located.message() == "components[2].reliability: \"1.5\" is outside [0, 1]");
  CHECK(located.where().file == "bad.yaml");
  CHECK(located.where().line == 10);
  CHECK(located.where().column == 18);

  const InputError file_only({"bad.yaml", 0, 0}, "empty file");
  CHECK(std::string(file_only.what()) == "bad.yaml: empty file");

  // No location: what() is just the message.
  const InputError bare("--requests must be positive");
  CHECK(std::string(bare.what()) == "--requests must be positive");
  CHECK(bare.message() == "--requests must be positive");
  CHECK(bare.where().to_string().empty());
  const InputError unknown_location(SourceLocation{}, "no file");
  CHECK(std::string(unknown_location.what()) == "no file");
}

TEST_CASE("the error tree lets the CLI pick the exit code by type", "[error]") {
  static_assert(std::is_base_of_v<nines::Error, InputError>);
  static_assert(std::is_base_of_v<nines::Error, nines::IOError>);
  static_assert(std::is_base_of_v<std::runtime_error, nines::Error>);
  static_assert(!std::is_base_of_v<InputError, nines::IOError>);
  // Caught as the base, it keeps its message.
  try {
    throw nines::IOError("disk full");
  } catch (const nines::Error& e) {
    CHECK(std::string(e.what()) == "disk full");
    CHECK(dynamic_cast<const InputError*>(&e) == nullptr);
  }
  try {
    throw InputError({"a.yaml", 1, 1}, "bad");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) == "a.yaml:1:1: bad");
  }
}
