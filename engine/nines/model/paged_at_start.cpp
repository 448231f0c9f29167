#include "nines/model/paged_at_start.hpp"

#include <stdexcept>

namespace nines {

bool detects_by_alert(const StructureModel& model) {
  if (!model.time) return false;
  for (const ComponentTiming& c : model.time->components)
    if (c.outages && c.detection.by_alert()) return true;
  return false;
}

StructureModel paged_at_start(const StructureModel& model) {
  if (!model.time) throw std::invalid_argument("paged_at_start: the model has no time section");
  StructureModel twin = model;
  TimeModel& time = *twin.time;
  for (ComponentTiming& c : time.components) {
    if (!c.detection.by_alert()) continue;
    Detection d;
    d.immediate = !(c.detection.acknowledge > 0);
    if (!d.immediate) d.delay = DurationDistribution::fixed(c.detection.acknowledge);
    c.detection = std::move(d);
  }
  time.alerting.clear();
  return twin;
}

}  // namespace nines
