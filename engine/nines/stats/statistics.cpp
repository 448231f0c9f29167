#include "nines/stats/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>

namespace nines {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Upper tail of the standard normal's inverse: the z with P(Z > z) = tail, for tail in (0, 1).
// The complement keeps full relative precision for tiny tails (1e-300 gives z ~ 37), where
// quantile(1 - tail) would round 1 - tail to 1 and overflow.
double upper_normal_quantile(double tail) {
  return boost::math::quantile(boost::math::complement(boost::math::normal_distribution<>(), tail));
}

}  // namespace

double two_sided_normal_quantile(double level) {
  if (std::isnan(level)) return kNaN;
  if (level <= 0) return 0;
  if (level >= 1) return kInf;
  return upper_normal_quantile((1 - level) / 2);
}

Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double level) {
  if (trials == 0) throw std::invalid_argument("wilson_interval: trials must be > 0");
  if (successes > trials) throw std::invalid_argument("wilson_interval: successes > trials");
  const double n = static_cast<double>(trials);
  // Both proportions from the integer counts, so p(1 - p) keeps its digits when p is near 1.
  const double p = static_cast<double>(successes) / n;
  const double q = static_cast<double>(trials - successes) / n;
  const double z = two_sided_normal_quantile(level);
  const double z2n = z * z / n;
  const double center = (p + z2n / 2) / (1 + z2n);
  const double half = z / (1 + z2n) * std::sqrt(p * q / n + z2n / (4 * n));
  Interval result{std::clamp(center - half, 0.0, 1.0), std::clamp(center + half, 0.0, 1.0)};
  // Exact in theory; rounding would otherwise leave 1 - 1e-17 style bounds.
  if (successes == 0) result.low = 0;
  if (successes == trials) result.high = 1;
  return result;
}

double binomial_z_score(std::uint64_t successes, std::uint64_t trials, double p0) {
  if (trials == 0) throw std::invalid_argument("binomial_z_score: trials must be > 0");
  const double n = static_cast<double>(trials);
  const double p_hat = static_cast<double>(successes) / n;
  if (p0 <= 0 || p0 >= 1) {
    if (p_hat == p0) return 0;
    return p_hat > p0 ? kInf : -kInf;
  }
  return (p_hat - p0) / std::sqrt(p0 * (1 - p0) / n);
}

double two_sided_normal_p_value(double z) {
  if (std::isnan(z)) return kNaN;
  // P(|Z| >= |z|) = erfc(|z| / sqrt 2); erfc keeps relative precision far into the tail.
  return boost::math::erfc(std::fabs(z) / std::sqrt(2.0));
}

double binomial_two_sided_p_value(std::uint64_t successes, std::uint64_t trials, double p0) {
  if (successes > trials)
    throw std::invalid_argument("binomial_two_sided_p_value: more successes than trials");
  if (!(p0 >= 0 && p0 <= 1))
    throw std::invalid_argument("binomial_two_sided_p_value: p0 must be in [0, 1]");
  if (p0 == 0) return successes == 0 ? 1.0 : 0.0;
  if (p0 == 1) return successes == trials ? 1.0 : 0.0;
  // Boost evaluates both tails through the regularised incomplete beta function, which keeps
  // its relative precision for billions of trials and tails far below 1e-300.
  const boost::math::binomial_distribution<double> d(static_cast<double>(trials), p0);
  const auto k = static_cast<double>(successes);
  const double lower = boost::math::cdf(d, k);
  const double upper = successes == 0 ? 1.0 : boost::math::cdf(boost::math::complement(d, k - 1));
  return std::min(1.0, 2 * std::min(lower, upper));
}

