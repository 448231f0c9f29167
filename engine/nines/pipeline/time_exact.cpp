#include "nines/pipeline/time_exact.hpp"

#include <cmath>
#include <limits>

namespace nines {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

TimeExactValues time_exact_values(const StructureModel& model, const StructureAnalytics& analytics,
                                  const OutagePlan& plan) {
  const TimeModel& time = *model.time;
  TimeExactValues v;
  const std::size_t K = model.components.size();
  // Components that are always up: no outages of their own and no event process taking them
  // down. Detection that needs only those never waits.
  std::vector<bool> always_up(K, true);
  for (std::size_t c = 0; c < K; ++c) always_up[c] = !time.components[c].outages.has_value();
  for (std::size_t e = 0; e < model.common_causes.size(); ++e)
    if (time.events[e])
      for (const std::uint32_t c : model.common_causes[e].takes_down) always_up[c] = false;
  std::size_t with_outages = 0;
  bool all_exact = true;
  for (std::size_t c = 0; c < K; ++c) {
    const ComponentTiming& t = time.components[c];
    if (!t.outages) {
      v.component_availability.push_back(1);
      v.mean_time_to_detect.push_back(kNaN);
      continue;
    }
    ++with_outages;
    bool independent = true;
    if (!t.detection.immediate)
      for (const std::uint32_t n : t.detection.needs_components)
        independent = independent && always_up[n];
    const double detect = t.detection.immediate ? 0 : t.detection.delay.mean();
    v.mean_time_to_detect.push_back(independent ? detect : kNaN);
    if (!independent) {
      v.component_availability.push_back(kNaN);
      all_exact = false;
      continue;
    }
    const double up = t.outages->failure.mean();
    v.component_availability.push_back(up / (up + detect + t.outages->repair.mean()));
  }
  for (const auto& e : time.events)
    v.event_availability.push_back(e ? e->failure.mean() / (e->failure.mean() + e->repair.mean())
                                     : 1.0);
  const bool crews_limit = time.crews > 0 && time.crews < with_outages;
  if (crews_limit) {
    for (std::size_t c = 0; c < K; ++c)
      if (time.components[c].outages) v.component_availability[c] = kNaN;
  }
  v.kind_availability.assign(model.kinds.size(), kNaN);
  if (crews_limit) {
    v.kind_method = "none: repairs queue for " + std::to_string(time.crews) +
                    " crews (the Markov chain solver covers exponential models)";
  } else if (!all_exact) {
    v.kind_method =
        "none: detection waits for other components (needs), so components are "
        "not independent";
  } else {
    StructureProbabilities p = analytics.base();
    for (std::size_t c = 0; c < K; ++c) {
      p.component_up[c] = v.component_availability[c];
      p.component_down[c] = 1 - v.component_availability[c];
    }
    for (std::size_t e = 0; e < model.common_causes.size(); ++e) {
      const double active = 1 - v.event_availability[e];
      p.event_fires[e] = time.events[e] ? active : 0;
      p.event_quiet[e] = 1 - p.event_fires[e];
    }
    bool retries = false;
    for (std::size_t k = 0; k < model.kinds.size(); ++k) {
      if (model.kinds[k].retries > 0) {
        retries = true;
        continue;
      }
      v.kind_availability[k] = 1 - analytics.kind_unreliability(k, p);
    }
    v.kind_method = retries ? "bdd (kinds with retries: none)" : "bdd";
  }
  double mix = 0;
  for (std::size_t k = 0; k < model.kinds.size(); ++k)
    mix += plan.kind_share[k] * v.kind_availability[k];
  v.mix_availability = mix;
  return v;
}

}  // namespace nines
