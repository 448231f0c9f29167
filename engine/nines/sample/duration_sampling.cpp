#include "nines/sample/duration_sampling.hpp"

#include <cmath>

#include <boost/random/gamma_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

namespace nines {

double draw_duration(const DurationDistribution& d, OutageStream& stream) {
  switch (d.shape) {
    case DurationShape::exponential:
      return -d.a * std::log(stream.open_uniform());
    case DurationShape::weibull:
      return d.b * std::pow(-std::log(stream.open_uniform()), 1 / d.a);
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
  const double u = stream.open_uniform();
  double length = d.a;
  switch (d.shape) {
    case DurationShape::exponential: {
      boost::random::gamma_distribution<double> gamma(2, d.a);
      length = gamma(stream);
      break;
    }
    case DurationShape::weibull: {
      boost::random::gamma_distribution<double> gamma(1 + 1 / d.a, 1);
      length = d.b * std::pow(gamma(stream), 1 / d.a);
      break;
    }
    case DurationShape::lognormal: {
      boost::random::normal_distribution<double> normal(d.a + d.b * d.b, d.b);
      length = std::exp(normal(stream));
      break;
    }
    case DurationShape::gamma: {
      boost::random::gamma_distribution<double> gamma(d.a + 1, d.b);
      length = gamma(stream);
      break;
    }
    case DurationShape::fixed:
      break;
  }
  return u * length;
}

}  // namespace nines
