// Format-3 scenarios (structure_parser.cpp with time_fields.cpp): the time model parallel to
// the components and events, replicas inheriting their declaration's timing, detection needs
// and their cycles, and every file in tests/invalid_v3/ rejected with the exact message on its
// first line ("# expect: ...", "{file}" standing for the path), loaded as the CLI loads it.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/input_errors.hpp"
#include "nines/base/error.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/input/any_scenario.hpp"
#include "nines/input/scenario_parser.hpp"
#include "nines/input/structure_parser.hpp"

namespace {

const auto& error_of = nines::test::structure_error_of;
using nines::test::expected_message;

const std::string kApp = R"(format_version: 3
name: app
run: {seed: 2026}
time:
  horizon: 365d
  histories: 10k
  crews: 2
  detection: {delay: 5m, needs: [monitoring, alerting]}
  traffic: {rate: 300/s}
  slo: {target: 99.9%, window: 30d}
components:
  - {name: lb, reliability: 0.9999}
  - name: api
    reliability: 0.999
    replicas: 3
    outages: {every: 60d, repair: 30m}
  - name: db
    reliability: 0.9995
    replicas: 3
    required: 2
    outages:
      every: {weibull: {shape: 1.5, scale: 90d}}
      repair: {lognormal: {median: 45m, error_factor: 3}}
    detection: {delay: 2m, needs: [monitoring, "probe[2]"]}
  - name: monitoring
    reliability: 1
    outages: {every: 30d, repair: 1h}
    detection: immediate
  - name: alerting
    reliability: 1
    outages: {every: 45d, repair: 2h}
    detection: {delay: 10m, needs: [probe]}
  - {name: probe, reliability: 1, replicas: 2}
common_cause:
  - {name: zone-a, every: 180d, lasts: 4h, takes_down: ["api[1]", "db[1]"]}
  - {name: push, probability: 1e-5, takes_down: [lb]}
)";

}  // namespace

