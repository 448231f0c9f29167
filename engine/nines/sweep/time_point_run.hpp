#pragma once
// A sweep point of a time base (scenario format 3) as a run of the time pipeline: the base with
// the point's values written in (input/sweep_structure.hpp), the outage kernel over the
// point's histories at the point's seed, --record none. Its tally is the time tally, so its
// counts equal `nines run POINT.yaml --record none --seed S` bit for bit, and its conclusion is
// that run's time summary.
#include <memory>

#include "nines/model/sweep_plan.hpp"
#include "nines/sweep/point_run.hpp"

namespace nines {

std::unique_ptr<PointRun> make_time_point_run(const SweepPlan& plan, const SweepPoint& point,
                                              StopFlag stop);

}  // namespace nines
