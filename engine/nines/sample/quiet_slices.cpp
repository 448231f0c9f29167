#include "nines/sample/quiet_slices.hpp"

#include <algorithm>
#include <boost/math/distributions/poisson.hpp>
#include <cmath>
#include <limits>

namespace nines {

double quiet_bad_probability(double p, double threshold, double n) {
  if (!(n > 0) || !(p > 0)) return 0;
  if (!(p < 1)) return 1;
  const double mf = p * n, mg = (1 - p) * n;
  const boost::math::poisson_distribution<double> good(mg);
  // Sum over the errors f of P(F = f) P(G <= the most good requests with which f errors still
  // exceed the threshold), over f within 40 standard deviations of the mean (beyond, P(F = f)
  // is below 1e-300). P(F = f) is taken from its logarithm: from exp(-mf) up by the recurrence
  // it would underflow to 0 for means above about 745 and make every slice good.
  const double spread = 40 * std::sqrt(mf) + 40;
  const double first = std::max(1.0, std::floor(mf - spread));
  const double last = mf + spread;
  const double log_mf = std::log(mf);
  double total = 0;
  for (double f = first; f <= last; ++f) {
    const double pf = std::exp(f * log_mf - mf - std::lgamma(f + 1));
    if (pf == 0) continue;
    // f (1 - t) > t g  <=>  g < f (1 - t) / t.
    const double g_max = std::ceil(f * (1 - threshold) / threshold) - 1;
    if (g_max < 0) continue;
    total += pf * boost::math::cdf(good, g_max);
  }
  return std::min(1.0, total);
}

QuietSlices::QuietSlices(double p, double threshold, double share, double slice, double horizon,
                         const TrafficIntegral& traffic)
    : p_(p),
      threshold_(threshold),
      share_(share),
      slice_(slice),
      horizon_(horizon),
      traffic_(&traffic),
      per_week_(static_cast<std::uint64_t>(std::llround(7 * 86400.0 / slice))),
      week_(per_week_, std::numeric_limits<double>::quiet_NaN()) {}

double QuietSlices::expected_requests(std::uint64_t e) const {
  const double a = static_cast<double>(e - 1) * slice_;
  const double b = std::min(horizon_, static_cast<double>(e) * slice_);
  // Rounded to 40 significant bits (a relative change below 1e-12): the slices of one hour at
  // a constant rate then have bit-equal means, and so form one run of equal probability,
  // although the integral's rounding differs in the last bits from slice to slice.
  int exponent = 0;
  const double mantissa = std::frexp(share_ * (traffic_->at(b) - traffic_->at(a)), &exponent);
  return std::ldexp(std::round(std::ldexp(mantissa, 40)), exponent - 40);
}

double QuietSlices::probability(std::uint64_t e) {
  // The traffic repeats every week: a whole slice's n depends only on its place in the week
  // (computed there, in the first week, so that equal places give bit-equal values).
  if (static_cast<double>(e) * slice_ > horizon_)
    return quiet_bad_probability(p_, threshold_, expected_requests(e));
  const std::uint64_t at = (e - 1) % per_week_;
  double& cached = week_[at];
  if (std::isnan(cached)) cached = quiet_bad_probability(p_, threshold_, expected_requests(at + 1));
  return cached;
}

void QuietSlices::draw(const std::vector<std::array<std::uint64_t, 2>>& ends, OutageStream& stream,
                       std::vector<std::array<std::uint64_t, 2>>& bad) {
  const auto mark = [&](std::uint64_t e) {
    if (!bad.empty() && bad.back()[1] + 1 == e)
      bad.back()[1] = e;
    else
      bad.push_back({e, e});
  };
  for (const auto& range : ends) {
    std::uint64_t e = range[0];
    while (e <= range[1]) {
      // A run of ends with the same probability, then geometric skips through it.
      const double q = probability(e);
      std::uint64_t run_end = e;
      while (run_end < range[1] && probability(run_end + 1) == q) ++run_end;
      if (q >= 1) {
        for (std::uint64_t x = e; x <= run_end; ++x) mark(x);
      } else if (q > 0) {
        const double log_miss = std::log1p(-q);
        std::uint64_t x = e;
        while (true) {
          const double skip = std::floor(std::log(stream.open_uniform()) / log_miss);
          if (skip > static_cast<double>(run_end - x)) break;
          x += static_cast<std::uint64_t>(skip);
          mark(x);
          if (x == run_end) break;
          ++x;
        }
      }
      e = run_end + 1;
    }
  }
}

}  // namespace nines