TEST_CASE("a format-3 file: the time model is parallel to the components and events",
          "[structure][time]") {
  const auto m = nines::parse_structure_model(kApp, "t.yaml");
  CHECK(m.format_version == 3);
  REQUIRE(m.time);
  const nines::TimeModel& t = *m.time;
  CHECK(t.horizon_seconds == 365 * 86400.0);
  CHECK(t.histories == 10'000);
  CHECK(t.crews == 2);
  CHECK(t.traffic.rate_per_second == 300);
  REQUIRE(t.slo);
  CHECK(t.slo->target == 0.999);
  CHECK(*m.defaults.seed == 2026);
  CHECK_FALSE(m.defaults.requests);

  // lb, api[1..3], db[1..3], monitoring, alerting, probe[1..2].
  REQUIRE(m.components.size() == 11);
  REQUIRE(t.components.size() == m.components.size());
  const auto names = m.component_names();
  CHECK_FALSE(t.components[0].outages);  // lb: no outages of its own
  CHECK(t.components[0].detection.immediate);
  // Every replica inherits its declaration's outages and detection.
  for (std::size_t c = 1; c <= 3; ++c) {
    INFO(names[c]);
    REQUIRE(t.components[c].outages);
    CHECK(t.components[c].outages->failure.shape == nines::DurationShape::exponential);
    CHECK(t.components[c].outages->failure.a == 60 * 86400.0);
    CHECK(t.components[c].outages->repair.a == 1800);
    // api takes the scenario default.
    CHECK_FALSE(t.components[c].detection.immediate);
    CHECK(t.components[c].detection.delay.a == 300);
    CHECK(nines::to_string(t.components[c].detection.needs, names) ==
          "series(monitoring, alerting)");
    CHECK(t.components[c].detection.needs_components == std::vector<std::uint32_t>{7, 8});
  }
  for (std::size_t c = 4; c <= 6; ++c) {
    INFO(names[c]);
    REQUIRE(t.components[c].outages);
    CHECK(t.components[c].outages->failure.shape == nines::DurationShape::weibull);
    CHECK(t.components[c].outages->repair.shape == nines::DurationShape::lognormal);
    CHECK(t.components[c].detection.delay.a == 120);
    CHECK(nines::to_string(t.components[c].detection.needs, names) ==
          "series(monitoring, probe[2])");
    CHECK(t.components[c].detection.needs_components == std::vector<std::uint32_t>{7, 10});
  }
  CHECK(t.components[7].detection.immediate);
  // A replicated declaration in needs contributes its block, as in a path.
  CHECK(nines::to_string(t.components[8].detection.needs, names) ==
        "series(parallel(probe[1], probe[2]))");
  CHECK(t.components[8].detection.needs_components == std::vector<std::uint32_t>{9, 10});
  CHECK_FALSE(t.components[9].outages);

  REQUIRE(t.events.size() == m.common_causes.size());
  REQUIRE(t.events[0]);
  CHECK(t.events[0]->failure.a == 180 * 86400.0);
  CHECK(t.events[0]->repair.a == 4 * 3600.0);
  CHECK(m.common_causes[0].probability == 0);
  CHECK(m.common_causes[0].takes_down == std::vector<std::uint32_t>{1, 4});
  CHECK_FALSE(t.events[1]);  // a per-request event keeps its probability
  CHECK(m.common_causes[1].probability == 1e-5);

  // The structure is format 2's: the exact engine reads it as ever.
  CHECK_NOTHROW(nines::StructureAnalytics(m));
  const auto any = nines::parse_any_scenario(kApp, "t.yaml");
  CHECK(std::get<nines::StructureModel>(any).time);
  CHECK(nines::peek_format_version(kApp, "t.yaml") == 3);
}

TEST_CASE("format 2 files have no time model", "[structure][time]") {
  const auto m = nines::parse_structure_model(
      "format_version: 2\nname: c\ncomponents:\n  - {name: a, reliability: 0.9}\n", "t.yaml");
  CHECK(m.format_version == 2);
  CHECK_FALSE(m.time);
}

TEST_CASE("detection needs may chain without cycles, and may name components without outages",
          "[structure][time]") {
  // a -> b -> c (c immediate), d -> c: a chain and a shared target are fine.
  const auto m = nines::parse_structure_model(R"(format_version: 3
name: chain
time: {horizon: 30d, histories: 1}
components:
  - {name: a, reliability: 1, outages: {every: 1d, repair: 1h}, detection: {delay: 1m, needs: [b]}}
  - {name: b, reliability: 1, outages: {every: 1d, repair: 1h}, detection: {delay: 1m, needs: [c, e]}}
  - {name: c, reliability: 1, outages: {every: 1d, repair: 1h}}
  - {name: d, reliability: 1, outages: {every: 1d, repair: 1h}, detection: {delay: 1m, needs: [c]}}
  - {name: e, reliability: 1}
)",
                                              "t.yaml");
  REQUIRE(m.time);
  CHECK(m.time->components[1].detection.needs_components == std::vector<std::uint32_t>{2, 4});
  CHECK(m.time->components[2].detection.immediate);  // the default default: immediate
}

TEST_CASE("detection cycles are named, through replicas and long chains", "[structure][time]") {
  std::string text =
      "format_version: 3\nname: ring\ntime: {horizon: 30d, histories: 1}\ncomponents:\n";
  for (int i = 0; i < 6; ++i) {
    text += "  - {name: c" + std::to_string(i) +
            ", reliability: 1, outages: {every: 1d, repair: 1h}, detection: {delay: 1m, needs: [c" +
            std::to_string((i + 1) % 6) + "]}}\n";
  }
  CHECK(error_of(text) ==
        "t.yaml:10:97: components[5].detection.needs[0]: \"c0\" closes a detection cycle (c0 -> "
        "c1 -> c2 -> c3 -> c4 -> c5 -> c0); an outage's detection cannot wait for a component "
        "whose own detection waits for it; remove one of these needs");
}

TEST_CASE("every invalid format-3 file is rejected with its expected message",
          "[structure][time][invalid]") {
  const std::string dir = NINES_SOURCE_DIR "/tests/invalid_v3/";
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() >= 50);
  for (const auto& name : names) {
    const std::string path = dir + name;
    INFO("file: " << path);
    std::string actual = "<loaded without error>";
    try {
      nines::load_any_scenario(path);
    } catch (const nines::InputError& e) {
      actual = e.what();
    }
    CHECK(actual == expected_message(path));
  }
}
