#include "nines/sample/philox_bulk.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// GCC 12's AVX-512 intrinsics pass a deliberately undefined vector as the unused merge source,
// which -Wuninitialized reports inside the system header when inlined here (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#define NINES_X86_SIMD 1
#endif

namespace nines {
namespace {

void bulk_scalar(PhiloxKey key, std::uint32_t stream, std::uint64_t first_block,
                 std::uint64_t* out) noexcept {
  for (std::size_t j = 0; j < kPhiloxBulkBlocks; ++j) {
    const std::uint64_t block = first_block + j;
    const PhiloxCounter x = philox4x32_10(
        {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), stream, 0},
        key);
    out[2 * j] = std::uint64_t{x[1]} << 32 | x[0];
    out[2 * j + 1] = std::uint64_t{x[3]} << 32 | x[2];
  }
}

#ifdef NINES_X86_SIMD
// Each 32-bit Philox word lives in the low half of a 64-bit lane, so one unsigned 32x32->64
// multiply (pmuludq) yields both halves of the product a round needs. The upper halves of the
// lanes collect garbage from the XORs; it never reaches a multiply, which reads only the low
// 32 bits, and is masked off when the words are packed into the output.
//
// A round is a chain of dependent multiplies and XORs, so one vector of blocks leaves the
// multiplier idle most of the time. GROUP vectors go through each round side by side: their
// chains are independent, and GROUP is as many as the register file holds (4 state vectors
// each) so nothing spills.
//
// The low and high 64-bit halves of block j go to out[2j] and out[2j + 1]: store_pairs
// interleaves a vector of low halves with a vector of high halves.
//
// One template body, instantiated per vector width through this small traits layer.
// LOAD_C(c0, c1, c2, c3, j) sets the four counter-word vectors of blocks j, j + 1, ...: from
// the block index (the bulk functions) or from arrays of counters (the gather functions).
#define NINES_PHILOX_SIMD_BODY(V, set1, mul, srli, xor_, and_, slli, or_, store_pairs, LANES, \
                               GROUP, LOAD_C)                                                 \
  static_assert(kPhiloxBulkBlocks % ((LANES) * (GROUP)) == 0);                                \
  const V mask = set1(0xffffffffLL);                                                          \
  const V m0 = set1(philox_detail::kMul0), m1 = set1(philox_detail::kMul1);                   \
  for (std::size_t g = 0; g < kPhiloxBulkBlocks; g += (LANES) * (GROUP)) {                    \
    V c0[GROUP], c1[GROUP], c2[GROUP], c3[GROUP];                                             \
    for (std::size_t v = 0; v < (GROUP); ++v) {                                               \
      LOAD_C(c0[v], c1[v], c2[v], c3[v], g + v * (LANES));                                    \
    }                                                                                         \
    std::uint32_t k0 = key[0], k1 = key[1];                                                   \
    for (int r = 0; r < 10; ++r) {                                                            \
      if (r > 0) {                                                                            \
        k0 += philox_detail::kWeyl0;                                                          \
        k1 += philox_detail::kWeyl1;                                                          \
      }                                                                                       \
      const V key0 = set1(k0), key1 = set1(k1);                                               \
      for (std::size_t v = 0; v < (GROUP); ++v) {                                             \
        const V p0 = mul(c0[v], m0), p1 = mul(c2[v], m1);                                     \
        c0[v] = xor_(xor_(srli(p1, 32), c1[v]), key0);                                        \
        c2[v] = xor_(xor_(srli(p0, 32), c3[v]), key1);                                        \
        c1[v] = p1;                                                                           \
        c3[v] = p0;                                                                           \
      }                                                                                       \
    }                                                                                         \
    for (std::size_t v = 0; v < (GROUP); ++v)                                                 \
      store_pairs(out + 2 * (g + v * (LANES)), or_(slli(c1[v], 32), and_(c0[v], mask)),       \
                  or_(slli(c3[v], 32), and_(c2[v], mask)));                                   \
  }

