// Sweep files -> SweepPlan: expansion order, parameter paths, seeds, and the exact message for
// every invalid sweep in tests/sweeps/invalid/ (first line "# expect: ...", where {file} is
// the path the file was loaded by and {dir} its directory with a trailing slash).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/input/sweep_parser.hpp"

namespace {

const std::string kSweeps = NINES_SOURCE_DIR "/tests/sweeps/";

nines::SweepPlan parse(const std::string& text) {
  return nines::parse_sweep(text, kSweeps + "inline.sweep.yaml");
}

std::string message_of(const std::string& text) {
  try {
    parse(text);
  } catch (const nines::InputError& e) {
    return e.what();
  }
  return "<no error>";
}

// A sweep over a structure base (written once per process, removed at exit) with `grid`
// under grid:.
nines::SweepPlan structure_sweep(const std::string& grid) {
  struct BaseDir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("nines-sweep-parser-" + std::to_string(::getpid()));
    BaseDir() {
      std::filesystem::create_directories(path);
      std::ofstream(path / "base.yaml") << R"(format_version: 2
name: b
components:
  - {name: api, reliability: 0.99, replicas: 2}
  - {name: db, reliability: 0.99, replicas: 2}
request_kinds:
  - {name: read, weight: 1, retries: 1, path: [api, db]}
  - {name: write, weight: 1, path: [db]}
common_cause:
  - {name: e1, probability: 0.1, takes_down: ["api[1]"]}
  - {name: e2, probability: 0.1, takes_down: ["db[1]"]}
)";
    }
    ~BaseDir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const BaseDir dir;
  return nines::parse_sweep(
      "format_version: 1\nkind: sweep\nname: s\nbase: base.yaml\ngrid:\n" + grid,
      (dir.path / "s.sweep.yaml").string());
}

}  // namespace

TEST_CASE("grid axes expand in file order, first slowest, replications innermost", "[sweep]") {
  const auto plan = parse(R"(format_version: 1
kind: sweep
name: g
base: base.yaml
grid:
  components[api].reliability: [0.9, "99%"]
  run.requests: [1000, 2000, 3000]
replications: 2
)");
  REQUIRE(plan.points.size() == 12);
  REQUIRE(plan.parameters.size() == 2);
  CHECK(plan.parameters[0].path == "components[api].reliability");
  CHECK(plan.parameters[1].is_integer());
  CHECK(plan.points[0].components[0].reliability == 0.9);
  CHECK(plan.points[0].requests == 1000);
  CHECK(plan.points[1].replication == 1);
  CHECK(plan.points[2].requests == 2000);
  CHECK(plan.points[6].components[0].reliability == 0.99);  // "99%" is the double nearest 0.99
  CHECK(plan.points[11].requests == 3000);
  // Other components keep the base's values; the base's run.seed applies.
  CHECK(plan.points[5].components[1].reliability == 0.999);
  CHECK(plan.points[0].seed == 42);
  CHECK(plan.points[1].seed == nines::replication_seed(42, 1));
  CHECK(plan.points[1].seed != 42);
  CHECK(plan.base_kind == "base");
  CHECK_FALSE(plan.base_text.empty());
}

TEST_CASE("zip pairs lists, and components-star and indices address components", "[sweep]") {
  const auto plan = parse(R"(format_version: 1
kind: sweep
name: z
base: base.yaml
run: {requests: 5k, seed: 0x10}
zip:
  components[*].reliability: [0.5, 0.6]
  run.seed: [1, 2]
)");
  REQUIRE(plan.points.size() == 2);  // both lists form one axis
  CHECK(plan.points[1].seed == 2);
  CHECK(plan.points[1].requests == 5000);
  for (const auto& c : plan.points[1].components) CHECK(c.reliability == 0.6);
}

