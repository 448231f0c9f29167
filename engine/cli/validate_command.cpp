#include <algorithm>
#include <cstdio>
#include <string>
#include <variant>

#include "cli_options.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "nines/base/number_format.hpp"
#include "nines/exact/chain_analytics.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/input/any_scenario.hpp"
#include "nines/input/sweep_parser.hpp"

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
