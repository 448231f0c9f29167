// The part of `nines run --json` every model kind shares (README, "JSON output"): the start of
// the document, the scenario's identity, the output and the "run" object.
#include "nines/report/run_json.hpp"

#include <catch2/catch.hpp>

#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"
#include "support/json_value.hpp"

using nines::RunInfo;

namespace {

std::string document(const RunInfo& info, const char* unit, double elapsed,
                     const std::string& output, const std::string& text) {
  nines::Json doc = nines::begin_run_json("shop", "scenarios/shop.yaml", text, 2, output);
  doc["run"] = nines::run_json_object(info, unit, 2, elapsed);
  return nines::json_text(doc);
}

}  // namespace

TEST_CASE("run_json starts every run document alike", "[run_json]") {
  RunInfo info;
  info.seed = 42;
  info.requests = 1000;
  const auto parsed =
      nines::test::parse_json(document(info, "requests", 0.5, "run.h5", "name: shop\n"));
  REQUIRE(parsed);
  const auto& root = *parsed;
  CHECK(root.keys() == std::vector<std::string>{"schema_version", "command", "nines_version",
                                                "scenario", "output", "run"});
  CHECK(root["schema_version"].text == "nines-json/1");
  CHECK(root["command"].text == "run");
  CHECK(root["nines_version"].text == nines::kVersion);
  CHECK(root["scenario"].keys() == std::vector<std::string>{"name", "path", "sha256", "format"});
  CHECK(root["scenario"]["sha256"].text == nines::sha256_hex("name: shop\n"));
  CHECK(root["scenario"]["format"].number == 2);
  CHECK(root["output"].text == "run.h5");
  const auto& run = root["run"];
  CHECK(run.keys() == std::vector<std::string>{"seed", "requests", "record", "threads",
                                               "elapsed_seconds", "requests_per_second"});
  CHECK(run["requests"].number == 1000);
  CHECK(run["requests_per_second"].number == 2000);
}

TEST_CASE("run_json counts histories for time runs", "[run_json]") {
  RunInfo info;
  info.requests = 300;
  const auto parsed = nines::test::parse_json(document(info, "histories", 2, "", "x"));
  REQUIRE(parsed);
  CHECK((*parsed)["run"]["histories"].number == 300);
  CHECK((*parsed)["run"]["histories_per_second"].number == 150);
  CHECK_FALSE((*parsed)["run"].has("requests"));
}

TEST_CASE("run_json writes null for an unknown time, no file and no text", "[run_json]") {
  RunInfo info;
  info.requests = 10;
  const auto parsed = nines::test::parse_json(document(info, "requests", 0, "", ""));
  REQUIRE(parsed);
  CHECK((*parsed)["scenario"]["sha256"].is_null());
  CHECK((*parsed)["run"]["elapsed_seconds"].is_null());
  CHECK((*parsed)["run"]["requests_per_second"].is_null());
  CHECK((*parsed)["output"].is_null());
}
