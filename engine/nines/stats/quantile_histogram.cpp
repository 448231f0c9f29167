#include "nines/stats/quantile_histogram.hpp"

#include <cmath>
#include <limits>

namespace nines {

namespace {
const double kLogRatio = std::log(QuantileBins::kRatio);
const std::size_t kLogBins = static_cast<std::size_t>(
    std::ceil(std::log(QuantileBins::kHigh / QuantileBins::kLow) / kLogRatio));
}  // namespace

std::size_t QuantileBins::size() noexcept {
  return kLogBins + 2;
}

std::size_t QuantileBins::bin(double value) noexcept {
  if (!(value > 0)) return 0;
  if (value < kLow) return 1;  // tiny positive values share the first log bin
  if (value >= kHigh) return kLogBins + 1;
  const auto i = static_cast<std::size_t>(std::log(value / kLow) / kLogRatio);
  return 1 + (i < kLogBins ? i : kLogBins - 1);
}

double QuantileBins::representative(std::size_t bin) noexcept {
  if (bin == 0) return 0;
  if (bin > kLogBins) return kHigh;
  return kLow * std::exp((static_cast<double>(bin - 1) + 0.5) * kLogRatio);
}

double QuantileBins::quantile(std::span<const std::uint64_t> counts, double p) noexcept {
  std::uint64_t n = 0;
  for (const std::uint64_t c : counts) n += c;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  // Nearest rank: the smallest value with at least ceil(p n) values at or below it (rank 1
  // for p = 0).
  auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(n)));
  if (rank < 1) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    seen += counts[b];
    if (seen >= rank) return representative(b);
  }
  return representative(counts.size() - 1);
}

}  // namespace nines
