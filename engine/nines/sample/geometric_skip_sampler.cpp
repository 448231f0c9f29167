#include "nines/sample/geometric_skip_sampler.hpp"

#include <cmath>
#include <limits>

#include "nines/sample/philox.hpp"
#include "nines/sample/random_streams.hpp"

namespace nines {

GeometricSkipSampler::GeometricSkipSampler(const ChainAnalytics& model)
    : components_(model.size()),
      log_survival_(std::log1p(-model.unreliability())),
      never_fails_(model.unreliability() == 0),
      always_fails_(model.unreliability() == 1) {
  // Conditional on failure, component k is the first to fail with probability q_k / Q.
  constexpr long double kTwo64 = 18446744073709551616.0L;
  long double cumulative = 0;
  const long double total = model.unreliability();
  for (const double q : model.first_failure_probability()) {
    cumulative += q;
    const long double scaled = total > 0 ? std::round(cumulative / total * kTwo64) : kTwo64;
    conditional_thresholds_.push_back(scaled >= kTwo64 ? std::numeric_limits<std::uint64_t>::max()
                                                       : static_cast<std::uint64_t>(scaled));
  }
  // Rounding must not leave a sliver above the last threshold: every failure has a culprit.
  if (!conditional_thresholds_.empty())
    conditional_thresholds_.back() = std::numeric_limits<std::uint64_t>::max();
}

template <class OnFailure>
void GeometricSkipSampler::for_each_failure(std::uint64_t seed, std::uint64_t chunk,
                                            std::uint64_t first, std::uint64_t n,
                                            OnFailure&& on_failure) const noexcept {
  if (never_fails_) return;
  const PhiloxKey key = philox_key(seed);
  const auto stream = static_cast<std::uint32_t>(RandomStream::failure_skip);
  const std::uint64_t end = first + n;
  std::uint64_t next = first;  // first request not yet decided
  for (std::uint32_t j = 0; next < end; ++j) {
    const PhiloxCounter x = philox4x32_10(
        {j, static_cast<std::uint32_t>(chunk), stream, static_cast<std::uint32_t>(chunk >> 32)},
        key);
    std::uint64_t gap = 0;
    if (!always_fails_) {
      // V in (0, 1] from the top 53 bits; never 0, so the logarithm is finite.
      const double v =
          (static_cast<double>((std::uint64_t{x[1]} << 32 | x[0]) >> 11) + 1.0) * 0x1.0p-53;
      const double g = std::floor(std::log(v) / log_survival_);
      if (!(g < static_cast<double>(end - next))) return;  // next failure is past this chunk
      gap = static_cast<std::uint64_t>(g);
    }
    const std::uint64_t request = next + gap;
    const std::uint64_t w = std::uint64_t{x[3]} << 32 | x[2];
    std::size_t k = 0;
    while (conditional_thresholds_[k] <= w && k + 1 < components_) ++k;
    on_failure(request, k);
    next = request + 1;
  }
}

void GeometricSkipSampler::count(std::uint64_t seed, std::uint64_t chunk, std::uint64_t first,
                                 std::uint64_t n, std::uint64_t* counts) const noexcept {
  std::uint64_t failures = 0;
  for_each_failure(seed, chunk, first, n, [&](std::uint64_t, std::size_t k) {
    ++counts[k];
    ++failures;
  });
  counts[components_] += n - failures;
}

void GeometricSkipSampler::record_failures(std::uint64_t seed, std::uint64_t chunk,
                                           std::uint64_t first, std::uint64_t n,
                                           std::vector<std::uint64_t>& requests,
                                           std::vector<std::int32_t>& components,
                                           std::uint64_t* counts) const {
  std::uint64_t failures = 0;
  for_each_failure(seed, chunk, first, n, [&](std::uint64_t request, std::size_t k) {
    ++counts[k];
    ++failures;
    requests.push_back(request);
    components.push_back(static_cast<std::int32_t>(k));
  });
  counts[components_] += n - failures;
}

}  // namespace nines