TEST_CASE("a chain generator makes N identical components c1..cN", "[sweep]") {
  const auto plan = parse(R"(format_version: 1
kind: sweep
name: chain
chain: {reliability: "99.99966%"}
run: {requests: 10, seed: 7}
seeds: per-point
grid:
  chain.count: {from: 1, to: 9, step: 4}
)");
  REQUIRE(plan.points.size() == 3);
  CHECK(plan.points[2].components.size() == 9);
  CHECK(plan.points[2].components[8].name == "c9");
  CHECK(plan.points[1].components[0].reliability == 0.9999966);
  CHECK(plan.points[0].seed == 7);  // point 0: the seed itself
  CHECK(plan.points[1].seed == nines::replication_seed(7, 1));
  CHECK(plan.points[2].seed == nines::replication_seed(7, 2));
}

TEST_CASE("an inline scenario is read by the scenario parser", "[sweep]") {
  const auto plan = parse(R"(format_version: 1
kind: sweep
name: inline
scenario:
  components:
    - name: a
      reliability: 0.9
    - name: b
      reliability: 99%
  run: {requests: 77}
grid:
  components[b].reliability: [0.5]
)");
  REQUIRE(plan.points.size() == 1);
  CHECK(plan.points[0].requests == 77);
  CHECK(plan.points[0].components[1].reliability == 0.5);
  CHECK(plan.base_kind == "scenario");
}

TEST_CASE("replication seeds are SplitMix64 outputs (known answers)", "[sweep]") {
  CHECK(nines::replication_seed(12345, 0) == 12345);
  // SplitMix64 started at 0: the first outputs of the reference generator (Vigna).
  CHECK(nines::replication_seed(0, 1) == 0xE220A8397B1DCDAFull);
  CHECK(nines::replication_seed(0, 2) == 0x6E789E6AA1B965F4ull);
}

TEST_CASE("the fingerprint covers the sweep text and the base scenario", "[sweep]") {
  const std::string text = "format_version: 1\nkind: sweep\nname: f\nbase: base.yaml\n";
  const auto a = parse(text);
  const auto b = parse(text + "# a comment changes the text\n");
  CHECK(a.fingerprint() != b.fingerprint());
  CHECK(a.fingerprint() == parse(text).fingerprint());
}

TEST_CASE("overlapping parameters are refused", "[sweep]") {
  CHECK_THAT(message_of("format_version: 1\nkind: sweep\nname: f\nbase: base.yaml\nzip:\n"
                        "  components[*].reliability: [0.5]\n  components[2].reliability: [0.7]\n"),
             Catch::Contains("sets the same value as"));
  CHECK_THAT(
      message_of("format_version: 1\nkind: sweep\nname: f\nbase: base.yaml\ngrid:\n"
                 "  components[api].reliability: [0.5]\n  components[0].reliability: [0.7]\n"),
      Catch::Contains("sets the same value as"));
}

TEST_CASE("structure parameters of different components, kinds or events are distinct", "[sweep]") {
  CHECK(structure_sweep("  components[api].replicas: [1, 2]\n  components[db].replicas: [2, 3]\n")
            .points.size() == 4);
  CHECK(structure_sweep("  components[api].retries: [0, 1]\n  components[db].retries: [0, 1]\n")
            .points.size() == 4);
  CHECK(structure_sweep(
            "  request_kinds[read].weight: [1, 2]\n  request_kinds[write].weight: [1, 3]\n")
            .points.size() == 4);
  CHECK(structure_sweep(
            "  common_cause[e1].probability: [0, 0.5]\n  common_cause[e2].probability: [0.5]\n")
            .points.size() == 2);
  // The same one twice is still refused.
  CHECK_THROWS_WITH(
      structure_sweep("  components[db].replicas: [2]\n  components[1].replicas: [3]\n"),
      Catch::Contains("sets the same value as"));
}

