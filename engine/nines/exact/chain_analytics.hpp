#pragma once
// The analytic chain: a request meets components in order and stops at the first failure.
// From the reliabilities r_k this computes the exact service reliability prod r_k, the
// probability q_k that component k is the first to fail (prod_{j<k} r_j * (1 - r_k)), and
// the integer thresholds the sampler compares one 64-bit uniform draw against.
#include <cstdint>
#include <vector>

namespace nines {

class ChainAnalytics {
 public:
  explicit ChainAnalytics(std::vector<double> reliabilities);

  std::size_t size() const noexcept { return reliabilities_.size(); }
  const std::vector<double>& reliabilities() const noexcept { return reliabilities_; }

  // prod_k r_k.
  double reliability() const noexcept { return reliability_; }
  // 1 - prod_k r_k, computed without cancellation so that 1 - 1e-15 keeps its digits.
  double unreliability() const noexcept { return unreliability_; }
  // q_k = P(component k is the first to fail); sum_k q_k = unreliability().
  const std::vector<double>& first_failure_probability() const noexcept { return first_failure_; }

  // Cumulative thresholds t_k = round(2^64 * sum_{j<=k} q_j), saturated at 2^64 - 1.
  // A uniform 64-bit draw u fails the request at the smallest k with u < t_k, and succeeds
  // when u >= t_{K-1}. Each outcome's probability is exact to within 2^-64.
  const std::vector<std::uint64_t>& thresholds() const noexcept { return thresholds_; }

 private:
  std::vector<double> reliabilities_;
  double reliability_ = 1;
  double unreliability_ = 0;
  std::vector<double> first_failure_;
  std::vector<std::uint64_t> thresholds_;
};

}  // namespace nines
