#include <algorithm>
#include <cstdio>
#include <string>
#include <variant>

#include "cli_options.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "nines/base/error.hpp"
#include "nines/base/json_document.hpp"
#include "nines/base/number_format.hpp"
#include "nines/exact/chain_analytics.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/input/any_scenario.hpp"
#include "nines/input/sweep_parser.hpp"
#include "nines/sweep/sweep_json.hpp"

namespace nines::cli {
namespace {

// Format 3: what the structure line leaves out, on a line of its own.
void print_time(const TimeModel& time) {
  const auto with_outages = std::count_if(time.components.begin(), time.components.end(),
                                          [](const ComponentTiming& c) { return c.outages; });
  const auto timed_events = std::count_if(time.events.begin(), time.events.end(),
                                          [](const auto& e) { return e.has_value(); });
  const std::string repair = time.crews == 0 ? std::string("independent repair")
                                             : std::to_string(time.crews) + " repair crews";
  std::printf(
      "  over time: horizon %s, %llu histories, %td of %zu components with outages, %td "
      "common-cause events over time, %s\n",
      number_format::duration_unit(time.horizon_seconds).c_str(),
      static_cast<unsigned long long>(time.histories), with_outages, time.components.size(),
      timed_events, repair.c_str());
  if (time.slo || !time.slos.empty() || !time.alerting.empty()) {
    const auto by_alert =
        std::count_if(time.components.begin(), time.components.end(),
                      [](const ComponentTiming& c) { return c.outages && c.detection.by_alert(); });
    std::printf(
        "  objectives: %s, %zu SLOs in time.slos, %zu alert policies, %td components "
        "detected by alert\n",
        time.slo ? "an SLO (time.slo)" : "no time.slo", time.slos.size(), time.alerting.size(),
        by_alert);
  }
}

// --json: what the one-line description says, as numbers (README, "JSON output").
Json time_json(const TimeModel& time) {
  Json out = Json::object();
  out["horizon_seconds"] = time.horizon_seconds;
  out["histories"] = time.histories;
  out["components_with_outages"] =
      std::count_if(time.components.begin(), time.components.end(),
                    [](const ComponentTiming& c) { return c.outages; });
  out["common_causes_over_time"] = std::count_if(time.events.begin(), time.events.end(),
                                                 [](const auto& e) { return e.has_value(); });
  out["crews"] = time.crews;
  out["slo"] = time.slo.has_value();
  out["slos"] = time.slos.size();
  out["alert_policies"] = time.alerting.size();
  out["detected_by_alert"] =
      std::count_if(time.components.begin(), time.components.end(),
                    [](const ComponentTiming& c) { return c.outages && c.detection.by_alert(); });
  return out;
}

Json reliability_json(double reliability) {
  Json service = Json::object();
  service["reliability_analytic"] = reliability;
  return service;
}

// The document of a valid file: its identity under "scenario" and its counts under "summary".
Json valid_json(const std::string& path) {
  Json doc = json_document("validate");
  Json summary = Json::object();
  if (is_sweep_file(path)) {
    const SweepPlan plan = load_sweep(path);
    doc["scenario"] = sweep_scenario_json(plan);
    summary["parameters"] = plan.parameters.size();
    summary["points"] = plan.points.size();
    summary["replications"] = plan.replications;
  } else {
    const AnyScenario scenario = load_any_scenario(path);
    if (const auto* model = std::get_if<StructureModel>(&scenario)) {
      const StructureAnalytics analytics(*model, &install_interrupt_handlers());
      doc["scenario"] = json_scenario(model->name, path, model->source_text, model->format_version);
      summary["components"] = model->components.size();
      summary["declarations"] = model->declarations.size();
      summary["kinds"] = model->kinds.size();
      summary["common_causes"] = model->common_causes.size();
      summary["service"] = reliability_json(analytics.reliability());
      if (model->time) summary["time"] = time_json(*model->time);
    } else {
      const Scenario& chain = std::get<Scenario>(scenario);
      const ChainAnalytics analytics(chain.reliabilities());
      doc["scenario"] = json_scenario(chain.name, path, chain.source_text, chain.format_version);
      summary["components"] = chain.components.size();
      summary["service"] = reliability_json(analytics.reliability());
    }
  }
  doc["output"] = nullptr;
  doc["valid"] = true;
  doc["errors"] = Json::array();
  doc["summary"] = std::move(summary);
  return doc;
}

// The document of an invalid file: the problem with its place (null when not known).
Json invalid_json(const std::string& path, const InputError& e) {
  Json doc = json_document("validate");
  Json scenario = Json::object();
  scenario["name"] = nullptr;
  scenario["path"] = path;
  scenario["sha256"] = nullptr;
  scenario["format"] = nullptr;
  doc["scenario"] = std::move(scenario);
  doc["output"] = nullptr;
  doc["valid"] = false;
  const SourceLocation& where = e.where();
  Json error = Json::object();
  error["file"] = where.file.empty() ? path : where.file;
  error["line"] = where.line > 0 ? Json(where.line) : Json(nullptr);
  error["column"] = where.column > 0 ? Json(where.column) : Json(nullptr);
  error["message"] = e.message();
  doc["errors"] = Json::array({std::move(error)});
  doc["summary"] = Json::object();
  return doc;
}

}  // namespace

// Reads the file once, through the same parsers as `nines run`, so that whatever validate
// accepts, run accepts too (encodings and limits included).
int validate_command(const std::vector<std::string>& args) {
  const ValidateOptions options = parse_validate_options(args);
  if (options.help) {
    std::fputs(command_help("validate").c_str(), stdout);
    return 0;
  }
  const std::string& path = options.scenario_path;
  if (options.json) {
    // The same checks; the errors go into the document (and to stderr, as without --json),
    // and the exit code is the same.
    try {
      const Json doc = valid_json(path);
      std::puts(json_text(doc).c_str());
      return 0;
    } catch (const InputError& e) {
      std::puts(json_text(invalid_json(path, e)).c_str());
      throw;
    }
  }
  if (is_sweep_file(path)) {
    // The same parser as `nines sweep`: the base and every point's values are checked.
    const SweepPlan plan = load_sweep(path);
    std::printf("%s: valid sweep '%s' (format %d): %zu parameters, %zu points, a format-%d %s\n",
                path.c_str(), plan.name.c_str(), plan.format_version, plan.parameters.size(),
                plan.points.size(), plan.base_format,
                plan.base_path.empty() ? "inline scenario" : ("base " + plan.base_path).c_str());
    return 0;
  }
  const AnyScenario scenario = load_any_scenario(path);
  if (const auto* model = std::get_if<StructureModel>(&scenario)) {
    const StructureAnalytics analytics(*model, &install_interrupt_handlers());
    std::printf(
        "%s: valid scenario '%s' (format %d): %zu components (%zu declared), %zu request "
        "kinds, %zu common-cause events, analytic reliability %.10g\n",
        path.c_str(), model->name.c_str(), model->format_version, model->components.size(),
        model->declarations.size(), model->kinds.size(), model->common_causes.size(),
        analytics.reliability());
    if (model->time) print_time(*model->time);
    return 0;
  }
  const Scenario& chain = std::get<Scenario>(scenario);
  const ChainAnalytics analytics(chain.reliabilities());
  std::printf("%s: valid scenario '%s' (format %d): %zu components, analytic reliability %.10g\n",
              path.c_str(), chain.name.c_str(), chain.format_version, chain.components.size(),
              analytics.reliability());
  return 0;
}

}  // namespace nines::cli
