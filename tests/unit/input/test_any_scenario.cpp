// parse_any_scenario: one load, routed by format_version, with each parser's own messages.
#include <string>
#include <variant>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/input/any_scenario.hpp"

TEST_CASE("parse_any_scenario routes by format_version", "[any_scenario]") {
  const auto chain = nines::parse_any_scenario(
      "format_version: 1\nname: c\ncomponents:\n  - {name: a, reliability: 0.9}\n", "t.yaml");
  REQUIRE(std::holds_alternative<nines::Scenario>(chain));
  CHECK(std::get<nines::Scenario>(chain).components.size() == 1);
  const auto structure = nines::parse_any_scenario(
      "\xEF\xBB\xBF"
      "format_version: 2\nname: s\ncomponents:\n  - {name: a, reliability: 0.9, replicas: 2}\n",
      "t.yaml");
  REQUIRE(std::holds_alternative<nines::StructureModel>(structure));
  const auto& model = std::get<nines::StructureModel>(structure);
  CHECK(model.components.size() == 2);
  CHECK(model.source_text.starts_with("format_version: 2"));
}

TEST_CASE("parse_any_scenario reports each format's problems in its words", "[any_scenario]") {
  const auto error_of = [](const std::string& text) {
    try {
      nines::parse_any_scenario(text, "t.yaml");
    } catch (const nines::InputError& e) {
      return std::string(e.what());
    }
    return std::string("<parsed>");
  };
  CHECK(error_of("format_version: 4\n") ==
        "t.yaml:1:17: format_version: \"4\" is not supported; write format_version: 1 (a chain "
        "of components), 2 (request kinds over structures) or 3 (outages over time)");
  CHECK(error_of("name: x\n") ==
        "t.yaml:1:1: missing required key \"format_version\"; required keys here are "
        "format_version, name, components");
  CHECK(error_of("format_version: 2\nname: x\ncomponents: [{name: a, reliability: 2}]\n") ==
        "t.yaml:3:37: components[0].reliability: \"2\" is outside [0, 1]; write a probability "
        "such as 0.999 or a percentage such as \"99.9%\"");
  CHECK(error_of(",") ==
        "t.yaml:1:1: YAML syntax error: unexpected \",\"; check the indentation, colons and quotes "
        "on this line and the one before it");
  CHECK_THROWS_MATCHES(
      nines::load_any_scenario(NINES_SOURCE_DIR "/no-such-file.yaml"), nines::InputError,
      Catch::Matchers::Message(NINES_SOURCE_DIR "/no-such-file.yaml: cannot read "
                                                "the scenario file: No such file or directory"));
}
