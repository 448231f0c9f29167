#include "nines/uncertainty/quantile_table.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <cmath>

namespace nines {
namespace {

// P(X <= x), P(X > x) and the density, for the tabulated shapes.
struct TailPoint {
  double lower, upper, density;
};

// The smaller tail is computed, the other is 1 minus it (exact enough: it is at least 1/2).
template <class Distribution>
TailPoint tail_point(const Distribution& d, double x) {
  const double lower = boost::math::cdf(d, x);
  const double upper = lower < 0.5 ? 1 - lower : boost::math::cdf(boost::math::complement(d, x));
  return {lower < 0.5 ? lower : 1 - upper, upper, boost::math::pdf(d, x)};
}

}  // namespace

QuantileTable::QuantileTable(const UncertainInput& input) : input_(input) {
  const bool beta = input.shape == UncertainShape::beta;
  if (!beta && input.shape != UncertainShape::gamma) return;
  // The node coordinate: logit x for a Beta (both ends of (0, 1) resolved), log x for a Gamma.
  const auto to_y = [beta](double x) { return beta ? std::log(x) - std::log1p(-x) : std::log(x); };
  const double lo = to_y(input.quantile(kMinP));
  const double hi = to_y(input.quantile(1 - kMinP));
  if (!(std::isfinite(lo) && std::isfinite(hi) && hi > lo)) return;  // exact quantiles instead
  const boost::math::beta_distribution<> beta_d(beta ? input.a : 1, beta ? input.b : 1);
  const boost::math::gamma_distribution<> gamma_d(beta ? 1 : input.a, beta ? 1 : 1 / input.b);
  struct Node {
    double y, t, slope;
    bool usable;
  };
  const auto node_at = [&](double y) {
    const double x = beta ? 1 / (1 + std::exp(-y)) : std::exp(y);
    const TailPoint p = beta ? tail_point(beta_d, x) : tail_point(gamma_d, x);
    const double t = std::log(p.lower) - std::log(p.upper);
    // dy/dt = dy/dx dx/dp dp/dt, with dy/dx = 1 / (x (1 - x)) or 1 / x and dp/dt = p (1 - p).
    const double dy_dx = beta ? 1 / (x * (1 - x)) : 1 / x;
    const double slope = dy_dx * p.lower * p.upper / p.density;
    return Node{y, t, slope, std::isfinite(t) && std::isfinite(slope)};
  };
  // Nodes evenly spaced in y, then intervals wider than kMaxStep in t split in y until they are
  // not (a tail that is flat in y is steep in t); at most kMaxNodes nodes.
  std::vector<Node> nodes;
  for (int j = 0; j < kStartNodes; ++j)
    nodes.push_back(node_at(lo + (hi - lo) * j / (kStartNodes - 1)));
  for (bool split = true; split && nodes.size() < kMaxNodes;) {
    split = false;
    std::vector<Node> refined{nodes.front()};
    for (std::size_t j = 1; j < nodes.size(); ++j) {
      const Node& a = nodes[j - 1];
      const Node& b = nodes[j];
      if (a.usable && b.usable && b.t - a.t > kMaxStep && b.y - a.y > 1e-9 * std::abs(b.y)) {
        refined.push_back(node_at((a.y + b.y) / 2));
        split = true;
      }
      refined.push_back(b);
    }
    nodes = std::move(refined);
  }
  for (const Node& n : nodes) {
    // Nodes whose tail probability underflows or does not increase add nothing.
    if (!n.usable || (!t_.empty() && n.t <= t_.back())) continue;
    t_.push_back(n.t);
    y_.push_back(n.y);
    slope_.push_back(n.slope);
  }
  tabulated_ = t_.size() >= 2;
}

double QuantileTable::quantile(double p) const {
  if (!tabulated_) return input_.quantile(p);
  const double t = std::log(p) - std::log1p(-p);
  if (t <= t_.front() || t >= t_.back()) return input_.quantile(p);  // beyond the table: exact
  const auto above =
      static_cast<std::size_t>(std::upper_bound(t_.begin(), t_.end(), t) - t_.begin());
  const std::size_t j = above - 1;
  const double h = t_[above] - t_[j];
  const double s = (t - t_[j]) / h;
  // Cubic Hermite basis on [0, 1].
  const double s2 = s * s, s3 = s2 * s;
  const double y = (2 * s3 - 3 * s2 + 1) * y_[j] + (s3 - 2 * s2 + s) * h * slope_[j] +
                   (-2 * s3 + 3 * s2) * y_[above] + (s3 - s2) * h * slope_[above];
  return input_.shape == UncertainShape::beta ? 1 / (1 + std::exp(-y)) : std::exp(y);
}

}  // namespace nines
