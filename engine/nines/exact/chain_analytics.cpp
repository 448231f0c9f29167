#include "nines/exact/chain_analytics.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace nines {

ChainAnalytics::ChainAnalytics(std::vector<double> reliabilities)
    : reliabilities_(std::move(reliabilities)) {
  // Long double (64-bit mantissa on x86-64) keeps the thresholds exact to the last of their 64
  // bits. The probability that one of the first k+1 components fails is 1 - prod_{j<=k} r_j;
  // it is computed as -expm1(sum log1p(-(1 - r_j))) so that highly reliable chains, where that
  // difference is 1e-12 or smaller, do not lose their digits to cancellation.
  long double log_survival = 0;  // sum_{j<=k} log r_j
  long double survival = 1;      // prod_{j<=k} r_j
  long double previous_failure = 0;
  first_failure_.reserve(size());
  thresholds_.reserve(size());
  constexpr long double kTwo64 = 18446744073709551616.0L;
  for (const double r : reliabilities_) {
    const long double unreliability = 1.0L - static_cast<long double>(r);
    first_failure_.push_back(static_cast<double>(survival * unreliability));
    log_survival += std::log1p(-unreliability);
    survival *= r;
    const long double failure_so_far = survival == 0 ? 1.0L : -std::expm1(log_survival);
    previous_failure = failure_so_far;
    const long double scaled = std::round(failure_so_far * kTwo64);
    thresholds_.push_back(scaled >= kTwo64 ? std::numeric_limits<std::uint64_t>::max()
                                           : static_cast<std::uint64_t>(scaled));
  }
  reliability_ = static_cast<double>(survival);
  unreliability_ = static_cast<double>(previous_failure);
}

}  // namespace nines