ChiSquareResult chi_square_goodness_of_fit(const std::vector<std::uint64_t>& observed,
                                           const std::vector<double>& expected_probability) {
  if (observed.size() != expected_probability.size()) {
    throw std::invalid_argument("chi_square_goodness_of_fit: observed and expected differ in size");
  }
  for (double p : expected_probability) {
    if (!(p >= 0) || !std::isfinite(p)) {
      throw std::invalid_argument("chi_square_goodness_of_fit: probabilities must be finite, >= 0");
    }
  }

  ChiSquareResult result;
  result.p_value = kNaN;

  struct Cell {
    double observed;
    double expected;  // count
  };
  std::vector<Cell> cells;
  double total_probability = 0;
  std::uint64_t total_observed = 0;
  bool impossible = false;  // observations where the model expects none
  for (std::size_t k = 0; k < observed.size(); ++k) {
    if (expected_probability[k] == 0 && observed[k] == 0) continue;  // carries no information
    if (expected_probability[k] == 0) impossible = true;
    total_probability += expected_probability[k];
    total_observed += observed[k];
    cells.push_back({static_cast<double>(observed[k]), expected_probability[k]});
  }
  if (total_observed == 0) return result;  // nothing to test

  if (impossible || total_probability == 0) {
    // A single impossible observation refutes the model whatever the other cells say. The
    // statistic is infinite; dof is reported as at least 1 so that "dof == 0" keeps meaning
    // "no test was possible" for callers.
    result.statistic = kInf;
    result.cells = static_cast<int>(cells.size());
    result.dof = std::max(1, result.cells - 1);
    result.p_value = 0;
    return result;
  }

  const double n = static_cast<double>(total_observed);
  for (Cell& cell : cells) cell.expected = n * cell.expected / total_probability;

  // Pool the cells expected below 5 (Cochran 1954) so the chi-square approximation holds.
  constexpr double kMinExpected = 5;
  std::vector<Cell> pooled;
  Cell small{0, 0};
  bool have_small = false;
  for (const Cell& cell : cells) {
    if (cell.expected < kMinExpected) {
      small.observed += cell.observed;
      small.expected += cell.expected;
      have_small = true;
    } else {
      pooled.push_back(cell);
    }
  }
  if (have_small) {
    if (small.expected < kMinExpected && !pooled.empty()) {
      auto smallest =
          std::min_element(pooled.begin(), pooled.end(),
                           [](const Cell& a, const Cell& b) { return a.expected < b.expected; });
      smallest->observed += small.observed;
      smallest->expected += small.expected;
    } else {
      pooled.push_back(small);
    }
  }

  double statistic = 0;
  for (const Cell& cell : pooled) {
    const double d = cell.observed - cell.expected;
    statistic += d * d / cell.expected;
  }
  result.statistic = statistic;
  result.cells = static_cast<int>(pooled.size());
  result.dof = result.cells - 1;
  if (result.dof > 0) {
    // P(X^2_k >= x) = Q(k/2, x/2), the regularised upper incomplete gamma function.
    result.p_value = boost::math::gamma_q(result.dof / 2.0, statistic / 2);
  }
  return result;
}

double nines_of(double unreliability) {
  if (std::isnan(unreliability)) return kNaN;
  if (unreliability <= 0) return kInf;
  return -std::log10(unreliability);
}

double dpmo_of(double unreliability) {
  return 1e6 * unreliability;
}

double sigma_level_of(double unreliability) {
  if (std::isnan(unreliability)) return kNaN;
  if (unreliability <= 0) return kInf;
  if (unreliability >= 1) return -kInf;
  // Phi^-1(1 - u) computed as the upper quantile of u, exact even when 1 - u rounds to 1.
  return upper_normal_quantile(unreliability) + 1.5;
}

MeanCi mean_ci(long double sum, long double squares, std::uint64_t n, double z) {
  MeanCi m;
  if (n == 0) return m;
  const long double nn = n;
  const long double mean = sum / nn;
  m.mean = static_cast<double>(mean);
  if (n < 2) return m;
  long double var = (squares - sum * mean) / (nn - 1);
  if (var < 0) var = 0;
  m.se = static_cast<double>(std::sqrt(var / nn));
  m.low = m.mean - z * m.se;
  m.high = m.mean + z * m.se;
  return m;
}

}  // namespace nines
