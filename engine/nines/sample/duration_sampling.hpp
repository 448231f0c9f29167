#pragma once
// Draws of a DurationDistribution from a time-run stream (outage_streams.hpp): Boost.Random's
// distributions where a shape needs more than one uniform (normal, gamma), inverse CDFs where
// one uniform suffices (exponential, Weibull).
#include "nines/model/duration.hpp"
#include "nines/sample/outage_streams.hpp"

namespace nines {

// A duration of a shape that needs one uniform (exponential, Weibull; fixed ignores it) from
// the standard exponential variate e = -log(u) of a uniform u, by the inverse CDF:
// mean * e, or scale * e^(1/shape).
double duration_from_exponential(const DurationDistribution& d, double e) noexcept;

// One duration from `d`, in seconds.
double draw_duration(const DurationDistribution& d, OutageStream& stream);

// A draw from the equilibrium forward-recurrence distribution of `d`: the time left in the
// current interval of a renewal process with intervals d, observed at a random moment long
// after it started (density (1 - F(x)) / mean): exact/component_availability.hpp's
// equilibrium_remaining with two uniforms of the stream.
double draw_residual(const DurationDistribution& d, OutageStream& stream);

}  // namespace nines
