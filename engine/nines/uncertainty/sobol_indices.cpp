#include "nines/uncertainty/sobol_indices.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <tbb/parallel_for.h>

#include "nines/sample/philox.hpp"

namespace nines {
namespace {

// Bootstrap streams of the seed: distinct from the designs' (input_design.cpp uses
// matrix << 20 | factor with matrix < 2^11).
constexpr std::uint32_t kBootstrapStream = 0xB0000000u;

struct Estimate {
  double first = 0, total = 0;
};

// The indices over the rows `rows` (the identity for the estimate itself, a resample for the
// bootstrap). Sums are centred on the mean of f(A) and f(B) so that values close together
// (unreliabilities near 1e-6) lose no precision.
std::vector<Estimate> estimate(std::span<const double> a, std::span<const double> b,
                               std::span<const double> ab, std::size_t factors,
                               const std::vector<std::size_t>& rows) {
  const std::size_t n = rows.size();
  long double shift = 0;
  for (const std::size_t i : rows) shift += a[i] + b[i];
  shift /= static_cast<long double>(2 * n);
  long double squares = 0;
  for (const std::size_t i : rows) {
    const long double da = a[i] - shift, db = b[i] - shift;
    squares += da * da + db * db;
  }
  const long double variance = squares / static_cast<long double>(2 * n);
  std::vector<Estimate> out(factors);
  for (std::size_t j = 0; j < factors; ++j) {
    const double* abj = ab.data() + j * a.size();
    long double first = 0, total = 0;
    for (const std::size_t i : rows) {
      const long double diff = static_cast<long double>(abj[i]) - a[i];
      first += (b[i] - shift) * diff;
      total += diff * diff;
    }
    out[j].first = static_cast<double>(first / static_cast<long double>(n) / variance);
    out[j].total = static_cast<double>(total / static_cast<long double>(2 * n) / variance);
  }
  return out;
}

}  // namespace

std::vector<SobolIndex> sobol_indices(std::span<const double> f_a, std::span<const double> f_b,
                                      std::span<const double> f_ab, std::size_t factors,
                                      std::uint64_t seed, std::size_t resamples) {
  const std::size_t n = f_a.size();
  if (f_b.size() != n || f_ab.size() != n * factors || n < 2)
    throw std::invalid_argument("sobol_indices: sizes do not match");
  std::vector<SobolIndex> out(factors);
  bool constant = true;
  for (std::size_t i = 0; i < n && constant; ++i) constant = f_a[i] == f_a[0] && f_b[i] == f_a[0];
  if (constant) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (SobolIndex& s : out) s = {nan, nan, nan, nan};
    return out;
  }
  std::vector<std::size_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = i;
  const std::vector<Estimate> point = estimate(f_a, f_b, f_ab, factors, rows);
  std::vector<long double> sum_first(factors, 0), sq_first(factors, 0), sum_total(factors, 0),
      sq_total(factors, 0);
  // Resample r draws its rows from stream r, so the resamples can run on any thread; their
  // sums are taken afterwards in resample order.
  std::vector<std::vector<Estimate>> replicas(resamples);
  tbb::parallel_for(std::size_t{0}, resamples, [&](std::size_t r) {
    Philox4x32Engine engine(seed, kBootstrapStream + static_cast<std::uint32_t>(r));
    std::vector<std::size_t> drawn(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t x = (std::uint64_t{engine()} << 32) | engine();
      drawn[i] = static_cast<std::size_t>(x % n);  // bias below n / 2^64
    }
    replicas[r] = estimate(f_a, f_b, f_ab, factors, drawn);
  });
  std::size_t used = 0;
  for (const std::vector<Estimate>& e : replicas) {
    if (!std::isfinite(e.empty() ? 0.0 : e[0].first)) continue;  // a resample without variance
    ++used;
    for (std::size_t j = 0; j < factors; ++j) {
      sum_first[j] += e[j].first;
      sq_first[j] += static_cast<long double>(e[j].first) * e[j].first;
      sum_total[j] += e[j].total;
      sq_total[j] += static_cast<long double>(e[j].total) * e[j].total;
    }
  }
  const auto deviation = [&](long double sum, long double squares) {
    if (used < 2) return std::numeric_limits<double>::quiet_NaN();
    const long double m = sum / static_cast<long double>(used);
    const long double v =
        (squares - m * m * static_cast<long double>(used)) / static_cast<long double>(used - 1);
    return static_cast<double>(std::sqrt(v > 0 ? v : 0));
  };
  for (std::size_t j = 0; j < factors; ++j) {
    out[j].first_order = point[j].first;
    out[j].total = point[j].total;
    out[j].first_order_error = deviation(sum_first[j], sq_first[j]);
    out[j].total_error = deviation(sum_total[j], sq_total[j]);
  }
  return out;
}

}  // namespace nines
