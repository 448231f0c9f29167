// The batched time kernel (OutagePlan::batched: every process runs on its own, so each one's
// transitions are generated ahead and merged by transition_order.hpp) against the timer heap it
// replaces: the same history, bit for bit, for every shape, detection delay, common-cause event,
// traffic profile, SLO window and path the format offers, in every record mode.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include "nines/exact/structure_analytics.hpp"
#include "nines/input/any_scenario.hpp"
#include "nines/sample/outage_simulator.hpp"

using namespace nines;

namespace {

StructureModel model_from_text(const std::string& name, const std::string& yaml) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() / (name + ".yaml");
  std::ofstream(path) << yaml;
  AnyScenario any = load_any_scenario(path.string());
  std::filesystem::remove(path);
  return std::get<StructureModel>(std::move(any));
}

void require_same(const HistoryResult& a, const HistoryResult& b) {
  // Exact comparison on purpose: the two ways must do the same arithmetic in the same order.
  CHECK(a.kind_downtime == b.kind_downtime);
  CHECK(a.kind_requests == b.kind_requests);
  CHECK(a.kind_failed == b.kind_failed);
  CHECK(a.kind_failed_outage == b.kind_failed_outage);
  CHECK(a.downtime == b.downtime);
  CHECK(a.outages == b.outages);
  CHECK(a.detect_time == b.detect_time);
  CHECK(a.repair_time == b.repair_time);
  CHECK(a.detected == b.detected);
  CHECK(a.repaired == b.repaired);
  CHECK(a.process_outages == b.process_outages);
  CHECK(a.process_downtime == b.process_downtime);
  CHECK(a.process_detect_time == b.process_detect_time);
  CHECK(a.process_repair_time == b.process_repair_time);
  CHECK(a.process_detected == b.process_detected);
  CHECK(a.process_repaired == b.process_repaired);
  CHECK(a.budget_time == b.budget_time);
  CHECK(a.budget_detection_time == b.budget_detection_time);
  CHECK(a.budget_requests == b.budget_requests);
  CHECK(a.day_requests == b.day_requests);
  CHECK(a.day_failed == b.day_failed);
  CHECK(a.day_downtime == b.day_downtime);
  CHECK(a.window_requests == b.window_requests);
  CHECK(a.window_failed == b.window_failed);
  CHECK(a.window_downtime == b.window_downtime);
  CHECK(a.window_met_time == b.window_met_time);
  CHECK(a.window_met_requests == b.window_met_requests);
  REQUIRE(a.outage_records.size() == b.outage_records.size());
  for (std::size_t i = 0; i < a.outage_records.size(); ++i) {
    const OutageRecord &x = a.outage_records[i], &y = b.outage_records[i];
    CHECK(x.process == y.process);
    CHECK(std::memcmp(&x.start, &y.start, 4 * sizeof(double) + sizeof(double)) == 0);
  }
  REQUIRE(a.request_records.size() == b.request_records.size());
  for (std::size_t i = 0; i < a.request_records.size(); ++i) {
    CHECK(a.request_records[i].time == b.request_records[i].time);
    CHECK(a.request_records[i].kind == b.request_records[i].kind);
    CHECK(a.request_records[i].culprit == b.request_records[i].culprit);
    CHECK(a.request_records[i].cause == b.request_records[i].cause);
  }
}

// Runs `histories` histories both ways, in each record mode, and requires them identical.
// Returns the outages seen, so a caller can check the model did something.
std::uint64_t require_batched_equals_heap(const StructureModel& model, std::uint32_t histories,
                                          bool record_requests = true) {
  const StructureAnalytics analytics(model);
  OutagePlan batched(model, analytics, 20261202);
  REQUIRE(batched.batched);
  OutagePlan heap = batched;
  heap.batched = false;
  OutageSimulator by_batches(batched), by_heap(heap);
  HistoryResult a, b;
  std::uint64_t outages = 0;
  for (std::uint32_t h = 0; h < histories; ++h) {
    const bool record = h % 2 == 0;
    const bool requests = record_requests && h % 4 == 0;
    by_batches.run(h, record, requests, a);
    by_heap.run(h, record, requests, b);
    require_same(a, b);
    outages += a.outages;
  }
  return outages;
}

