#pragma once
// Quantiles of a per-history quantity over millions of histories with memory that does not
// grow with them, and with a result that does not depend on how the histories were split over
// threads and ranks: counts in fixed logarithmic bins, merged by integer addition.
//
// Bin 0 holds values <= 0 (an outage-free history's downtime is exactly 0), bins 1..N cover
// [kLow, kHigh) in steps of the ratio 1.01, and bin N+1 holds values >= kHigh (and NaN is
// never counted: the caller skips undefined values). A quantile is reported as the geometric
// middle of its bin, so it is within 0.5% of the value the whole sample would give (5,093
// bins per quantity; the tally is zeroed and merged per chunk, so it is kept small).
#include <cstddef>
#include <cstdint>
#include <span>

namespace nines {

class QuantileBins {
 public:
  static constexpr double kLow = 1e-9;
  static constexpr double kHigh = 1e13;
  static constexpr double kRatio = 1.01;
  // 1 + ceil(ln(kHigh / kLow) / ln(kRatio)) + 1
  static std::size_t size() noexcept;

  static std::size_t bin(double value) noexcept;
  // The value a bin stands for: 0 for bin 0, the geometric middle of a log bin, kHigh for the
  // overflow bin.
  static double representative(std::size_t bin) noexcept;

  // The nearest-rank p-quantile (p in [0, 1]) of the counted values; NaN when none.
  static double quantile(std::span<const std::uint64_t> counts, double p) noexcept;
};

// Exact sums of per-history non-negative integers up to 2^128 in a uint64 tally that merges by
// plain addition: a value is added as four 32-bit limbs, one per entry, so 2^32 additions
// cannot overflow an entry, and the total is recovered with the carries.
inline constexpr std::size_t kWideEntries = 4;

// GCC and Clang's 128-bit integer (__extension__: -Wpedantic knows it is not ISO C++).
__extension__ typedef unsigned __int128 Uint128;

inline void add_wide(std::uint64_t* entries, Uint128 value) noexcept {
  for (std::size_t i = 0; i < kWideEntries; ++i)
    entries[i] += static_cast<std::uint64_t>(value >> (32 * i)) & 0xffffffffu;
}

// The total; exact as long as it is below 2^128.
inline Uint128 wide_total(const std::uint64_t* entries) noexcept {
  Uint128 total = 0;
  for (std::size_t i = 0; i < kWideEntries; ++i)
    total += static_cast<Uint128>(entries[i]) << (32 * i);
  return total;
}

inline long double wide_value(const std::uint64_t* entries) noexcept {
  return static_cast<long double>(wide_total(entries));
}

}  // namespace nines
