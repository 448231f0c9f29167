#pragma once
// The stopping rule of `--target-precision`: a run stops at the first checkpoint at which the
// two-sided Wilson score interval of the unreliability (the interval every summary prints) is
// narrow relative to the estimate. Pure functions of the integer counts, so every thread and
// MPI rank that holds the same merged tally takes the same decision.
#include <cstdint>

namespace nines {

// Half the width of the Wilson interval of failures/requests at `level`, divided by the
// estimate failures/requests: 0.01 means "± 1% of the estimate". +infinity without failures
// (the estimate is 0 and the relative width undefined). requests must be > 0.
double relative_half_width(std::uint64_t failures, std::uint64_t requests, double level);

// True when the run may stop: at least one failure and relative_half_width <= target.
bool precision_reached(std::uint64_t failures, std::uint64_t requests, double target, double level);

}  // namespace nines
