#pragma once
// Fast quantiles of an uncertain input (model/uncertain_input.hpp) for the many draws of an
// uncertainty analysis. Boost.Math's Beta and Gamma quantiles iterate on the incomplete
// functions and cost about 15 us each; 10,000 draws of 100 inputs would spend 15 s there
// instead of evaluating the service. So those two shapes are tabulated once per input:
//   nodes x_j evenly spaced in y = logit x (Beta) or log x (Gamma) between the exact quantiles
//   of p_min and 1 - p_min (the extremes a draw can take), then split in y until no two
//   neighbours are more than kMaxStep apart in t, each with t_j = logit(CDF(x_j))
//   (the upper tail from the complementary CDF, so nothing rounds to 1) and the exact slope
//   dy/dt = y'(x) p (1 - p) / pdf(x);
//   a quantile is the cubic Hermite interpolant of y in t = logit(p) between the two nodes
//   around it (binary search), exact at the nodes and O(h^4) between them.
// Its relative error is below 1e-6 over (p_min, 1 - p_min) for the shapes a posterior
// takes (1e-7 measured; tests/unit/uncertainty/test_quantile_table.cpp checks it against the
// exact quantile): far below what any input distribution is known to, and the draws stay in
// their Latin-hypercube strata. Lognormal and uniform quantiles are closed forms and are used
// directly.
#include <cstddef>
#include <vector>

#include "nines/model/uncertain_input.hpp"

namespace nines {

class QuantileTable {
 public:
  // The table covers p in [kMinP, 1 - kMinP]: every uniform of a plain design (input_design.cpp:
  // (bits + 0.5) 2^-52) and nearly all of a Latin hypercube's; beyond it the exact quantile is
  // used.
  static constexpr double kMinP = 0x1.0p-53;
  static constexpr int kStartNodes = 129;
  static constexpr double kMaxStep = 0.2;  // in logit p
  static constexpr std::size_t kMaxNodes = 8192;

  explicit QuantileTable(const UncertainInput& input);

  // The p-quantile of the input, p in (0, 1).
  double quantile(double p) const;

 private:
  UncertainInput input_;
  bool tabulated_ = false;
  std::vector<double> t_, y_, slope_;  // logit p, log x, d log x / d logit p
};

}  // namespace nines
