#include "nines/sweep/sweep_json.hpp"

#include <cmath>
#include <cstdint>
#include <utility>

#include "nines/base/sha256.hpp"
#include "nines/model/outage_model.hpp"

namespace nines {

Json sweep_scenario_json(const SweepPlan& plan) {
  Json scenario = json_scenario(plan.name, plan.source_path, plan.source_text, plan.format_version);
  Json base = Json::object();
  base["kind"] = plan.base_kind;
  base["format"] = plan.base_format;
  base["path"] = json_path_or_null(plan.base_path);
  base["sha256"] = plan.base_text.empty() ? Json(nullptr) : Json(sha256_hex(plan.base_text));
  scenario["base"] = std::move(base);
  return scenario;
}

std::string sweep_json(const SweepPlan& plan, const SweepJsonFacts& facts, Json points) {
  Json doc = json_document("sweep");
  doc["scenario"] = sweep_scenario_json(plan);
  doc["output"] = json_path_or_null(facts.output_path);

  // A time base's points count histories, a request base's requests (the /points columns).
  const bool time = plan.base_format == kTimeFormatVersion;
  std::uint64_t total = 0;
  for (const Json& p : points) total += p.value(time ? "histories" : "requests", std::uint64_t{0});
  const bool timed = facts.elapsed_seconds > 0;
  Json run = Json::object();
  run["points"] = plan.points.size();
  run["parameters"] = Json::array();
  for (const SweepParameter& p : plan.parameters) run["parameters"].push_back(p.path);
  run["replications"] = plan.replications;
  run[time ? "histories" : "requests"] = total;
  run["sampler"] = facts.sampler;
  run["record_requests"] = facts.record_requests;
  run["threads"] = facts.threads;
  run["elapsed_seconds"] = timed ? facts.elapsed_seconds : std::nan("");
  run[time ? "histories_per_second" : "requests_per_second"] =
      timed ? static_cast<double>(total) / facts.elapsed_seconds : std::nan("");
  doc["run"] = std::move(run);

  std::uint64_t done = 0, agreeing = 0;
  for (const Json& p : points) {
    done += p.value("done", false) ? 1 : 0;
    agreeing += p.value("agrees", false) ? 1 : 0;
  }
  const std::size_t n = points.size();
  doc["points"] = std::move(points);
  Json summary = Json::object();
  summary["points"] = n;
  summary["points_done"] = done;
  summary["points_agreeing"] = agreeing;
  summary["complete"] = done == n;
  // As a run's "agrees": every point's own verdict (each with its own family of tests).
  summary["agrees"] = done == n && agreeing == n;
  doc["summary"] = std::move(summary);
  return json_text(doc);
}

}  // namespace nines
