#pragma once
// Variance-based sensitivity (Sobol indices) of the service value to each uncertain factor,
// by the radial scheme of Saltelli et al. ("Variance based sensitivity analysis of model
// output", Computer Physics Communications 181, 2010): two independent designs A and B of N
// rows, and for each factor j the design AB_j = A with column j taken from B. With
// V = the variance of f over A and B together,
//   first order  S_j  = (1/N) sum_i f(B)_i (f(AB_j)_i - f(A)_i) / V        (Saltelli 2010)
//   total        ST_j = (1/2N) sum_i (f(A)_i - f(AB_j)_i)^2 / V            (Jansen 1999)
// S_j is the share of the variance that factor j explains alone, ST_j its share including
// every interaction; for an additive response S_j = ST_j, and sum_j S_j = 1.
// Estimation error: the standard deviation of each index over `resamples` bootstrap
// resamples of the N rows (rows drawn with replacement from a counter-based stream of
// `seed`), so the errors, like the indices, are the same for any thread count.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace nines {

struct SobolIndex {
  double first_order = 0;
  double first_order_error = 0;  // bootstrap standard deviation
  double total = 0;
  double total_error = 0;
};

// f_a, f_b: N values each; f_ab: factors x N values (factor-major). When the values do not
// vary (V = 0) every index is NaN.
std::vector<SobolIndex> sobol_indices(std::span<const double> f_a, std::span<const double> f_b,
                                      std::span<const double> f_ab, std::size_t factors,
                                      std::uint64_t seed, std::size_t resamples = 200);

}  // namespace nines
