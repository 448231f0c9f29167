#pragma once
// Philox4x32-10 for many consecutive counters at once. The scalar block function in
// philox.hpp is the definition; this computes the same values, laid out structure-of-arrays so
// the compiler turns each round into vector multiplies (SSE2 pmuludq by default, AVX2 with
// -DNINES_NATIVE=ON). tests/unit/test_philox.cpp holds it to the scalar function bit for bit.
#include <cstddef>
#include <cstdint>

#include "nines/philox.hpp"

namespace nines {

// Blocks generated per call: enough independent lanes to fill the vector units and hide the
// multiply latency, few enough that the state stays in registers and L1.
inline constexpr std::size_t kPhiloxBulkBlocks = 16;

// out[2j] and out[2j+1] get the low and high 64-bit halves of
// philox4x32_10({lo(first_block + j), hi(first_block + j), stream, 0}, key), j < kPhiloxBulkBlocks.
inline void philox_bulk_uniforms(PhiloxKey key, std::uint32_t stream, std::uint64_t first_block,
                                 std::uint64_t* __restrict out) noexcept {
  constexpr std::size_t B = kPhiloxBulkBlocks;
  alignas(64) std::uint32_t c0[B], c1[B], c2[B], c3[B];
  for (std::size_t j = 0; j < B; ++j) {
    const std::uint64_t block = first_block + j;
    c0[j] = static_cast<std::uint32_t>(block);
    c1[j] = static_cast<std::uint32_t>(block >> 32);
    c2[j] = stream;
    c3[j] = 0;
  }
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 += philox_detail::kWeyl0;
      k1 += philox_detail::kWeyl1;
    }
    for (std::size_t j = 0; j < B; ++j) {
      const std::uint64_t p0 = std::uint64_t{philox_detail::kMul0} * c0[j];
      const std::uint64_t p1 = std::uint64_t{philox_detail::kMul1} * c2[j];
      const auto n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1[j] ^ k0;
      const auto n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3[j] ^ k1;
      c1[j] = static_cast<std::uint32_t>(p1);
      c3[j] = static_cast<std::uint32_t>(p0);
      c0[j] = n0;
      c2[j] = n2;
    }
  }
  for (std::size_t j = 0; j < B; ++j) {
    out[2 * j] = std::uint64_t{c1[j]} << 32 | c0[j];
    out[2 * j + 1] = std::uint64_t{c3[j]} << 32 | c2[j];
  }
}

}  // namespace nines
