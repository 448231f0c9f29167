#pragma once
// A random duration: the time to failure, to detect or to repair a component, or how long a
// common-cause event lasts (scenario format 3). Every duration is in seconds.
//
// Parameters, by shape (the YAML spelling in the README, "Outages over time"):
//   exponential  a = mean                      (`every: 90d`, `repair: 45m`)
//   weibull      a = shape k > 0, b = scale > 0
//   lognormal    a = mu, b = sigma >= 0        (of ln(duration in seconds); the file may give
//                                               median and error factor instead, see below)
//   gamma        a = shape k > 0, b = scale > 0
//   fixed        a = the value
// A lognormal given as median m and error factor EF (the 95th percentile over the median, as
// in PSA practice) has mu = ln m and sigma = ln(EF) / 1.6448536...
#include <string>

namespace nines {

enum class DurationShape { exponential, weibull, lognormal, gamma, fixed };

std::string to_string(DurationShape shape);

struct DurationDistribution {
  DurationShape shape = DurationShape::fixed;
  double a = 0;
  double b = 0;

  static DurationDistribution exponential(double mean) {
    return {DurationShape::exponential, mean, 0};
  }
  static DurationDistribution weibull(double shape_k, double scale) {
    return {DurationShape::weibull, shape_k, scale};
  }
  static DurationDistribution lognormal(double mu, double sigma) {
    return {DurationShape::lognormal, mu, sigma};
  }
  static DurationDistribution gamma(double shape_k, double scale) {
    return {DurationShape::gamma, shape_k, scale};
  }
  static DurationDistribution fixed(double value) { return {DurationShape::fixed, value, 0}; }

  double mean() const noexcept;
  double variance() const noexcept;
  // True for the exponential shape (what the Markov chain solver and the closed forms need).
  bool memoryless() const noexcept { return shape == DurationShape::exponential; }
  // "exponential(mean 90d)", "weibull(shape 1.5, scale 90d)", "fixed(5m)": for reports.
  std::string describe() const;
};

}  // namespace nines
