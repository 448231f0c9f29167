// The examples in scenarios/ are documentation people copy from: they must always load.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/input/any_scenario.hpp"
#include "nines/input/scenario_parser.hpp"

TEST_CASE("every shipped scenario loads", "[shipped]") {
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(NINES_SOURCE_DIR "/scenarios")) {
    // Sweep files (*.sweep.yaml) are loaded by the sweep tests.
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".yaml" && !name.ends_with(".sweep.yaml"))
      paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  REQUIRE(paths.size() >= 3);
  for (const auto& path : paths) {
    INFO("file: " << path);
    // Every format, through the reader `nines validate` and `nines run` use; a format-3 file
    // (outages over time) is a structure with its time section.
    const int version = nines::peek_format_version(nines::read_scenario_file(path), path);
    nines::AnyScenario scenario;
    REQUIRE_NOTHROW(scenario = nines::load_any_scenario(path));
    if (version == 3) {
      const auto* model = std::get_if<nines::StructureModel>(&scenario);
      REQUIRE(model != nullptr);
      CHECK(model->time.has_value());
    }
  }
}

TEST_CASE("seed-app is the essay's eight-part app", "[shipped]") {
  const auto s = nines::load_scenario(NINES_SOURCE_DIR "/scenarios/seed-app.yaml");
  const std::vector<std::string> expected = {"mobile-client-app", "load-balancer", "api",
                                             "database",          "monitoring",    "alerting",
                                             "reporting",         "notifications"};
  std::vector<std::string> names;
  for (const auto& c : s.components) names.push_back(c.name);
  CHECK(names == expected);
  CHECK(s.defaults.requests == 10000000u);
  CHECK(s.defaults.seed == 2026u);
  double product = 1;
  for (const double r : s.reliabilities()) product *= r;
  // The figure quoted in the file's header comment.
  CHECK(product == Approx(0.98499).margin(5e-6));
}

TEST_CASE("six-sigma-parts is twenty parts at 99.99966%", "[shipped]") {
  const auto s = nines::load_scenario(NINES_SOURCE_DIR "/scenarios/six-sigma-parts.yaml");
  REQUIRE(s.components.size() == 20);
  for (const auto& c : s.components) CHECK(c.reliability == 0.9999966);
}
