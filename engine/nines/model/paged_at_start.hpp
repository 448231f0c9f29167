#pragma once
// The reference that detection by alert is measured against (README "Detection by alert"):
// the same model, except that every outage detected by alert is detected the moment it
// starts and then acknowledged, as if its page came at once; without the alert policies,
// which then page for nothing. A time run simulates it beside the model on the same random
// streams (every process draws its failures and repairs from its own streams, which the
// change of detection does not touch), so the difference in SLO windows met is what the
// policies' latency and the monitoring's outages cost, and not sampling noise.
#include "nines/model/structure_model.hpp"

namespace nines {

// Whether `model` has a component whose outages are detected by alert.
bool detects_by_alert(const StructureModel& model);

// The model with each detection by alert replaced by a fixed delay of its acknowledgement
// (immediate when 0), and no alert policies. SLOs (time.slo, time.slos) are kept.
StructureModel paged_at_start(const StructureModel& model);

}  // namespace nines
