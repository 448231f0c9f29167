#pragma once
// The statistics behind every verdict nines prints. Pure functions, no I/O.
// References: Wilson (1927) score interval; Pearson's chi-square goodness of fit with the
// usual pooling of cells whose expected count is below 5 (Cochran 1954).
#include <cstdint>
#include <limits>
#include <vector>

namespace nines {

struct Interval {
  double low = 0;
  double high = 1;
};

// Two-sided Wilson score interval for a binomial proportion successes/trials at `level`
// (e.g. 0.95). trials must be > 0.
Interval wilson_interval(std::uint64_t successes, std::uint64_t trials, double level);

// The standard normal quantile z with P(|Z| < z) = level, e.g. 1.959963984540054 for 0.95.
double two_sided_normal_quantile(double level);

// Mean and confidence interval (mean +- z se) of a per-history quantity from its sum and sum
// of squares over n independent histories (normal approximation): NaN without histories, and
// an interval only from n >= 2.
struct MeanCi {
  double mean = std::numeric_limits<double>::quiet_NaN();
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
  double se = std::numeric_limits<double>::quiet_NaN();
};
MeanCi mean_ci(long double sum, long double squares, std::uint64_t n, double z);

// (p_hat - p0) / sqrt(p0 (1 - p0) / n). When p0 is 0 or 1 the variance is zero: the score is
// 0 if p_hat == p0 and +-infinity otherwise.
double binomial_z_score(std::uint64_t successes, std::uint64_t trials, double p0);

// Two-sided p-value of a standard normal score: P(|Z| >= |z|).
double two_sided_normal_p_value(double z);

// Exact two-sided binomial test of `successes` in `trials` against probability p0: twice the
// smaller tail, P(X <= successes) or P(X >= successes) for X ~ Binomial(trials, p0), capped
// at 1. Unlike the normal p-value of the z-score it stays right when few successes are
// expected: with 0.01 expected, one observed success has z = 9.9 (normal p 4e-23) but an exact
// p of 0.02. When p0 is 0 or 1, p is 1 if the count is the only possible one, else 0.
double binomial_two_sided_p_value(std::uint64_t successes, std::uint64_t trials, double p0);

struct ChiSquareResult {
  double statistic = 0;  // Pearson's X^2 after pooling
  int dof = 0;           // cells after pooling minus one; 0 when the test is undefined
  double p_value = 1;    // P(X^2_dof >= statistic); NaN when dof == 0
  int cells = 0;         // cells after pooling
};

// Goodness of fit of observed counts against expected probabilities (not necessarily summing
// to 1: they are renormalised over the cells). Cells with zero expected probability and zero
// observations are dropped; a cell with zero expectation but observations makes p = 0.
// Cells whose expected count is below 5 are pooled into one; if that pool is still below 5 it
// joins the smallest remaining cell.
ChiSquareResult chi_square_goodness_of_fit(const std::vector<std::uint64_t>& observed,
                                           const std::vector<double>& expected_probability);

// Reliability in the units people quote. All take the unreliability u = 1 - R so that
// values near 1 keep their precision.
double nines_of(double unreliability);  // -log10(u); +inf when u == 0
double dpmo_of(double unreliability);   // defects per million opportunities, 1e6 u
// Six Sigma process sigma level with the conventional 1.5-sigma long-term shift:
// Phi^-1(1 - u) + 1.5. 3.4 DPMO -> 6.0. +inf when u == 0, -inf when u == 1.
double sigma_level_of(double unreliability);

}  // namespace nines
