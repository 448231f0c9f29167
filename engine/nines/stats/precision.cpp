#include "nines/stats/precision.hpp"

#include <limits>
#include <stdexcept>

#include "nines/stats/statistics.hpp"

namespace nines {

double relative_half_width(std::uint64_t failures, std::uint64_t requests, double level) {
  if (requests == 0) throw std::invalid_argument("relative_half_width: requests must be > 0");
  if (failures == 0) return std::numeric_limits<double>::infinity();
  // The Wilson interval is symmetric under p -> 1 - p: the interval of the failures is the
  // summary's reliability interval mirrored, computed on the side where the digits are.
  const Interval u = wilson_interval(failures, requests, level);
  const double estimate = static_cast<double>(failures) / static_cast<double>(requests);
  return (u.high - u.low) / 2 / estimate;
}

bool precision_reached(std::uint64_t failures, std::uint64_t requests, double target,
                       double level) {
  return failures > 0 && relative_half_width(failures, requests, level) <= target;
}

}  // namespace nines
