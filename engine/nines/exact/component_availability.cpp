#include "nines/exact/component_availability.hpp"

#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace nines {
namespace {

const TimeModel& time_of(const StructureModel& model) {
  if (!model.time) throw std::invalid_argument("the model has no outages over time (format 3)");
  return *model.time;
}

}  // namespace

SteadyStart steady_start_probabilities(const PhaseMeans& phases) noexcept {
  const double cycle = phases.cycle();
  return {phases.up / cycle, phases.detection / cycle, phases.repair / cycle};
}

double equilibrium_remaining(const DurationDistribution& d, double u_length, double u_position) {
  if (!(u_length > 0 && u_length < 1) || !(u_position > 0 && u_position < 1)) {
    throw std::invalid_argument("equilibrium_remaining: uniforms must be in (0, 1)");
  }
  double length = 0;
  switch (d.shape) {
    case DurationShape::exponential:
      length = d.a * boost::math::gamma_p_inv(2.0, u_length);
      break;
    case DurationShape::weibull:
      length = d.b * std::pow(boost::math::gamma_p_inv(1 + 1 / d.a, u_length), 1 / d.a);
      break;
    case DurationShape::lognormal:
      // Normal quantile: -sqrt(2) erfc_inv(2u).
      length = std::exp(d.a + d.b * d.b -
                        d.b * std::numbers::sqrt2 * boost::math::erfc_inv(2 * u_length));
      break;
    case DurationShape::gamma:
      length = d.b * boost::math::gamma_p_inv(d.a + 1, u_length);
      break;
    case DurationShape::fixed:
      length = d.a;
      break;
  }
  return u_position * length;
}

bool never_goes_down(const StructureModel& model, std::uint32_t c) {
  const TimeModel& time = time_of(model);
  if (time.components.at(c).outages) return false;
  for (std::size_t e = 0; e < model.common_causes.size(); ++e) {
    if (e >= time.events.size() || !time.events[e]) continue;
    const auto& down = model.common_causes[e].takes_down;
    if (std::binary_search(down.begin(), down.end(), c)) return false;
  }
  return true;
}

bool detection_never_waits(const StructureModel& model, std::uint32_t c) {
  const Detection& detection = time_of(model).components.at(c).detection;
  if (detection.by_alert()) return false;  // it waits on pages, which wait on traffic
  if (detection.immediate) return true;
  return std::all_of(detection.needs_components.begin(), detection.needs_components.end(),
                     [&](std::uint32_t n) { return never_goes_down(model, n); });
}

std::optional<double> mean_time_to_detect(const StructureModel& model, std::uint32_t c) {
  const ComponentTiming& timing = time_of(model).components.at(c);
  if (!timing.outages || !detection_never_waits(model, c)) return std::nullopt;
  return timing.detection.immediate ? 0.0 : timing.detection.delay.mean();
}

bool repair_never_waits(const StructureModel& model) {
  const TimeModel& time = time_of(model);
  if (time.crews == 0) return true;
  const auto failing =
      std::count_if(time.components.begin(), time.components.end(),
                    [](const ComponentTiming& t) { return t.outages.has_value(); });
  return static_cast<std::uint64_t>(failing) <= time.crews;
}

std::optional<PhaseMeans> component_phases(const StructureModel& model, std::uint32_t c) {
  const ComponentTiming& timing = time_of(model).components.at(c);
  const std::optional<double> detect = mean_time_to_detect(model, c);
  if (!timing.outages || !detect || !repair_never_waits(model)) return std::nullopt;
  return PhaseMeans{timing.outages->failure.mean(), *detect, timing.outages->repair.mean()};
}

std::optional<double> component_availability(const StructureModel& model, std::uint32_t c) {
  if (!time_of(model).components.at(c).outages) return 1.0;
  const std::optional<PhaseMeans> phases = component_phases(model, c);
  if (!phases) return std::nullopt;
  return phases->availability();
}

std::optional<PhaseMeans> event_phases(const StructureModel& model, std::uint32_t e) {
  const TimeModel& time = time_of(model);
  if (e >= model.common_causes.size()) throw std::out_of_range("event_phases: no such event");
  if (e >= time.events.size() || !time.events[e]) return std::nullopt;
  return PhaseMeans{time.events[e]->failure.mean(), 0.0, time.events[e]->repair.mean()};
}

}  // namespace nines
