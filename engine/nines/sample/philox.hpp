#pragma once
// Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
// numbers: as easy as 1, 2, 3" (SC11), bit-compatible with Random123's philox4x32_R(10, ...).
//
// A counter-based generator is a pure function (counter, key) -> 128 random bits. That is what
// makes nines deterministic: the bits for request i are computed from (seed, i) alone, so no
// thread, chunk size or machine count can change them. Boost 1.74 has no such engine, so this
// file also wraps the block function as a Boost.Random-style engine for code that wants one.
#include <array>
#include <cstdint>
#include <limits>

namespace nines {

using PhiloxCounter = std::array<std::uint32_t, 4>;
using PhiloxKey = std::array<std::uint32_t, 2>;

namespace philox_detail {
inline constexpr std::uint32_t kMul0 = 0xD2511F53u;
inline constexpr std::uint32_t kMul1 = 0xCD9E8D57u;
inline constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;  // golden ratio
inline constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;  // sqrt(3) - 1

constexpr void round(std::uint32_t& c0, std::uint32_t& c1, std::uint32_t& c2, std::uint32_t& c3,
                     std::uint32_t k0, std::uint32_t k1) noexcept {
  const std::uint64_t p0 = std::uint64_t{kMul0} * c0;
  const std::uint64_t p1 = std::uint64_t{kMul1} * c2;
  const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
  const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
  c0 = hi1 ^ c1 ^ k0;
  c1 = lo1;
  c2 = hi0 ^ c3 ^ k1;
  c3 = lo0;
}
}  // namespace philox_detail

// The block function: ten rounds, the key bumped by the Weyl constants between rounds.
constexpr PhiloxCounter philox4x32_10(PhiloxCounter ctr, PhiloxKey key) noexcept {
  std::uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 += philox_detail::kWeyl0;
      k1 += philox_detail::kWeyl1;
    }
    philox_detail::round(c0, c1, c2, c3, k0, k1);
  }
  return {c0, c1, c2, c3};
}

// A uniform random bit generator over philox4x32_10 with the Boost.Random engine interface
// (result_type, min, max, operator(), seed, discard, ==). The key is the 64-bit seed; the
// counter's high word selects an independent stream, the low 96 bits count blocks.
class Philox4x32Engine {
 public:
  using result_type = std::uint32_t;
  static constexpr bool has_fixed_range = true;
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  Philox4x32Engine() noexcept { seed(0); }
  explicit Philox4x32Engine(std::uint64_t seed_value, std::uint32_t stream = 0) noexcept {
    seed(seed_value, stream);
  }

  // Starts at an arbitrary counter, e.g. one that names a chunk (the counter's first word is
  // the one that counts blocks).
  Philox4x32Engine(std::uint64_t seed_value, const PhiloxCounter& start) noexcept {
    seed(seed_value);
    counter_ = start;
  }

  void seed(std::uint64_t seed_value = 0, std::uint32_t stream = 0) noexcept {
    key_ = {static_cast<std::uint32_t>(seed_value), static_cast<std::uint32_t>(seed_value >> 32)};
    counter_ = {0, 0, 0, stream};
    index_ = 4;
  }

  result_type operator()() noexcept {
    if (index_ == 4) {
      block_ = philox4x32_10(counter_, key_);
      increment_counter();
      index_ = 0;
    }
    return block_[index_++];
  }

  void discard(std::uint64_t n) noexcept {
    // Skip whole blocks by arithmetic on the counter, then the remainder one by one.
    const std::uint64_t buffered = 4 - index_;
    if (n <= buffered) {
      index_ += static_cast<unsigned>(n);
      return;
    }
    n -= buffered;
    index_ = 4;
    const std::uint64_t blocks = n / 4;
    const std::uint64_t low = (std::uint64_t{counter_[1]} << 32 | counter_[0]) + blocks;
    if (low < blocks) ++counter_[2];  // carry into the third word
    counter_[0] = static_cast<std::uint32_t>(low);
    counter_[1] = static_cast<std::uint32_t>(low >> 32);
    for (std::uint64_t i = 0; i < n % 4; ++i) (*this)();
  }

  friend bool operator==(const Philox4x32Engine& a, const Philox4x32Engine& b) noexcept {
    // Equal when they will produce the same future sequence.
    return a.key_ == b.key_ && a.counter_ == b.counter_ && a.index_ == b.index_ &&
           (a.index_ == 4 || a.block_ == b.block_);
  }
  friend bool operator!=(const Philox4x32Engine& a, const Philox4x32Engine& b) noexcept {
    return !(a == b);
  }

 private:
  void increment_counter() noexcept {
    if (++counter_[0] == 0 && ++counter_[1] == 0) ++counter_[2];
  }

  PhiloxKey key_{};
  PhiloxCounter counter_{};
  PhiloxCounter block_{};
  unsigned index_ = 4;
};

}  // namespace nines
