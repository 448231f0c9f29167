// Sobol indices (uncertainty/sobol_indices.hpp) of functions whose indices are known in closed
// form: an additive function and the Ishigami function, each within 5 bootstrap standard
// deviations.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/uncertainty/input_design.hpp"
#include "nines/uncertainty/sobol_indices.hpp"

namespace {

template <class F>
std::vector<nines::SobolIndex> indices_of(F f, std::size_t k, std::size_t n) {
  using nines::DesignKind;
  const auto a = nines::uniform_design(DesignKind::plain, n, k, 11, 0);
  const auto b = nines::uniform_design(DesignKind::plain, n, k, 11, 1);
  std::vector<double> fa(n), fb(n), fab(n * k), row(k);
  for (std::size_t i = 0; i < n; ++i) {
    fa[i] = f(&a[i * k]);
    fb[i] = f(&b[i * k]);
    for (std::size_t j = 0; j < k; ++j) {
      std::copy_n(&a[i * k], k, row.begin());
      row[j] = b[i * k + j];
      fab[j * n + i] = f(row.data());
    }
  }
  return nines::sobol_indices(fa, fb, fab, k, 5);
}

}  // namespace

TEST_CASE("an additive function's indices are its shares of the variance", "[sobol_indices]") {
  // f = sum c_j x_j over independent uniforms: V_j = c_j^2 / 12, S_j = ST_j = c_j^2 / sum c^2.
  const std::vector<double> c = {1, 2, 0.5, 0};
  const auto s = indices_of(
      [&](const double* x) { return c[0] * x[0] + c[1] * x[1] + c[2] * x[2] + c[3] * x[3]; }, 4,
      20'000);
  const double total = 1 + 4 + 0.25;
  for (std::size_t j = 0; j < c.size(); ++j) {
    const double exact = c[j] * c[j] / total;
    INFO("factor " << j << ": S " << s[j].first_order << " ± " << s[j].first_order_error << ", ST "
                   << s[j].total << " ± " << s[j].total_error);
    CHECK(std::abs(s[j].first_order - exact) < 5 * s[j].first_order_error + 1e-9);
    CHECK(std::abs(s[j].total - exact) < 5 * s[j].total_error + 1e-9);
    CHECK(s[j].first_order_error < 0.02);
  }
}

TEST_CASE("the Ishigami function's indices", "[sobol_indices]") {
  // f = sin x1 + 7 sin^2 x2 + 0.1 x3^4 sin x1 on [-pi, pi]^3 (Ishigami and Homma 1990): with
  // a = 7, b = 0.1, V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = b pi^4/5 + b^2 pi^8/50 + 1/2,
  // V2 = a^2/8, V3 = 0, VT3 = V13 = 8 b^2 pi^8 / 225.
  const double pi = M_PI, a = 7, b = 0.1;
  const auto s = indices_of(
      [&](const double* u) {
        const double x1 = -pi + 2 * pi * u[0], x2 = -pi + 2 * pi * u[1], x3 = -pi + 2 * pi * u[2];
        return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
      },
      3, 50'000);
  const double v = a * a / 8 + b * std::pow(pi, 4) / 5 + b * b * std::pow(pi, 8) / 18 + 0.5;
  const double v1 = b * std::pow(pi, 4) / 5 + b * b * std::pow(pi, 8) / 50 + 0.5;
  const double v2 = a * a / 8;
  const double vt3 = 8 * b * b * std::pow(pi, 8) / 225;
  CHECK(std::abs(s[0].first_order - v1 / v) < 5 * s[0].first_order_error);
  CHECK(std::abs(s[1].first_order - v2 / v) < 5 * s[1].first_order_error);
  CHECK(std::abs(s[2].first_order) < 5 * s[2].first_order_error);
  CHECK(std::abs(s[2].total - vt3 / v) < 5 * s[2].total_error);
  CHECK(std::abs(s[0].total - (v1 + vt3) / v) < 5 * s[0].total_error);
}

TEST_CASE("a constant response has no indices", "[sobol_indices]") {
  const std::vector<double> f(10, 0.25), fab(20, 0.25);
  const auto s = nines::sobol_indices(f, f, fab, 2, 1);
  CHECK(std::isnan(s[0].first_order));
  CHECK(std::isnan(s[1].total));
}