// The bulk functions' counters {lo(first_block + j), hi(first_block + j), stream, 0}.
#define NINES_BULK_COUNTERS                                               \
  alignas(64) std::uint64_t lo[kPhiloxBulkBlocks], hi[kPhiloxBulkBlocks]; \
  for (std::size_t j = 0; j < kPhiloxBulkBlocks; ++j) {                   \
    lo[j] = (first_block + j) & 0xffffffffu;                              \
    hi[j] = (first_block + j) >> 32;                                      \
  }
#define NINES_BULK_LOAD(load, set1, a, b, c, d, j) \
  a = load(lo + (j));                              \
  b = load(hi + (j));                              \
  c = set1(static_cast<long long>(stream));        \
  d = set1(0)
#define NINES_GATHER_LOAD(load, a, b, c, d, j) \
  a = load(counters.words[0] + (j));           \
  b = load(counters.words[1] + (j));           \
  c = load(counters.words[2] + (j));           \
  d = load(counters.words[3] + (j))

#define NINES_LOAD128(p) _mm_load_si128(reinterpret_cast<const __m128i*>(p))
#define NINES_BULK_LOAD128(a, b, c, d, j) \
  NINES_BULK_LOAD(NINES_LOAD128, _mm_set1_epi64x, a, b, c, d, j)
#define NINES_GATHER_LOAD128(a, b, c, d, j) NINES_GATHER_LOAD(NINES_LOAD128, a, b, c, d, j)
inline void store_pairs128(std::uint64_t* out, __m128i low, __m128i high) noexcept {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_unpacklo_epi64(low, high));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2), _mm_unpackhi_epi64(low, high));
}
#define NINES_SSE2_BODY(LOADER)                                                                  \
  NINES_PHILOX_SIMD_BODY(__m128i, _mm_set1_epi64x, _mm_mul_epu32, _mm_srli_epi64, _mm_xor_si128, \
                         _mm_and_si128, _mm_slli_epi64, _mm_or_si128, store_pairs128, 2, 2,      \
                         LOADER)
void bulk_sse2(PhiloxKey key, std::uint32_t stream, std::uint64_t first_block,
               std::uint64_t* out) noexcept {
  NINES_BULK_COUNTERS
  NINES_SSE2_BODY(NINES_BULK_LOAD128)
}
void gather_sse2(PhiloxKey key, const PhiloxCounterBlocks& counters, std::uint64_t* out) noexcept {
  NINES_SSE2_BODY(NINES_GATHER_LOAD128)
}

#define NINES_LOAD256(p) _mm256_load_si256(reinterpret_cast<const __m256i*>(p))
#define NINES_BULK_LOAD256(a, b, c, d, j) \
  NINES_BULK_LOAD(NINES_LOAD256, _mm256_set1_epi64x, a, b, c, d, j)
#define NINES_GATHER_LOAD256(a, b, c, d, j) NINES_GATHER_LOAD(NINES_LOAD256, a, b, c, d, j)
__attribute__((target("avx2"))) inline void store_pairs256(std::uint64_t* out, __m256i low,
                                                           __m256i high) noexcept {
  const __m256i a = _mm256_unpacklo_epi64(low, high);  // l0 h0 l2 h2
  const __m256i b = _mm256_unpackhi_epi64(low, high);  // l1 h1 l3 h3
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_permute2x128_si256(a, b, 0x20));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 4), _mm256_permute2x128_si256(a, b, 0x31));
}
#define NINES_AVX2_BODY(LOADER)                                                                  \
  NINES_PHILOX_SIMD_BODY(__m256i, _mm256_set1_epi64x, _mm256_mul_epu32, _mm256_srli_epi64,       \
                         _mm256_xor_si256, _mm256_and_si256, _mm256_slli_epi64, _mm256_or_si256, \
                         store_pairs256, 4, 2, LOADER)
__attribute__((target("avx2"))) void bulk_avx2(PhiloxKey key, std::uint32_t stream,
                                               std::uint64_t first_block,
                                               std::uint64_t* out) noexcept {
  NINES_BULK_COUNTERS
  NINES_AVX2_BODY(NINES_BULK_LOAD256)
}
__attribute__((target("avx2"))) void gather_avx2(PhiloxKey key, const PhiloxCounterBlocks& counters,
                                                 std::uint64_t* out) noexcept {
  NINES_AVX2_BODY(NINES_GATHER_LOAD256)
}

