// The part of `--json` every model kind shares: the scenario's identity, the "run" object, and
// the places where each kind adds its own fields.
#include "nines/report/run_json.hpp"

#include <catch2/catch.hpp>

#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"
#include "support/json_value.hpp"

using nines::JsonWriter;
using nines::RunInfo;

namespace {

std::string document(const RunInfo& info, double elapsed, const std::string& output,
                     const std::string& text) {
  JsonWriter json;
  nines::begin_run_json(json, "shop", "scenarios/shop.yaml", text,
                        [](JsonWriter& out) { out.field("format_version", 2); });
  nines::write_run_json(json, info, 2, elapsed, output,
                        [](JsonWriter& out) { out.field("kernel", "structure"); });
  json.end_object();
  return json.str();
}

}  // namespace

TEST_CASE("run_json writes the scenario and run objects with the kind's fields in place",
          "[run_json]") {
  RunInfo info;
  info.seed = 42;
  info.requests = 1000;
  const auto parsed = nines::test::parse_json(document(info, 0.5, "run.h5", "name: shop\n"));
  REQUIRE(parsed);
  const auto& root = *parsed;
  CHECK(root.keys() == std::vector<std::string>{"nines_version", "scenario", "run"});
  CHECK(root["nines_version"].text == nines::kVersion);
  CHECK(root["scenario"].keys() ==
        std::vector<std::string>{"name", "path", "sha256", "format_version"});
  CHECK(root["scenario"]["sha256"].text == nines::sha256_hex("name: shop\n"));
  const auto& run = root["run"];
  CHECK(run.keys() == std::vector<std::string>{"seed", "requests", "record", "sampler", "kernel",
                                               "threads", "elapsed_seconds", "requests_per_second",
                                               "output"});
  CHECK(run["requests"].number == 1000);
  CHECK(run["requests_per_second"].number == 2000);
  CHECK(run["output"].text == "run.h5");
}

TEST_CASE("run_json writes null for an unknown time, no file and no sha256 without text",
          "[run_json]") {
  RunInfo info;
  info.requests = 10;
  const auto parsed = nines::test::parse_json(document(info, 0, "", ""));
  REQUIRE(parsed);
  CHECK_FALSE((*parsed)["scenario"].has("sha256"));
  CHECK((*parsed)["run"]["elapsed_seconds"].is_null());
  CHECK((*parsed)["run"]["requests_per_second"].is_null());
  CHECK((*parsed)["run"]["output"].is_null());
}
