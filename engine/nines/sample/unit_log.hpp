#pragma once
// The natural logarithm of a uniform in (0, 1), as the time kernel's inverse CDFs need it: every
// exponential and Weibull duration is a standard exponential -log(u), scaled. It is fdlibm's
// __ieee754_log (the method behind most C libraries' log: u = 2^k (1 + f) with
// sqrt(2)/2 <= 1 + f < sqrt(2), and log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)) with
// s = f / (2 + f) and R a degree-7 polynomial) with one formula for every f, and without the
// branches for zero, negative, infinite and subnormal arguments, which a uniform never is.
//
// Why not std::log: a draw must be the same on every machine, and libm's last bit may differ
// between C libraries and their versions; this is a fixed sequence of IEEE operations (the
// build forbids fusing them into FMAs), so it is. And it has no branches and no calls: the
// loop in exponential_variates() turns into SIMD code (AVX2, AVX-512), one lane per uniform,
// with the same result in every lane width. It stays within 1 ulp of std::log over (0, 1)
// (tests/unit/sample/test_unit_log.cpp).
#include <bit>
#include <cstddef>
#include <cstdint>

namespace nines {

// u in [2^-1022, 1]; nothing checks it.
inline double unit_log(double u) noexcept {
  constexpr double ln2_hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000
  constexpr double ln2_lo = 1.90821492927058770002e-10;  // 0x3dea39ef35793c76
  constexpr double lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01,
                   lg3 = 2.857142874366239149e-01, lg4 = 2.222219843214978396e-01,
                   lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01,
                   lg7 = 1.479819860511658591e-01;
  constexpr std::uint64_t kMantissa = (std::uint64_t{1} << 52) - 1;
  constexpr std::uint64_t kExponentOne = std::uint64_t{0x3ff} << 52;
  const auto bits = std::bit_cast<std::uint64_t>(u);
  const std::uint64_t mantissa = bits & kMantissa;
  // 2^52 when the mantissa is at least sqrt(2) (0x6a09e in its top 20 bits), else 0: the
  // reduced value is then halved and k grows by one.
  const std::uint64_t over = (mantissa + (std::uint64_t{0x95f64} << 32)) & (std::uint64_t{1} << 52);
  const double f = std::bit_cast<double>(mantissa | (over ^ kExponentOne)) - 1.0;
  // k = exponent - 1023 (+ 1) as a double without an integer conversion (which AVX2 lacks for
  // 64-bit lanes): 2^52 + n has n in its low mantissa bits.
  constexpr std::uint64_t kTwo52 = std::uint64_t{0x433} << 52;
  const double dk =
      std::bit_cast<double>(kTwo52 | ((bits >> 52) + (over >> 52))) - (0x1.0p52 + 1023.0);
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (lg2 + w * (lg4 + w * lg6));
  const double t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
  const double r = t2 + t1;
  const double hfsq = 0.5 * f * f;
  return dk * ln2_hi - ((hfsq - (s * (hfsq + r) + dk * ln2_lo)) - f);
}

// out[i] = -unit_log(uniform from the 53 top bits of words[i]): standard exponential variates.
void exponential_variates(const std::uint64_t* words, double* out, std::size_t n) noexcept;

}  // namespace nines
