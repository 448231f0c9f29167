#pragma once
// Draws of a DurationDistribution from a time-run stream (outage_streams.hpp): Boost.Random's
// distributions where a shape needs more than one uniform (normal, gamma), inverse CDFs where
// one uniform suffices (exponential, Weibull).
#include "nines/model/duration.hpp"
#include "nines/sample/outage_streams.hpp"

namespace nines {

// One duration from `d`, in seconds.
double draw_duration(const DurationDistribution& d, OutageStream& stream);

// A draw from the equilibrium forward-recurrence distribution of `d`: the time left in the
// current interval of a renewal process with intervals d, observed at a random moment long
// after it started (density (1 - F(x)) / mean). Drawn exactly as U x L, where U is uniform and
// L is the length-biased interval (density x f(x) / mean), which for every shape here is
// closed-form: exponential(m) -> gamma(2, m); weibull(k, s) -> s G^(1/k) with G ~ gamma(1 +
// 1/k, 1); lognormal(mu, sigma) -> lognormal(mu + sigma^2, sigma); gamma(k, s) -> gamma(k + 1,
// s); fixed -> fixed.
double draw_residual(const DurationDistribution& d, OutageStream& stream);

}  // namespace nines
