#include "nines/sample/unit_log.hpp"

#include "nines/sample/outage_streams.hpp"

namespace nines {

// Compiled once per instruction set and picked at load time, like the Philox kernels: the
// loop vectorizes, and every clone computes the same bits (IEEE operations, no contraction).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(NINES_NO_CLONES)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
void exponential_variates(const std::uint64_t* words, double* out, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) out[i] = -unit_log(uniform_from_bits(words[i]));
}

}  // namespace nines
