#include "nines/exact/service_availability.hpp"

#include <cmath>
#include <limits>

#include "nines/exact/component_availability.hpp"
#include "nines/exact/kind_diagram.hpp"
#include "nines/exact/structure_analytics.hpp"

namespace nines {

double mean_up_time(double availability, double failure_frequency) noexcept {
  if (failure_frequency == 0) return std::numeric_limits<double>::infinity();
  return availability / failure_frequency;
}

double mean_down_time(double unavailability, double failure_frequency) noexcept {
  if (failure_frequency == 0) return std::numeric_limits<double>::quiet_NaN();
  return unavailability / failure_frequency;
}

std::string no_exact_service_availability(const StructureModel& model) {
  if (!model.time) return "the model has no outages over time";
  for (std::uint32_t c = 0; c < model.components.size(); ++c) {
    if (model.time->components.at(c).outages && !detection_never_waits(model, c)) {
      if (model.time->components[c].detection.by_alert())
        return "the outages of " + model.components[c].name +
               " are detected by alerts, which wait on the requests they fail";
      return "the detection of " + model.components[c].name +
             " waits on components that can be down, so its outages have no closed-form length";
    }
  }
  if (!repair_never_waits(model)) {
    return "repairs can wait for one of " + std::to_string(model.time->crews) +
           " crews, so components are not independent";
  }
  return "";
}

std::optional<ServiceSteadyState> service_steady_state(const StructureModel& model, StopFlag stop,
                                                       std::size_t max_nodes) {
  if (!no_exact_service_availability(model).empty()) return std::nullopt;

  ServiceSteadyState out;
  StructureProbabilities p;
  // Long-run failure rate (1 / cycle) of each process; 0 for what never fails.
  std::vector<double> component_rate(model.components.size(), 0.0);
  std::vector<double> event_rate(model.common_causes.size(), 0.0);
  for (std::uint32_t c = 0; c < model.components.size(); ++c) {
    const std::optional<PhaseMeans> phases = component_phases(model, c);
    const double up = phases ? phases->availability() : 1.0;
    const double down = phases ? phases->unavailability() : 0.0;
    if (phases) component_rate[c] = phases->failure_frequency();
    p.component_up.push_back(up);
    p.component_down.push_back(down);
    out.component_availability.push_back(up);
  }
  for (std::uint32_t e = 0; e < model.common_causes.size(); ++e) {
    const std::optional<PhaseMeans> phases = event_phases(model, e);
    const double fires = phases ? phases->unavailability() : 0.0;
    const double quiet = phases ? phases->availability() : 1.0;
    if (phases) event_rate[e] = phases->failure_frequency();
    p.event_fires.push_back(fires);
    p.event_quiet.push_back(quiet);
    out.event_unavailability.push_back(fires);
  }

  // An outage holds for every attempt of a request, so the structure is evaluated once: the
  // diagrams are built with one attempt per request.
  StructureModel single = model;
  for (RequestKind& kind : single.kinds) kind.retries = 0;

  std::size_t used = 0;
  double weighted_up = 0, weighted_down = 0;
  for (std::size_t k = 0; k < single.kinds.size(); ++k) {
    const KindDiagram diagram(single, k, p, max_nodes - used, stop);
    used += diagram.bdd().size();
    KindSteadyState kind;
    kind.availability = diagram.values().reliability;
    kind.unavailability = diagram.values().unreliability;
    double nu = 0;
    for (std::size_t j = 0; j < diagram.path().size(); ++j) {
      // With one attempt, U- - U+ = P(works | up) - P(works | down): the Birnbaum importance.
      nu += diagram.birnbaum()[j] * component_rate[diagram.path()[j]];
    }
    for (std::size_t i = 0; i < diagram.events().size(); ++i) {
      const double birnbaum = diagram.if_fires()[i] - diagram.if_quiet()[i];
      nu += birnbaum * event_rate[diagram.events()[i]];
    }
    kind.failure_frequency = nu;
    kind.mean_up_time = mean_up_time(kind.availability, nu);
    kind.mean_down_time = mean_down_time(kind.unavailability, nu);
    out.kinds.push_back(kind);
    weighted_up += model.kinds[k].weight * kind.availability;
    weighted_down += model.kinds[k].weight * kind.unavailability;
  }
  const double total = model.total_weight();
  out.availability = weighted_up / total;
  out.unavailability = weighted_down / total;
  return out;
}

}  // namespace nines
