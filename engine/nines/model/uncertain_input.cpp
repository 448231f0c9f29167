#include "nines/model/uncertain_input.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace nines {
namespace {

// Standard normal CDF and quantile.
double phi(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}
double phi_inverse(double p) {
  return boost::math::quantile(boost::math::normal_distribution<>(), p);
}

bool truncated(const UncertainInput& in) {
  return in.shape == UncertainShape::lognormal && in.quantity == UncertainQuantity::reliability;
}

// E[X^n; X <= upper] for the lognormal (upper = +inf: the plain moment).
double lognormal_partial_moment(double mu, double sigma, double n, double upper) {
  const double full = std::exp(n * mu + n * n * sigma * sigma / 2);
  if (std::isinf(upper)) return full;
  return full * phi((std::log(upper) - mu - n * sigma * sigma) / sigma);
}

std::string number(double x) {
  std::ostringstream out;
  out.precision(6);
  out << x;
  return out.str();
}

}  // namespace

std::string to_string(UncertainQuantity quantity) {
  return quantity == UncertainQuantity::reliability ? "reliability" : "outage_rate";
}

std::string to_string(UncertainShape shape) {
  switch (shape) {
    case UncertainShape::beta:
      return "beta";
    case UncertainShape::gamma:
      return "gamma";
    case UncertainShape::lognormal:
      return "lognormal";
    case UncertainShape::uniform:
      return "uniform";
  }
  return "?";
}

double UncertainInput::upper() const noexcept {
  return quantity == UncertainQuantity::reliability ? 1.0 : std::numeric_limits<double>::infinity();
}

double UncertainInput::mean() const {
  switch (shape) {
    case UncertainShape::beta:
      return a / (a + b);
    case UncertainShape::gamma:
      return a / b;
    case UncertainShape::lognormal:
      return lognormal_partial_moment(a, b, 1, upper()) / (truncated(*this) ? phi(-a / b) : 1.0);
    case UncertainShape::uniform:
      return (a + b) / 2;
  }
  return 0;
}

double UncertainInput::variance() const {
  switch (shape) {
    case UncertainShape::beta:
      return a * b / ((a + b) * (a + b) * (a + b + 1));
    case UncertainShape::gamma:
      return a / (b * b);
    case UncertainShape::lognormal: {
      if (!truncated(*this)) return std::expm1(b * b) * std::exp(2 * a + b * b);
      const double mass = phi(-a / b);
      const double m1 = lognormal_partial_moment(a, b, 1, 1) / mass;
      const double m2 = lognormal_partial_moment(a, b, 2, 1) / mass;
      return m2 - m1 * m1;
    }
    case UncertainShape::uniform:
      return (b - a) * (b - a) / 12;
  }
  return 0;
}

double UncertainInput::quantile(double p) const {
  if (!(p >= 0 && p <= 1)) throw std::invalid_argument("quantile: p outside [0, 1]");
  switch (shape) {
    case UncertainShape::beta:
      return boost::math::quantile(boost::math::beta_distribution<>(a, b), p);
    case UncertainShape::gamma:
      if (p == 1) return std::numeric_limits<double>::infinity();
      return boost::math::quantile(boost::math::gamma_distribution<>(a, 1 / b), p);
    case UncertainShape::lognormal: {
      const double scaled = truncated(*this) ? p * phi(-a / b) : p;
      if (scaled <= 0) return 0;
      if (scaled >= 1) return std::numeric_limits<double>::infinity();
      return std::min(upper(), std::exp(a + b * phi_inverse(scaled)));
    }
    case UncertainShape::uniform:
      return a + p * (b - a);
  }
  return 0;
}

double UncertainInput::cdf(double x) const {
  if (x <= 0 && shape != UncertainShape::uniform) return 0;
  if (x >= upper()) return 1;
  switch (shape) {
    case UncertainShape::beta:
      return boost::math::cdf(boost::math::beta_distribution<>(a, b), x);
    case UncertainShape::gamma:
      return boost::math::cdf(boost::math::gamma_distribution<>(a, 1 / b), x);
    case UncertainShape::lognormal: {
      const double p = phi((std::log(x) - a) / b);
      return truncated(*this) ? p / phi(-a / b) : p;
    }
    case UncertainShape::uniform:
      return x <= a ? 0 : x >= b ? 1 : (x - a) / (b - a);
  }
  return 0;
}

std::string UncertainInput::describe() const {
  switch (shape) {
    case UncertainShape::beta:
      return "beta(" + number(a) + ", " + number(b) + ")";
    case UncertainShape::gamma:
      return "gamma(shape " + number(a) + ", rate " + number(b) +
             (quantity == UncertainQuantity::outage_rate ? "/s)" : ")");
    case UncertainShape::lognormal:
      return std::string(truncated(*this) ? "lognormal truncated at 1" : "lognormal") + "(mu " +
             number(a) + ", sigma " + number(b) + ")";
    case UncertainShape::uniform:
      return "uniform(" + number(a) + ", " + number(b) + ")";
  }
  return "?";
}

double point_reliability(const UncertainInput& input) {
  return 1 - input.mean();
}

double point_mean_time_between_outages(const UncertainInput& input) {
  return 1 / input.mean();
}

}  // namespace nines
