#include "nines/pipeline/time_exact.hpp"

#include <cmath>
#include <limits>
#include <optional>

#include "nines/exact/component_availability.hpp"
#include "nines/exact/markov_availability.hpp"
#include "nines/exact/service_availability.hpp"
#include "nines/exact/window_downtime.hpp"

namespace nines {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The first SLO window's probability of meeting its time budget, where the closed form
// (window_downtime.hpp) covers the model: one component with outages and no event process,
// exponential failures and repairs, detection immediate or a fixed delay that never waits,
// a fresh start, and every kind down exactly while that component is down.
double first_window_exact(const StructureModel& model, const OutagePlan& plan) {
  const TimeModel& time = *model.time;
  if (!time.slo || plan.windows.empty() || time.start != StartState::fresh) return kNaN;
  for (const auto& e : time.events)
    if (e) return kNaN;
  std::optional<std::uint32_t> only;
  for (std::uint32_t c = 0; c < model.components.size(); ++c) {
    if (!time.components[c].outages) continue;
    if (only) return kNaN;
    only = c;
  }
  if (!only) return kNaN;
  const ComponentTiming& t = time.components[*only];
  if (!t.outages->failure.memoryless() || !t.outages->repair.memoryless()) return kNaN;
  double delay = 0;
  if (t.detection.by_alert()) return kNaN;
  if (!t.detection.immediate) {
    if (t.detection.delay.shape != DurationShape::fixed || !detection_never_waits(model, *only))
      return kNaN;
    delay = t.detection.delay.a;
  }
  for (const RequestKind& kind : model.kinds) {
    const bool down = !block_works(kind.path, [&](std::uint32_t c) { return c != *only; });
    if (!down) return kNaN;
  }
  const double window = plan.windows[0].days * kSecondsPerDay;
  return window_downtime_within(1 / t.outages->failure.mean(), delay, 1 / t.outages->repair.mean(),
                                window, (1 - time.slo->target) * window)
      .within;
}

}  // namespace

TimeExactValues time_exact_values(const StructureModel& model, const StructureAnalytics&,
                                  const OutagePlan& plan) {
  const TimeModel& time = *model.time;
  const auto K = static_cast<std::uint32_t>(model.components.size());
  TimeExactValues v;
  for (std::uint32_t c = 0; c < K; ++c) {
    v.component_availability.push_back(component_availability(model, c).value_or(kNaN));
    v.mean_time_to_detect.push_back(mean_time_to_detect(model, c).value_or(kNaN));
  }
  for (std::uint32_t e = 0; e < model.common_causes.size(); ++e) {
    const std::optional<PhaseMeans> phases = event_phases(model, e);
    v.event_availability.push_back(phases ? phases->availability() : 1.0);
  }
  v.kind_availability.assign(model.kinds.size(), kNaN);
  if (const auto steady = service_steady_state(model)) {
    for (std::size_t k = 0; k < model.kinds.size(); ++k)
      v.kind_availability[k] = steady->kinds[k].availability;
    v.kind_method = "bdd (independent components, steady state)";
  } else {
    const std::string why = no_exact_service_availability(model);
    const MarkovResult markov = markov_service_availability(model);
    if (markov.solution) {
      const MarkovSolution& s = *markov.solution;
      for (std::size_t k = 0; k < model.kinds.size(); ++k)
        v.kind_availability[k] = s.structures[k].availability;
      for (std::uint32_t c = 0; c < K; ++c) {
        if (!time.components[c].outages) continue;
        v.component_availability[c] = s.component_availability[c];
        v.mean_time_to_detect[c] = s.mean_time_to_detect[c];
      }
      v.kind_method = "markov chain (" + std::to_string(s.states) + " states)";
    } else {
      v.kind_method = "none: " + why + "; no Markov chain either: " + markov.refusal;
    }
  }
  double mix = 0;
  for (std::size_t k = 0; k < model.kinds.size(); ++k)
    mix += plan.kind_share[k] * v.kind_availability[k];
  v.mix_availability = mix;
  v.first_window_met_time = first_window_exact(model, plan);
  return v;
}

}  // namespace nines
