// Format-2 scenarios: what the parser builds from valid files, and every file in
// tests/invalid_v2/ rejected with the exact message on its first line ("# expect: ...",
// "{file}" standing for the path), loaded the way the CLI loads it (version peek first).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/input/scenario_parser.hpp"
#include "nines/input/structure_parser.hpp"

namespace {

std::string error_of(const std::string& text) {
  try {
    nines::parse_structure_model(text, "t.yaml");
  } catch (const nines::InputError& e) {
    return e.what();
  }
  return "<no error>";
}

std::string expected_message(const std::string& path) {
  std::ifstream in(path);
  std::string first_line;
  std::getline(in, first_line);
  const std::string marker = "# expect: ";
  if (first_line.rfind(marker, 0) != 0) return "<" + path + " has no '# expect: ' first line>";
  std::string expected = first_line.substr(marker.size());
  for (auto at = expected.find("{file}"); at != std::string::npos; at = expected.find("{file}"))
    expected.replace(at, 6, path);
  return expected;
}

}  // namespace

TEST_CASE("structure files: replicas, blocks, kinds and common causes", "[structure]") {
  const auto m = nines::parse_structure_model(R"(format_version: 2
name: shop
run: {requests: 5M, seed: 9}
components:
  - {name: lb, reliability: "99.99%"}
  - {name: api, reliability: 0.999, replicas: 3}
  - {name: db, reliability: 0.9995, replicas: 3, required: 2, retries: 1}
blocks:
  backend: [api, db]
request_kinds:
  - {name: browse, weight: 3, path: [lb, backend]}
  - {name: admin, weight: 1, retries: 2, path: {parallel: ["api[1]", db]}}
common_cause:
  - {name: zone-a, probability: 1e-4, takes_down: ["api[1]", "db[1]", lb]}
)",
                                              "t.yaml");
  CHECK(m.format_version == 2);
  CHECK(m.name == "shop");
  CHECK(*m.defaults.requests == 5'000'000);
  REQUIRE(m.components.size() == 7);
  CHECK(m.components[0].name == "lb");
  CHECK(m.components[0].reliability == 0.9999);
  CHECK(m.components[1].name == "api[1]");
  CHECK(m.components[3].name == "api[3]");
  CHECK(m.components[3].declaration == "api");
  CHECK(m.components[3].replica == 3);
  CHECK(m.components[6].name == "db[3]");
  CHECK(m.components[6].retries == 1);
  CHECK(m.declarations[2].required == 2);
  REQUIRE(m.kinds.size() == 2);
  const auto names = m.component_names();
  CHECK(nines::to_string(m.kinds[0].path, names) ==
        "series(lb, series(parallel(api[1], api[2], api[3]), 2-of-3(db[1], db[2], db[3])))");
  CHECK(nines::to_string(m.kinds[1].path, names) ==
        "parallel(api[1], 2-of-3(db[1], db[2], db[3]))");
  CHECK(m.kinds[1].retries == 2);
  CHECK(m.total_weight() == 4);
  REQUIRE(m.common_causes.size() == 1);
  CHECK(m.common_causes[0].takes_down == std::vector<std::uint32_t>{0, 1, 4});
}

TEST_CASE("a structure file without request_kinds is the chain of its components", "[structure]") {
  const auto m = nines::parse_structure_model(
      "format_version: 2\nname: c\ncomponents:\n  - {name: a, reliability: 0.9}\n"
      "  - {name: b, reliability: 0.8, replicas: 2}\n",
      "t.yaml");
  REQUIRE(m.kinds.size() == 1);
  CHECK(m.kinds[0].name == "request");
  CHECK(nines::to_string(m.kinds[0].path, m.component_names()) ==
        "series(a, parallel(b[1], b[2]))");
  const nines::StructureAnalytics a(m);
  CHECK(a.reliability() == Approx(0.9 * (1 - 0.2 * 0.2)).margin(1e-15));
}

TEST_CASE("the version peek routes files and keeps v1 messages", "[structure]") {
  CHECK(nines::peek_format_version("format_version: 2\nname: x\n", "t.yaml") == 2);
  CHECK(nines::peek_format_version("format_version: 1\n", "t.yaml") == 1);
  // No version: left to the chain parser, which reports it in its own order.
  CHECK(nines::peek_format_version("name: x\n", "t.yaml") == 1);
  CHECK(error_of("format_version: 1\nname: x\n") ==
        "t.yaml:1:17: format_version: \"1\" is a chain scenario, not a structure (format 2); read "
        "it with load_scenario (nines run and nines validate read both)");
}

TEST_CASE("every invalid structure is rejected with its expected message", "[structure][invalid]") {
  const std::string dir = NINES_SOURCE_DIR "/tests/invalid_v2/";
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() >= 20);
  for (const auto& name : names) {
    const std::string path = dir + name;
    INFO("file: " << path);
    std::string actual = "<loaded without error>";
    try {
      const std::string text = nines::read_scenario_file(path);
      if (nines::peek_format_version(text, path) == 2) {
        nines::parse_structure_model(text, path);
      } else {
        actual = "<routed to the chain parser>";
      }
    } catch (const nines::InputError& e) {
      actual = e.what();
    }
    CHECK(actual == expected_message(path));
  }
}

TEST_CASE("every shipped structure scenario loads, and the essay's figures hold", "[structure]") {
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(NINES_SOURCE_DIR "/scenarios")) {
    if (e.path().extension() != ".yaml") continue;
    const std::string path = e.path().string();
    if (nines::peek_format_version(nines::read_scenario_file(path), path) == 2)
      paths.push_back(path);
  }
  REQUIRE(paths.size() >= 3);
  for (const auto& path : paths) {
    INFO("file: " << path);
    CHECK_NOTHROW(nines::StructureAnalytics(nines::load_structure_model(path)));
  }
  // The header comment of essay-app-redundant.yaml quotes these.
  const auto m =
      nines::load_structure_model(NINES_SOURCE_DIR "/scenarios/essay-app-redundant.yaml");
  const nines::StructureAnalytics a(m);
  const double api = 1 - std::pow(1 - 0.999, 3);
  const double p = 0.9995, db = 3 * p * p - 2 * p * p * p;
  CHECK(api == Approx(0.999999999).epsilon(1e-12));
  CHECK(db == Approx(0.99999925).epsilon(1e-9));
  CHECK(a.reliability() ==
        Approx(0.995 * 0.9999 * api * db * 0.9995 * 0.999 * 0.998 * 0.995).epsilon(1e-12));
}
