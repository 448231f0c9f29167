// The tabulated quantiles of uncertainty/quantile_table.hpp against Boost.Math's exact ones,
// over the shapes posteriors take: few and many failures, Jeffreys' a = 1/2, large request
// counts, and Gamma rates; at p spread evenly in logit p over the whole range a design draws.
#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

#include "nines/uncertainty/quantile_table.hpp"

namespace {

double worst_relative_error(const nines::UncertainInput& in) {
  const nines::QuantileTable table(in);
  double worst = 0;
  const double lo = std::log(nines::QuantileTable::kMinP);
  for (int i = 0; i <= 4000; ++i) {
    const double t = lo + (-2 * lo) * i / 4000.0;  // logit p from logit(p_min) to its mirror
    const double p = 1 / (1 + std::exp(-t));
    if (!(p > nines::QuantileTable::kMinP && p < 1 - nines::QuantileTable::kMinP)) continue;
    const double exact = in.quantile(p);
    worst = std::max(worst, std::abs(table.quantile(p) - exact) / exact);
  }
  return worst;
}

nines::UncertainInput beta(double a, double b) {
  nines::UncertainInput in;
  in.shape = nines::UncertainShape::beta;
  in.a = a;
  in.b = b;
  return in;
}

}  // namespace

TEST_CASE("tabulated Beta and Gamma quantiles agree with the exact ones to 1e-6",
          "[quantile_table]") {
  for (const auto& [a, b] : {std::pair{0.5, 1000.5},
                             {3.5, 497.5},
                             {12.5, 3'099'988.5},
                             {40.5, 99'960.5},
                             {1.0, 1.0},
                             {2.0, 2000.0},
                             {500.5, 1500.5}}) {
    INFO("Beta(" << a << ", " << b << ")");
    const double e = worst_relative_error(beta(a, b));
    CHECK(e < 1e-6);
  }
  for (const auto& [k, rate] : {std::pair{0.5, 3.15e7}, {4.5, 3.15e7}, {100.5, 1.0}}) {
    nines::UncertainInput in;
    in.quantity = nines::UncertainQuantity::outage_rate;
    in.shape = nines::UncertainShape::gamma;
    in.a = k;
    in.b = rate;
    INFO("Gamma(" << k << ", rate " << rate << ")");
    CHECK(worst_relative_error(in) < 1e-6);
  }
}

TEST_CASE("closed-form shapes are passed through", "[quantile_table]") {
  nines::UncertainInput in;
  in.shape = nines::UncertainShape::uniform;
  in.a = 0.001;
  in.b = 0.01;
  CHECK(nines::QuantileTable(in).quantile(0.25) == in.quantile(0.25));
}
