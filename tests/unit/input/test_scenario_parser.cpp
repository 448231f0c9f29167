#include <string>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/input/scenario_parser.hpp"

using nines::parse_scenario;

namespace {

std::string with_components(const std::string& components) {
  return "format_version: 1\nname: demo\ncomponents:\n" + components;
}

double reliability_of(const std::string& text) {
  return parse_scenario(with_components("  - name: a\n    reliability: " + text + "\n"), "t.yaml")
      .components.at(0)
      .reliability;
}

// The message of the InputError that parsing `yaml` throws, or "<parsed>".
std::string error_of(const std::string& yaml) {
  try {
    parse_scenario(yaml, "t.yaml");
  } catch (const nines::InputError& e) {
    return e.what();
  }
  return "<parsed>";
}

}  // namespace

TEST_CASE("a full scenario parses into the model", "[scenario]") {
  const std::string yaml =
      "format_version: 1\n"
      "name: seed-app.v2\n"
      "description: >\n"
      "  two parts\n"
      "  in a row\n"
      "run:\n"
      "  requests: 10M\n"
      "  seed: 0x7E5\n"
      "components:\n"
      "  - name: load_balancer\n"
      "    reliability: 0.9995\n"
      "    description: first hop\n"
      "  - name: API\n"
      "    reliability: \"99.9%\"\n";
  const nines::Scenario s = parse_scenario(yaml, "mem.yaml");
  CHECK(s.format_version == 1);
  CHECK(s.name == "seed-app.v2");
  CHECK(s.description == "two parts in a row");  // the folded block's final newline is dropped
  CHECK(s.defaults.requests == 10000000u);
  CHECK(s.defaults.seed == 2021u);
  REQUIRE(s.components.size() == 2);
  CHECK(s.components[0].name == "load_balancer");
  CHECK(s.components[0].reliability == 0.9995);
  CHECK(s.components[0].description == "first hop");
  CHECK(s.components[1].name == "API");
  CHECK(s.components[1].reliability == 0.999);
  CHECK(s.components[1].description.empty());
  CHECK(s.source_path == "mem.yaml");
  CHECK(s.source_text == yaml);
}

TEST_CASE("run and descriptions are optional", "[scenario]") {
  const auto s = parse_scenario(with_components("  - {name: a, reliability: 1}\n"), "t.yaml");
  CHECK_FALSE(s.defaults.requests);
  CHECK_FALSE(s.defaults.seed);
  CHECK(s.description.empty());
  const auto t = parse_scenario(
      "format_version: 1\nname: x\ndescription:\nrun:\ncomponents: [{name: a, reliability: 0}]\n",
      "t.yaml");
  CHECK(t.description.empty());
  CHECK_FALSE(t.defaults.requests);
  CHECK(t.components.at(0).reliability == 0.0);
}

TEST_CASE("reliabilities are read exactly from the text", "[scenario]") {
  CHECK(reliability_of("1") == 1.0);
  CHECK(reliability_of("0") == 0.0);
  CHECK(reliability_of("1.0") == 1.0);
  CHECK(reliability_of("0.999") == 0.999);
  CHECK(reliability_of(".5") == 0.5);
  CHECK(reliability_of("1e-3") == 0.001);
  CHECK(reliability_of("\"0.25\"") == 0.25);
  CHECK(reliability_of("\"100%\"") == 1.0);
  CHECK(reliability_of("0%") == 0.0);
  CHECK(reliability_of("\"99.95%\"") == 0.9995);
  CHECK(reliability_of("\"99.99966%\"") == 0.9999966);
  CHECK(reliability_of("-0") == 0.0);
  // 99.07 / 100 rounds twice and lands one ulp away from 0.9907; the parser must not.
  CHECK(reliability_of("\"99.07%\"") == 0.9907);
  CHECK(99.07 / 100 != 0.9907);
}

TEST_CASE("reliabilities that are not probabilities", "[scenario]") {
  const auto message = [](const std::string& text) {
    try {
      reliability_of(text);
    } catch (const nines::InputError& e) {
      return e.message();
    }
    return std::string("<parsed>");
  };
  const std::string hint = "; write a probability such as 0.999 or a percentage such as \"99.9%\"";
  const std::string path = "components[0].reliability: ";
  CHECK(message("nan") == path + "\"nan\" is not a number (NaN)" + hint);
  CHECK(message(".NaN") == path + "\".NaN\" is not a number (NaN)" + hint);
  CHECK(message("-.inf") == path + "\"-.inf\" is infinite" + hint);
  CHECK(message("infinity") == path + "\"infinity\" is infinite" + hint);
  CHECK(message("1e-400") == path + "\"1e-400\" is too small or too large to represent" + hint);
  CHECK(message("1.0000001") == path + "\"1.0000001\" is outside [0, 1]" + hint);
  CHECK(message("\"100.1%\"") == path + "\"100.1%\" is outside [0%, 100%]" + hint);
  CHECK(message("\"%\"") == path + "\"%\" is not a number" + hint);
  CHECK(message("\"1e-3%\"") == path + "\"1e-3%\" is not a number" + hint);
  CHECK(message("+0.5") == path + "\"+0.5\" is not a number" + hint);
  CHECK(message("0x1") == path + "\"0x1\" is not a number" + hint);
  CHECK(message("\" 0.5\"") == path + "\" 0.5\" is not a number" + hint);
  CHECK(message("{a: 1}") == path + "found a mapping" + hint);
}

