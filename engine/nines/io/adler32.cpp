#include "nines/io/adler32.hpp"

#include <zlib.h>

#include <algorithm>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define NINES_ADLER_AVX2 1
#endif

namespace nines {
namespace {

constexpr std::uint32_t kBase = 65521;  // the largest prime below 2^16
// Most bytes between reductions modulo kBase with no 32-bit overflow (zlib's NMAX).
constexpr std::size_t kMaxRun = 5552;

#ifdef NINES_ADLER_AVX2
__attribute__((target("avx2"))) inline std::uint64_t sum_lanes(__m256i v) {
  alignas(32) std::uint32_t lane[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lane), v);
  std::uint64_t total = 0;
  for (const std::uint32_t x : lane) total += x;
  return total;
}

// For 32-byte pieces c = 0..n-1 of a run of L = 32n bytes starting from sums (s1, s2):
//   s1' = s1 + sum of all bytes
//   s2' = s2 + L*s1 + sum over pieces of [32 * (sum of the pieces before c) + sum_t (32 - t) b_ct]
// The weighted in-piece sum is maddubs with the weights 32..1; the pieces-before term is the
// running byte sum added into `prefix` once per piece. kMaxRun keeps every lane below 2^32.
__attribute__((target("avx2"))) std::uint32_t adler32_avx2(const unsigned char* bytes,
                                                           std::size_t size, std::uint32_t adler) {
  constexpr std::size_t kPiece = 32;
  std::uint64_t s1 = adler & 0xffff, s2 = adler >> 16;
  const __m256i weights =
      _mm256_set_epi8(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                      23, 24, 25, 26, 27, 28, 29, 30, 31, 32);
  const __m256i ones = _mm256_set1_epi16(1);
  const __m256i zero = _mm256_setzero_si256();
  while (size >= kPiece) {
    const std::size_t pieces = std::min(size, kMaxRun) / kPiece;
    __m256i byte_sum = zero, prefix = zero, weighted = zero;
    for (std::size_t c = 0; c < pieces; ++c) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + c * kPiece));
      prefix = _mm256_add_epi32(prefix, byte_sum);
      byte_sum = _mm256_add_epi32(byte_sum, _mm256_sad_epu8(v, zero));
      weighted =
          _mm256_add_epi32(weighted, _mm256_madd_epi16(_mm256_maddubs_epi16(v, weights), ones));
    }
    const std::uint64_t length = pieces * kPiece;
    s2 += length * s1 + kPiece * sum_lanes(prefix) + sum_lanes(weighted);
    s1 += sum_lanes(byte_sum);
    s1 %= kBase;
    s2 %= kBase;
    bytes += length;
    size -= length;
  }
  for (; size > 0; --size) {  // fewer than 32 bytes
    s1 += *bytes++;
    s2 += s1;
  }
  return static_cast<std::uint32_t>((s2 % kBase) << 16 | (s1 % kBase));
}

bool have_avx2() noexcept {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}
#endif

}  // namespace

std::uint32_t adler32_portable(const unsigned char* bytes, std::size_t size, std::uint32_t adler) {
  return static_cast<std::uint32_t>(adler32_z(adler, bytes, size));
}

std::uint32_t adler32(const unsigned char* bytes, std::size_t size, std::uint32_t adler) {
#ifdef NINES_ADLER_AVX2
  static const bool avx2 = have_avx2();
  if (avx2) return adler32_avx2(bytes, size, adler);
#endif
  return adler32_portable(bytes, size, adler);
}

}  // namespace nines
