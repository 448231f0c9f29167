#pragma once
// The structure of one sweep point: the base structure (format 2) with the point's parameter
// values applied, read by the structure parser like any scenario file, so that a point is
// exactly the structure `nines run` of the edited base file would read.
#include <yaml-cpp/yaml.h>

#include <string>

#include "nines/model/duration.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/model/sweep_plan.hpp"

namespace nines {

// InputError when the edited structure breaks a rule (required above replicas, too many
// components, weights summing to zero, ...): the message is the structure parser's.
// Time bases (format 3): the values of every, repair, detection.delay and an event's every
// and lasts are the new mean, and the base's distribution is rescaled to it keeping its shape:
// exponential and fixed take the value; Weibull's scale becomes mean / Gamma(1 + 1/k);
// lognormal keeps sigma and its median becomes mean * exp(-sigma^2 / 2); gamma keeps its
// shape and its scale becomes mean / shape; a delay of 0s is a fixed 0. The point's file writes
// the result in seconds.
StructureModel sweep_point_structure(const SweepPlan& plan, const SweepPoint& point);

// `d` with mean `mean` and the same shape (as above).
DurationDistribution with_mean(const DurationDistribution& d, double mean);

// `d` as a format-3 distribution mapping, durations in seconds written with %.17g so that the
// scenario parser reads back the same doubles ({weibull: {shape: 1.5, scale: 7776000s}}).
YAML::Node distribution_node(const DurationDistribution& d);

// "%.17gs": a duration the parser reads back exactly.
std::string seconds_text(double seconds);

}  // namespace nines