const char* const kEveryShape = R"(format_version: 3
name: every-shape
time:
  horizon: 90d
  histories: 10
  start: START
  detection: {delay: {lognormal: {median: 5m, error_factor: 3}}}
  traffic:
    rate: 20/s
    hourly: [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.7, 1.0, 1.2, 1.3, 1.3,
             1.4, 1.3, 1.2, 1.2, 1.3, 1.5, 1.9, 2.2, 2.1, 1.6, 0.9, 0.4]
    daily: [0.9, 0.9, 0.95, 1.0, 1.1, 1.1, 1.05]
  slo: {target: 99.9%, window: 7d}
components:
  - {name: lb, reliability: 0.9999, outages: {every: 20d, repair: 20m}, detection: immediate}
  - name: api
    reliability: 0.999
    replicas: 3
    outages: {every: {weibull: {shape: 0.8, scale: 6d}}, repair: {fixed: 30m}}
  - name: cache
    reliability: 0.9995
    outages: {every: {gamma: {shape: 2, mean: 4d}}, repair: {lognormal: {median: 10m, error_factor: 4}}}
    detection: {delay: 2m}
  - name: db
    reliability: 0.9999
    replicas: 3
    required: 2
    outages: {every: {lognormal: {median: 5d, sigma: 0.6}}, repair: {gamma: {shape: 3, mean: 1h}}}
    detection: {delay: {exponential: 3m}}
  - {name: search, reliability: 0.999, outages: {every: 3d, repair: {weibull: {shape: 2, scale: 1h}}}}
common_cause:
  - {name: zone, every: 15d, lasts: {gamma: {shape: 4, mean: 2h}}, takes_down: ["api[1]", "db[1]"]}
  - {name: network, every: 30d, lasts: 20m, takes_down: [lb, search]}
request_kinds:
  - {name: read, weight: 70, path: [lb, api, cache]}
  - {name: write, weight: 25, retries: 1, path: [lb, api, db]}
  - {name: find, weight: 5, path: [lb, {parallel: [search, cache]}, {k_of_n: {k: 1, of: [db, api]}}]}
)";

std::string with_start(std::string text, const std::string& start) {
  text.replace(text.find("START"), 5, start);
  return text;
}

}  // namespace

TEST_CASE("batched histories equal the timer heap's for every shape, event and path") {
  for (const std::string start : {"fresh", "steady"}) {
    CAPTURE(start);
    const StructureModel m = model_from_text("every-shape", with_start(kEveryShape, start));
    CHECK(require_batched_equals_heap(m, 24) > 24 * 20);
  }
}

TEST_CASE("batched histories equal the timer heap's for a hundred busy components") {
  std::string text =
      "format_version: 3\nname: busy\ntime:\n  horizon: 60d\n  histories: 4\n  start: steady\n"
      "  detection: immediate\n  traffic: {rate: 5/s}\ncomponents:\n";
  for (int c = 0; c < 100; ++c)
    text += "  - {name: c" + std::to_string(c) +
            ", reliability: 0.9999, outages: {every: 24h, repair: 1h}}\n";
  const StructureModel m = model_from_text("busy", text);
  // Many transitions per batch and many at the same moment of the merged order.
  CHECK(require_batched_equals_heap(m, 4, false) > 4 * 100 * 50);
}

TEST_CASE("every shipped scenario whose processes run on their own is batched") {
  int batched = 0;
  for (const auto& e : std::filesystem::directory_iterator(NINES_SOURCE_DIR "/scenarios")) {
    if (e.path().extension() != ".yaml" || e.path().string().find(".sweep.") != std::string::npos)
      continue;
    AnyScenario any = load_any_scenario(e.path().string());
    auto* m = std::get_if<StructureModel>(&any);
    if (m == nullptr || !m->time) continue;
    const StructureAnalytics analytics(*m);
    if (!OutagePlan(*m, analytics, 1).batched) continue;
    CAPTURE(e.path().string());
    ++batched;
    require_batched_equals_heap(*m, 6, false);
  }
  CHECK(batched >= 2);  // zone outages over time, the shop's daily traffic
}
