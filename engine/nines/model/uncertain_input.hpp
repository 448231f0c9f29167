#pragma once
// An input known only up to a distribution (scenario formats 2 and 3): a component's per-call
// reliability estimated from observed failures, or its outage rate estimated from observed
// outages, or either given directly as a distribution (README "Uncertain inputs").
//
// The distribution is always of the quantity that is small and positive, as in PSA practice
// (the Open-PSA model exchange format gives failure probabilities and rates, not
// reliabilities):
//   reliability   X = the per-call unreliability q = 1 - reliability, in [0, 1];
//   outage_rate   X = the rate of outages lambda, per second (`every` is 1 / lambda).
// Shapes and their parameters:
//   beta       a = alpha > 0, b = beta > 0
//   gamma      a = shape k > 0, b = rate > 0 (per second for rates)
//   lognormal  a = mu, b = sigma > 0 of ln X; for an unreliability truncated to X <= 1 (a
//              failure probability cannot exceed 1): the distribution of X given X <= 1
//   uniform    a = low, b = high, low < high
// Evidence (`observed:`) becomes the conjugate posterior (input/uncertain_fields.cpp):
//   f failures in n requests, prior Beta(a0, b0) on q   ->  q ~ Beta(f + a0, n - f + b0)
//   m outages over exposure T, prior Gamma(k0, T0)      ->  lambda ~ Gamma(m + k0, T + T0)
// with Jeffreys' priors by default: Beta(1/2, 1/2) and Gamma(1/2, 0) (density ~ lambda^-1/2).
//
// Everywhere a point value is needed (`nines run`, `nines allocate`) the posterior mean is
// used: reliability 1 - E[q], and `every` an exponential with mean 1 / E[lambda] (the mean
// rate, not the mean of 1 / lambda, which is infinite for small m under Jeffreys' prior).
#include <string>

namespace nines {

enum class UncertainQuantity { reliability, outage_rate };
enum class UncertainShape { beta, gamma, lognormal, uniform };

std::string to_string(UncertainQuantity quantity);
std::string to_string(UncertainShape shape);

struct UncertainInput {
  UncertainQuantity quantity = UncertainQuantity::reliability;
  UncertainShape shape = UncertainShape::beta;
  double a = 0;
  double b = 0;
  // Components of one population share one draw per sample (the same uniform, so the same
  // value when their distributions agree); "" = the declaration's own population.
  std::string population;
  // Where the distribution comes from, for reports: "observed 12 failures in 3,100,000
  // requests, Jeffreys prior Beta(0.5, 0.5)", "lognormal(median 1e-04, error factor 3)".
  std::string origin;

  // The distribution of X (see above), in closed form.
  double mean() const;
  double variance() const;
  // The p-quantile of X, p in [0, 1] (truncated lognormal: of X given X <= 1).
  double quantile(double p) const;
  // P(X <= x).
  double cdf(double x) const;
  // The largest value X may take: 1 for an unreliability, +inf for a rate.
  double upper() const noexcept;
  // "beta(12.5, 3099988.5)", "gamma(shape 4.5, rate 1.4e-07/s)": for reports.
  std::string describe() const;
};

// The point value of an input (its mean), as the component's reliability or as the mean time
// between outages in seconds.
double point_reliability(const UncertainInput& input);
double point_mean_time_between_outages(const UncertainInput& input);

}  // namespace nines
