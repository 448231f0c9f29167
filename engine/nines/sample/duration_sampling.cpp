#include "nines/sample/duration_sampling.hpp"

#include <cmath>

#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include "nines/exact/component_availability.hpp"
#include "nines/sample/unit_log.hpp"

namespace nines {

double duration_from_exponential(const DurationDistribution& d, double e) noexcept {
  switch (d.shape) {
    case DurationShape::exponential:
      return d.a * e;
    case DurationShape::weibull:
      return d.b * std::pow(e, 1 / d.a);
    default:
      return d.a;  // fixed (the other shapes need more than one uniform)
  }
}

double draw_duration(const DurationDistribution& d, OutageStream& stream) {
  switch (d.shape) {
    case DurationShape::exponential:
    case DurationShape::weibull:
      return duration_from_exponential(d, -unit_log(stream.open_uniform()));
    case DurationShape::lognormal: {
      boost::random::normal_distribution<double> normal(d.a, d.b);
      return std::exp(normal(stream));
    }
    case DurationShape::gamma: {
      boost::random::gamma_distribution<double> gamma(d.a, d.b);
      return gamma(stream);
    }
    case DurationShape::fixed:
      return d.a;
  }
  return d.a;
}

double draw_residual(const DurationDistribution& d, OutageStream& stream) {
  const double u_length = stream.open_uniform();
  const double u_position = stream.open_uniform();
  return equilibrium_remaining(d, u_length, u_position);
}

}  // namespace nines
