#include "nines/model/duration.hpp"

#include <cmath>

#include "nines/base/number_format.hpp"

namespace nines {

std::string to_string(DurationShape shape) {
  switch (shape) {
    case DurationShape::exponential:
      return "exponential";
    case DurationShape::weibull:
      return "weibull";
    case DurationShape::lognormal:
      return "lognormal";
    case DurationShape::gamma:
      return "gamma";
    case DurationShape::fixed:
      return "fixed";
  }
  return "?";
}

double DurationDistribution::mean() const noexcept {
  switch (shape) {
    case DurationShape::exponential:
    case DurationShape::fixed:
      return a;
    case DurationShape::weibull:
      return b * std::tgamma(1 + 1 / a);
    case DurationShape::lognormal:
      return std::exp(a + b * b / 2);
    case DurationShape::gamma:
      return a * b;
  }
  return 0;
}

double DurationDistribution::variance() const noexcept {
  switch (shape) {
    case DurationShape::exponential:
      return a * a;
    case DurationShape::fixed:
      return 0;
    case DurationShape::weibull: {
      const double g1 = std::tgamma(1 + 1 / a);
      return b * b * (std::tgamma(1 + 2 / a) - g1 * g1);
    }
    case DurationShape::lognormal:
      return std::expm1(b * b) * std::exp(2 * a + b * b);
    case DurationShape::gamma:
      return a * b * b;
  }
  return 0;
}

std::string DurationDistribution::describe() const {
  switch (shape) {
    case DurationShape::exponential:
      return "exponential(mean " + number_format::duration_unit(a) + ")";
    case DurationShape::weibull:
      return "weibull(shape " + number_format::general(a) + ", scale " +
             number_format::duration_unit(b) + ")";
    case DurationShape::lognormal:
      return "lognormal(median " + number_format::duration_unit(std::exp(a)) + ", sigma " +
             number_format::general(b) + ")";
    case DurationShape::gamma:
      return "gamma(shape " + number_format::general(a) + ", scale " +
             number_format::duration_unit(b) + ")";
    case DurationShape::fixed:
      return "fixed(" + number_format::duration_unit(a) + ")";
  }
  return "?";
}

}  // namespace nines
