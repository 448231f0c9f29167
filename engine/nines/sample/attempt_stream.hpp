#pragma once
// The pieces every structure kernel shares: 64-bit thresholds ("bad iff u < t", exact to 2^-64
// per outcome) and the per-(request, attempt) draws of stream structure_attempt
// (random_streams.hpp): counter {request low, request high, 17, attempt << 20 | block}, two
// 64-bit uniforms per Philox block, one block cached.
#include <cmath>
#include <cstdint>
#include <limits>

#include "nines/sample/philox.hpp"
#include "nines/sample/random_streams.hpp"

namespace nines {

// 128-bit arithmetic for measures of the 64-bit draw space that can reach 2^64 itself
// (a GCC/Clang extension; __extension__ keeps -Wpedantic quiet about it).
__extension__ typedef unsigned __int128 Uint128;

inline constexpr long double kTwo64 = 18446744073709551616.0L;
// A threshold of 2^64 - 1 means "always": only a probability of exactly 1 produces it, since
// any double below 1 scales to at most 2^64 - 2^11.
inline constexpr std::uint64_t kAlways = std::numeric_limits<std::uint64_t>::max();

// "Bad iff u < t": t = round(2^64 p).
inline std::uint64_t threshold_of(long double p) {
  if (p >= 1) return kAlways;
  if (!(p > 0)) return 0;
  const long double scaled = std::round(p * kTwo64);
  return scaled >= kTwo64 ? kAlways - 1 : static_cast<std::uint64_t>(scaled);
}

inline bool below(std::uint64_t u, std::uint64_t t) noexcept {
  return u < t || t == kAlways;
}

class AttemptStream {
 public:
  AttemptStream(std::uint64_t seed, std::uint64_t request, std::uint32_t attempt) noexcept
      : key_(philox_key(seed)), request_(request), attempt_(attempt) {}

  // Draws 0 to count - 1 into out[0..count): the values operator() gives, computed in one
  // tight loop so that the CPU overlaps the independent Philox blocks instead of waiting for
  // each between the caller's branches (a resolved request reads all of them anyway).
  void fill(std::uint32_t count, std::uint64_t* out) const noexcept {
    for (std::uint32_t block = 0; 2 * block < count; ++block) {
      const PhiloxCounter x = philox4x32_10(
          {static_cast<std::uint32_t>(request_), static_cast<std::uint32_t>(request_ >> 32),
           static_cast<std::uint32_t>(RandomStream::structure_attempt), attempt_ << 20 | block},
          key_);
      out[2 * block] = std::uint64_t{x[1]} << 32 | x[0];
      if (2 * block + 1 < count) out[2 * block + 1] = std::uint64_t{x[3]} << 32 | x[2];
    }
  }

  std::uint64_t operator()(std::uint32_t index) noexcept {
    const std::uint32_t block = index / 2;
    if (block != cached_) {
      x_ = philox4x32_10(
          {static_cast<std::uint32_t>(request_), static_cast<std::uint32_t>(request_ >> 32),
           static_cast<std::uint32_t>(RandomStream::structure_attempt), attempt_ << 20 | block},
          key_);
      cached_ = block;
    }
    return index % 2 == 0 ? (std::uint64_t{x_[1]} << 32 | x_[0])
                          : (std::uint64_t{x_[3]} << 32 | x_[2]);
  }

 private:
  PhiloxKey key_;
  std::uint64_t request_;
  std::uint32_t attempt_;
  std::uint32_t cached_ = std::numeric_limits<std::uint32_t>::max();
  PhiloxCounter x_{};
};

// V in (0, 1] from the top 53 bits of a 64-bit uniform: never 0, so log(V) is finite. The
// geometric gap before the next "hit" of a Bernoulli(p) process is floor(log(V) / log(1 - p)).
inline double open_unit(std::uint64_t u) noexcept {
  return (static_cast<double>(u >> 11) + 1.0) * 0x1.0p-53;
}

}  // namespace nines