#define NINES_LOAD512(p) _mm512_load_si512(p)
#define NINES_BULK_LOAD512(a, b, c, d, j) \
  NINES_BULK_LOAD(NINES_LOAD512, _mm512_set1_epi64, a, b, c, d, j)
#define NINES_GATHER_LOAD512(a, b, c, d, j) NINES_GATHER_LOAD(NINES_LOAD512, a, b, c, d, j)
__attribute__((target("avx512f"))) inline void store_pairs512(std::uint64_t* out, __m512i low,
                                                              __m512i high) noexcept {
  const __m512i first = _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0);  // l0 h0 l1 h1 ... l3 h3
  const __m512i second = _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4);
  _mm512_storeu_si512(out, _mm512_permutex2var_epi64(low, first, high));
  _mm512_storeu_si512(out + 8, _mm512_permutex2var_epi64(low, second, high));
}
#define NINES_AVX512_BODY(LOADER)                                                                \
  NINES_PHILOX_SIMD_BODY(__m512i, _mm512_set1_epi64, _mm512_mul_epu32, _mm512_srli_epi64,        \
                         _mm512_xor_si512, _mm512_and_si512, _mm512_slli_epi64, _mm512_or_si512, \
                         store_pairs512, 8, 4, LOADER)
__attribute__((target("avx512f"))) void bulk_avx512(PhiloxKey key, std::uint32_t stream,
                                                    std::uint64_t first_block,
                                                    std::uint64_t* out) noexcept {
  NINES_BULK_COUNTERS
  NINES_AVX512_BODY(NINES_BULK_LOAD512)
}
__attribute__((target("avx512f"))) void gather_avx512(PhiloxKey key,
                                                      const PhiloxCounterBlocks& counters,
                                                      std::uint64_t* out) noexcept {
  NINES_AVX512_BODY(NINES_GATHER_LOAD512)
}
#endif

void gather_scalar(PhiloxKey key, const PhiloxCounterBlocks& counters,
                   std::uint64_t* out) noexcept {
  for (std::size_t j = 0; j < kPhiloxBulkBlocks; ++j) {
    const PhiloxCounter x = philox4x32_10({static_cast<std::uint32_t>(counters.words[0][j]),
                                           static_cast<std::uint32_t>(counters.words[1][j]),
                                           static_cast<std::uint32_t>(counters.words[2][j]),
                                           static_cast<std::uint32_t>(counters.words[3][j])},
                                          key);
    out[2 * j] = std::uint64_t{x[1]} << 32 | x[0];
    out[2 * j + 1] = std::uint64_t{x[3]} << 32 | x[2];
  }
}

}  // namespace

// The fastest variant this CPU runs: the last one philox_bulk_variants lists.
static PhiloxBulkVariant fastest_variant() noexcept {
  PhiloxBulkVariant variants[8];
  return variants[philox_bulk_variants(variants, 8) - 1];
}

PhiloxBulkFunction philox_bulk_function() noexcept {
  static const PhiloxBulkFunction chosen = fastest_variant().function;
  return chosen;
}

PhiloxGatherFunction philox_gather_function() noexcept {
  static const PhiloxGatherFunction chosen = fastest_variant().gather;
  return chosen;
}

std::size_t philox_bulk_variants(PhiloxBulkVariant* out, std::size_t capacity) noexcept {
  std::size_t n = 0;
  const auto add = [&](const char* name, PhiloxBulkFunction f, PhiloxGatherFunction g) {
    if (n < capacity) out[n++] = {name, f, g};
  };
  add("scalar", bulk_scalar, gather_scalar);
#ifdef NINES_X86_SIMD
  __builtin_cpu_init();
  add("sse2", bulk_sse2, gather_sse2);
  if (__builtin_cpu_supports("avx2")) add("avx2", bulk_avx2, gather_avx2);
  if (__builtin_cpu_supports("avx512f")) add("avx512", bulk_avx512, gather_avx512);
#endif
  return n;
}

}  // namespace nines
