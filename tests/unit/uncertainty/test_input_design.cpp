// The uniform draws of an uncertainty analysis (uncertainty/input_design.hpp): a Latin
// hypercube puts exactly one value of every column in each of the N strata; both designs are
// in (0, 1), fixed by the seed, and independent across matrices.
#include <algorithm>
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/uncertainty/input_design.hpp"

using nines::DesignKind;
using nines::uniform_design;

TEST_CASE("a Latin hypercube has one value per stratum in every column", "[input_design]") {
  const std::size_t n = 1000, k = 7;
  const std::vector<double> u = uniform_design(DesignKind::latin_hypercube, n, k, 42, 0);
  REQUIRE(u.size() == n * k);
  for (std::size_t f = 0; f < k; ++f) {
    std::vector<int> hits(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const double x = u[i * k + f];
      REQUIRE(x > 0);
      REQUIRE(x < 1);
      ++hits[static_cast<std::size_t>(x * n)];
    }
    CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
  }
}

TEST_CASE("designs are fixed by the seed and matrix, and differ between them", "[input_design]") {
  for (const DesignKind kind : {DesignKind::latin_hypercube, DesignKind::plain}) {
    const auto a = uniform_design(kind, 100, 3, 7, 0);
    CHECK(a == uniform_design(kind, 100, 3, 7, 0));
    CHECK(a != uniform_design(kind, 100, 3, 7, 1));
    CHECK(a != uniform_design(kind, 100, 3, 8, 0));
  }
}

TEST_CASE("plain draws are uniform", "[input_design]") {
  const std::size_t n = 100'000;
  const auto u = uniform_design(DesignKind::plain, n, 1, 3, 0);
  double sum = 0;
  std::size_t below_tenth = 0;
  for (const double x : u) {
    REQUIRE(x > 0);
    REQUIRE(x < 1);
    sum += x;
    below_tenth += x < 0.1 ? 1 : 0;
  }
  // Mean 1/2 with standard error sqrt(1/12 / n); P(x < 0.1) = 0.1 with sqrt(0.09 / n).
  CHECK(std::abs(sum / n - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(static_cast<double>(below_tenth) / n - 0.1) < 5 * std::sqrt(0.09 / n));
}
