#include "nines/uncertainty/input_design.hpp"

#include <numeric>
#include <stdexcept>

#include "nines/sample/philox.hpp"

namespace nines {
namespace {

// A double in [2^-53, 1 - 2^-53] from 52 random bits: never 0 or 1, so every quantile is
// finite ((2^52 - 1 + 0.5) 2^-52 is exactly 1 - 2^-53).
double open_unit(Philox4x32Engine& engine) {
  const std::uint64_t hi = engine(), lo = engine();
  const std::uint64_t bits = ((hi << 32) | lo) >> 12;
  return (static_cast<double>(bits) + 0.5) * 0x1.0p-52;
}

// Stream of factor f in design `matrix`: distinct for every (matrix, factor) pair in use.
std::uint32_t stream_of(std::uint32_t matrix, std::size_t factor) {
  return (matrix << 20) | static_cast<std::uint32_t>(factor);
}

}  // namespace

std::string to_string(DesignKind kind) {
  return kind == DesignKind::latin_hypercube ? "latin-hypercube" : "plain";
}

std::vector<double> uniform_design(DesignKind kind, std::size_t rows, std::size_t factors,
                                   std::uint64_t seed, std::uint32_t matrix) {
  if (factors >= (std::size_t{1} << 20) || matrix >= (1u << 11))
    throw std::invalid_argument("uniform_design: too many factors or matrices");
  std::vector<double> u(rows * factors);
  std::vector<std::size_t> order(rows);
  for (std::size_t f = 0; f < factors; ++f) {
    Philox4x32Engine engine(seed, stream_of(matrix, f));
    if (kind == DesignKind::plain) {
      for (std::size_t i = 0; i < rows; ++i) u[i * factors + f] = open_unit(engine);
      continue;
    }
    // Fisher-Yates over the strata, with an unbiased bounded draw (Lemire's rejection).
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t i = rows; i > 1; --i) {
      const std::uint64_t bound = i;
      std::uint64_t r;
      do {
        r = (std::uint64_t{engine()} << 32) | engine();
      } while (r >= UINT64_MAX - UINT64_MAX % bound);
      std::swap(order[i - 1], order[r % bound]);
    }
    const double width = 1.0 / static_cast<double>(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      const double x = (static_cast<double>(order[i]) + open_unit(engine)) * width;
      u[i * factors + f] = x < 1 ? x : 1 - 0x1.0p-53;  // rounding may reach 1
    }
  }
  return u;
}

}  // namespace nines
