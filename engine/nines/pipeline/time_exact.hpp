#pragma once
// The exact values a time run is compared with, gathered from exact/ for one model: each
// component's steady-state availability and mean time to detect where a closed form exists,
// each kind's steady-state availability, and the first SLO window's probability where the
// model is one component of the kind the closed form covers. NaN wherever none exists, with
// the reason in kind_method.
#include "nines/exact/structure_analytics.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/sample/outage_simulator.hpp"
#include "nines/summary/time_summary.hpp"

namespace nines {

TimeExactValues time_exact_values(const StructureModel& model, const StructureAnalytics& analytics,
                                  const OutagePlan& plan);

}  // namespace nines
