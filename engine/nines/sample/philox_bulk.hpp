#pragma once
// Philox4x32-10 for many consecutive (or gathered) counters at once. The scalar block function in
// philox.hpp is the definition; this computes the same values with SIMD, picked once for the
// CPU at hand (AVX-512, AVX2, or the SSE2 every x86-64 has; the scalar function elsewhere).
// tests/unit/sample/test_philox.cpp holds every variant the machine can run to the scalar function.
#include <cstddef>
#include <cstdint>

#include "nines/sample/philox.hpp"

namespace nines {

// Blocks per call: enough independent lanes to fill the vector units and hide the multiply
// latency (four AVX-512 vectors of 8), few enough that the output stays in L1.
inline constexpr std::size_t kPhiloxBulkBlocks = 32;

// out[2j] and out[2j+1] get the low and high 64-bit halves of
// philox4x32_10({lo(first_block + j), hi(first_block + j), stream, 0}, key), j < kPhiloxBulkBlocks.
using PhiloxBulkFunction = void (*)(PhiloxKey key, std::uint32_t stream, std::uint64_t first_block,
                                    std::uint64_t* out) noexcept;

// The fastest variant this CPU supports (decided once, on first use). Hot loops fetch it once
// and call through the pointer.
PhiloxBulkFunction philox_bulk_function() noexcept;

inline void philox_bulk_uniforms(PhiloxKey key, std::uint32_t stream, std::uint64_t first_block,
                                 std::uint64_t* out) noexcept {
  philox_bulk_function()(key, stream, first_block, out);
}

// Philox4x32-10 for kPhiloxBulkBlocks arbitrary counters: word w of block j is the low 32 bits
// of words[w][j] (64-bit lanes, so the SIMD variants load them as they are).
struct PhiloxCounterBlocks {
  alignas(64) std::uint64_t words[4][kPhiloxBulkBlocks];
};
// out[2j] and out[2j+1] get the low and high 64-bit halves of block j's output.
using PhiloxGatherFunction = void (*)(PhiloxKey key, const PhiloxCounterBlocks& counters,
                                      std::uint64_t* out) noexcept;
PhiloxGatherFunction philox_gather_function() noexcept;

// Every variant, for tests and benchmarks: name and functions (the CPU has all it lists).
struct PhiloxBulkVariant {
  const char* name;
  PhiloxBulkFunction function;
  PhiloxGatherFunction gather;
};
std::size_t philox_bulk_variants(PhiloxBulkVariant* out, std::size_t capacity) noexcept;

}  // namespace nines