TEST_CASE("a range of replicas or retries is bounded like a list of them", "[sweep]") {
  const auto plan = structure_sweep("  components[api].retries: {from: 0, to: 2}\n");
  REQUIRE(plan.points.size() == 3);
  CHECK(plan.points[0].values[0].integer == 0);
  CHECK(plan.points[2].values[0].integer == 2);
  CHECK_THROWS_WITH(structure_sweep("  components[api].replicas: {from: 1, to: 1001}\n"),
                    Catch::EndsWith("grid.components[api].replicas.to: \"1001\" is outside that "
                                    "range; write a whole number of replicas from 1 to 1000"));
  CHECK_THROWS_WITH(structure_sweep("  components[api].replicas: {from: 0, to: 2}\n"),
                    Catch::Contains("replicas.from: \"0\" is outside that range"));
  CHECK_THROWS_WITH(structure_sweep("  request_kinds[read].retries: {from: 0, to: 101}\n"),
                    Catch::Contains("retries.to: \"101\" is outside that range"));
}

TEST_CASE("every invalid sweep is rejected with its expected message", "[sweep]") {
  const std::string dir = kSweeps + "invalid/";
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() >= 15);
  for (const auto& name : names) {
    const std::string path = dir + name;
    std::ifstream in(path);
    std::string expected;
    std::getline(in, expected);
    const std::string marker = "# expect: ";
    REQUIRE(expected.rfind(marker, 0) == 0);
    expected.erase(0, marker.size());
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"{file}", path},
                                     std::pair<std::string, std::string>{"{dir}", dir}}) {
      for (auto at = expected.find(key); at != std::string::npos; at = expected.find(key))
        expected.replace(at, key.size(), value);
    }
    std::string actual = "<no error>";
    try {
      nines::load_sweep(path);
    } catch (const nines::InputError& e) {
      actual = e.what();
    }
    INFO("file: " << name);
    CHECK(actual == expected);
  }
}

TEST_CASE("the shipped sweeps load", "[sweep]") {
  for (const auto& entry : std::filesystem::directory_iterator(NINES_SOURCE_DIR "/scenarios")) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".sweep.yaml")) continue;
    INFO("file: " << name);
    CHECK_NOTHROW(nines::load_sweep(entry.path().string()));
  }
  const auto plan = nines::load_sweep(NINES_SOURCE_DIR "/scenarios/seed-spreadsheet.sweep.yaml");
  CHECK(plan.points.size() == 600);
}

TEST_CASE("the README's flow-style inline scenario is read, and its errors point into the sweep",
          "[sweep]") {
  // Issue 14: rejected as "end of map not found" while block style worked.
  const auto plan = parse(
      "format_version: 1\nkind: sweep\nname: s\n"
      "scenario: {components: [{name: a, reliability: 0.9}, {name: b, reliability: 0.8}]}\n"
      "grid:\n  components[a].reliability: [0.5, 0.6]\n");
  REQUIRE(plan.points.size() == 2);
  CHECK(plan.points[1].components[0].reliability == 0.6);
  CHECK(plan.points[1].components[1].reliability == 0.8);
  CHECK(plan.base_text ==
        "{components: [{name: a, reliability: 0.9}, {name: b, reliability: "
        "0.8}]}\n");
  const std::string file = kSweeps + "inline.sweep.yaml";
  CHECK(message_of("format_version: 1\nkind: sweep\nname: s\nscenario: {colour: red, "
                   "components: [{name: a, reliability: 0.9}]}\n") ==
        file +
            ":4:12: scenario: unknown key \"colour\"; valid keys are format_version, name, "
            "description, run, components");
  CHECK(message_of("format_version: 1\nkind: sweep\nname: s\nscenario:\n  name: x y\n"
                   "  components: [{name: a, reliability: 0.9}]\n") ==
        file +
            ":5:9: scenario.name: \"x y\" contains \" \"; use only letters, digits, '_', '.' "
            "and '-', at most 100 characters");
}

