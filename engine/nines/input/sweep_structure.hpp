#pragma once
// The structure of one sweep point: the base structure (format 2) with the point's parameter
// values applied, read by the structure parser like any scenario file, so that a point is
// exactly the structure `nines run` of the edited base file would read.
#include "nines/model/structure_model.hpp"
#include "nines/model/sweep_plan.hpp"

namespace nines {

// InputError when the edited structure breaks a rule (required above replicas, too many
// components, weights summing to zero, ...): the message is the structure parser's.
StructureModel sweep_point_structure(const SweepPlan& plan, const SweepPoint& point);

}  // namespace nines