TEST_CASE("errors carry file and line and column and the offending value", "[scenario]") {
  try {
    parse_scenario(with_components("  - name: a\n    reliability: 1.5\n"), "t.yaml");
    FAIL("no error");
  } catch (const nines::InputError& e) {
    CHECK(e.where().file == "t.yaml");
    CHECK(e.where().line == 5);
    CHECK(e.where().column == 18);
    CHECK(e.message() ==
          "components[0].reliability: \"1.5\" is outside [0, 1]; write a probability such as "
          "0.999 or a percentage such as \"99.9%\"");
  }
}

TEST_CASE("unknown keys suggest the closest known one", "[scenario]") {
  const std::string top = " (valid keys: format_version, name, description, run, components)";
  CHECK(error_of("format_version: 1\nnmae: x\n") ==
        "t.yaml:2:1: unknown key \"nmae\"; did you mean \"name\"?" + top);
  CHECK(error_of("format_version: 1\ndesc: x\n") ==
        "t.yaml:2:1: unknown key \"desc\"; did you mean \"description\"?" + top);
  CHECK(error_of("format_version: 1\nName: x\n") ==
        "t.yaml:2:1: unknown key \"Name\"; did you mean \"name\"?" + top);
  CHECK(error_of("format_version: 1\nfoo: x\n") ==
        "t.yaml:2:1: unknown key \"foo\"; valid keys are format_version, name, description, run, "
        "components");
  CHECK(error_of("format_version: 1\nrun: {requets: 5}\n") ==
        "t.yaml:2:7: run: unknown key \"requets\"; did you mean \"requests\"? (valid keys: "
        "requests, seed)");
}

TEST_CASE("structural errors", "[scenario]") {
  CHECK(error_of("") ==
        "t.yaml: the file has no YAML content; a scenario needs format_version, name and "
        "components");
  CHECK(error_of("format_version: 1\nname: x\nrun: {seed: 1, seed: 2}\n") ==
        "t.yaml:3:16: run: key \"seed\" appears twice (first at line 3); keep only one of them");
  CHECK(error_of("format_version: 1\n? [a]\n: 1\n") ==
        "t.yaml:2:3: a key is a list; keys are plain names: format_version, name, description, "
        "run, components");
  CHECK(error_of("format_version: 1\nname: x\ndescription: [a]\ncomponents: []\n") ==
        "t.yaml:3:14: description: found a list; write plain text, quoted if it contains ': ' "
        "or ' #'");
  // The version is checked first: a future file's other keys would only confuse the reader.
  CHECK(error_of("newkey: 1\nformat_version: 4\n") ==
        "t.yaml:2:17: format_version: \"4\" is not supported; write format_version: 1 (a chain "
        "of components), 2 (request kinds over structures) or 3 (outages over time)");
  // Otherwise the first problem in the file is the one reported.
  CHECK(error_of("format_version: 1\nname: a b\ncolour: red\n").starts_with("t.yaml:2:7: name:"));
}

TEST_CASE("load_scenario reads the file verbatim and reports unreadable paths", "[scenario]") {
  const std::string path = NINES_SOURCE_DIR "/scenarios/seed-app.yaml";
  const auto s = nines::load_scenario(path);
  CHECK(s.source_path == path);
  CHECK(s.source_text.starts_with("# seed-app"));
  CHECK(s.name == "seed-app");

  // A path the user can fix is an input problem (exit code 2), with the path first.
  const std::string missing = NINES_SOURCE_DIR "/tests/invalid/no-such-file.yaml";
  CHECK_THROWS_MATCHES(nines::load_scenario(missing), nines::InputError,
                       Catch::Matchers::Message(
                           missing + ": cannot read the scenario file: No such file or directory"));
  CHECK_THROWS_MATCHES(
      nines::load_scenario(NINES_SOURCE_DIR "/tests"), nines::InputError,
      Catch::Matchers::Message(NINES_SOURCE_DIR
                               "/tests: cannot read the scenario file: Is a directory"));
}

TEST_CASE("a chain lists at most kMaxChainComponents components, just under and just over",
          "[scenario][limits]") {
  static_assert(nines::kMaxChainComponents == 100'000);
  std::string text = "format_version: 1\nname: long\ncomponents:\n";
  for (int i = 0; i < 100'000; ++i)
    text += "  - {name: c" + std::to_string(i) + ", reliability: 0.9}\n";
  CHECK(nines::parse_scenario(text, "t.yaml").components.size() == 100'000);
  CHECK(error_of(text + "  - {name: one-more, reliability: 0.9}\n") ==
        "t.yaml:4:3: components: 100001 components are listed; list at most 100000");
}

TEST_CASE("a UTF-8 byte-order mark is dropped from the text kept with the results", "[scenario]") {
  const std::string text =
      "format_version: 1\nname: x\ncomponents:\n  - {name: a, reliability: 1}\n";
  const auto s = nines::parse_scenario("\xEF\xBB\xBF" + text, "t.yaml");
  CHECK(s.source_text == text);
  CHECK(s.name == "x");
}