TEST_CASE("sweep sizes are counted before any point is built, just under and just over",
          "[sweep][limits]") {
  static_assert(nines::kMaxSweepPoints == 10'000'000);
  static_assert(nines::kMaxSweepComponentValues == 10'000'000);
  const std::string file = kSweeps + "size.sweep.yaml";
  const std::string head = "format_version: 1\nkind: sweep\nname: s\n";
  const auto size = [&](const std::string& text) {
    return nines::measure_sweep(head + text, file);
  };
  const auto error = [&](const std::string& text) {
    try {
      size(text);
    } catch (const nines::InputError& e) {
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  // Points: 1,000,000 replications times 10 seeds, then 11.
  const auto at_limit = size(
      "chain: {count: 1, reliability: 0.9}\nreplications: 1000000\ngrid:\n"
      "  run.seed: {from: 1, to: 10}\n");
  CHECK(at_limit.points == 10'000'000);
  CHECK(at_limit.component_values == 10'000'000);
  CHECK(error("chain: {count: 1, reliability: 0.9}\nreplications: 1000000\ngrid:\n"
              "  run.seed: {from: 1, to: 11}\n") ==
        file +
            ":7:13: grid.run.seed: with these values the sweep has more than 10000000 points "
            "(1000000 before them); split it into several sweeps or use fewer values");
  // Found by fuzz_sweep: a range is counted against the points before it is built (5,666,667
  // values took seconds to build only to be refused).
  CHECK(error("chain: {count: 1, reliability: 0.9}\nreplications: 1000000\ngrid:\n"
              "  run.seed: {from: 0, to: 05666666}\n")
            .starts_with(file + ":7:13: grid.run.seed: with these values the sweep has more"));
  // Zipped lists share one axis: each is bounded by the points before the zip.
  CHECK(size("chain: {count: 1, reliability: 0.9}\nreplications: 1000000\nzip:\n"
             "  run.seed: {from: 1, to: 10}\n  run.requests: {from: 1, to: 10}\n")
            .points == 10'000'000);
  CHECK(error("chain: {count: 1, reliability: 0.9}\nreplications: 1000000\nzip:\n"
              "  run.seed: {from: 1, to: 10}\n  run.requests: {from: 1, to: 11}\n")
            .starts_with(file + ":8:17: zip.run.requests: with these values the sweep has more"));
  // A range of 10,000,000 values, then one more.
  CHECK(size("chain: {count: 1, reliability: 0.9}\ngrid:\n  run.seed: {from: 1, to: 10000000}\n")
            .points == 10'000'000);
  CHECK(
      error("chain: {count: 1, reliability: 0.9}\ngrid:\n  run.seed: {from: 1, to: 10000001}\n")
          .ends_with("grid.run.seed: the range has more than 10000000 values; use a larger step"));
  // Component values: 100 points of 100,000 components, then 101.
  CHECK(size("chain: {count: 100000, reliability: 0.9}\nreplications: 100\n").component_values ==
        10'000'000);
  CHECK(error("chain: {count: 100000, reliability: 0.9}\nreplications: 101\n") ==
        file +
            ": the sweep has more than 10000000 component values (points times components); "
            "split it into several sweeps or use fewer values");
  // With chain.count swept, the counts along its axis are summed: (1 + 99,999) * 100, then 101.
  CHECK(size("chain: {reliability: 0.9}\nreplications: 100\ngrid:\n  chain.count: [1, 99999]\n")
            .component_values == 10'000'000);
  CHECK(error("chain: {reliability: 0.9}\nreplications: 101\ngrid:\n  chain.count: [1, 99999]\n")
            .find("more than 10000000 component values") != std::string::npos);
  // Replications: 1,000,000, then one more.
  CHECK(size("chain: {count: 1, reliability: 0.9}\nreplications: 1000000\n").points == 1'000'000);
  CHECK(error("chain: {count: 1, reliability: 0.9}\nreplications: 1000001\n")
            .ends_with("replications: \"1000001\" is more than 1000000; write a whole number of "
                       "replications from 1 to 1000000"));
}
