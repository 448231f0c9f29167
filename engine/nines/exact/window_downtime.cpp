#include "nines/exact/window_downtime.hpp"

#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace nines {

DowntimeProbability window_downtime_within(double failure_rate, double detection_delay,
                                           double repair_rate, double window, double budget) {
  if (!(std::isfinite(failure_rate) && failure_rate >= 0) ||
      !(std::isfinite(detection_delay) && detection_delay >= 0) ||
      !(std::isfinite(repair_rate) && repair_rate > 0) || !(std::isfinite(window) && window > 0) ||
      std::isnan(budget)) {
    throw std::invalid_argument(
        "window_downtime_within: needs failure rate >= 0, detection delay >= 0, repair rate > 0 "
        "and window > 0, all finite");
  }
  if (budget < 0) return {0, 1};
  if (budget >= window) return {1, 0};
  const double mean = failure_rate * (window - budget);  // E[N], failures in up-time T - x
  if (mean > 1e7) {
    throw std::invalid_argument("window_downtime_within: over 1e7 expected failures per window");
  }
  if (mean == 0) return {1, 0};

  // n* = the largest n with x - n d >= 0 (unbounded for d = 0).
  const double last = detection_delay > 0 ? std::floor(budget / detection_delay)
                                          : std::numeric_limits<double>::infinity();
  // Beyond the Poisson mode, stop once the remaining tail is below 1e-18 of the terms so far
  // (the pmf falls faster than geometrically there, so the tail is about one more term).
  const double stop_after = mean + 40 * std::sqrt(mean) + 50;

  double within = std::exp(-mean);  // n = 0: no failure before the up-time reaches s
  double beyond = 0;
  double n = 1;
  for (; n <= last; ++n) {
    // Poisson(n; mean) = mean^n e^-mean / n!, the derivative of P(n + 1, mean).
    const double pmf = boost::math::gamma_p_derivative(n + 1, mean);
    const double slack = repair_rate * (budget - n * detection_delay);
    within += pmf * boost::math::gamma_p(n, slack);
    beyond += pmf * boost::math::gamma_q(n, slack);
    if (n > stop_after && pmf < 1e-18 * (within + beyond)) {
      ++n;  // the first n not summed
      break;
    }
  }
  // The Poisson tail N >= n, the first n not summed: past n* every such n has x - n d < 0 (the
  // budget is exceeded); when the loop stopped early the tail is below 1e-18 of the sum.
  if (std::isfinite(last)) beyond += boost::math::gamma_p(n, mean);
  return {within, beyond};
}

}  // namespace nines
