#pragma once
// Sets of slice ends as sorted, disjoint, inclusive ranges [lo, hi]: which ends an alert rule
// must decide, where monitoring is blind, where a rule fires (sample/alert_evaluator.cpp).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace nines::slice_ranges {

using Ranges = std::vector<std::array<std::uint64_t, 2>>;  // sorted, disjoint [lo, hi]

// Appends [lo, hi] to sorted ranges, merging with the last when they touch.
inline void append(Ranges& r, std::uint64_t lo, std::uint64_t hi) {
  if (lo > hi) return;
  if (!r.empty() && lo <= r.back()[1] + 1) {
    r.back()[1] = std::max(r.back()[1], hi);
    return;
  }
  r.push_back({lo, hi});
}

inline Ranges normalized(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& x : r) append(out, x[0], x[1]);
  return out;
}

inline Ranges unite(const Ranges& a, const Ranges& b) {
  Ranges all = a;
  all.insert(all.end(), b.begin(), b.end());
  return normalized(std::move(all));
}

inline Ranges intersect(const Ranges& a, const Ranges& b) {
  Ranges out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const std::uint64_t lo = std::max(a[i][0], b[j][0]);
    const std::uint64_t hi = std::min(a[i][1], b[j][1]);
    if (lo <= hi) append(out, lo, hi);
    if (a[i][1] < b[j][1])
      ++i;
    else
      ++j;
  }
  return out;
}

inline Ranges subtract(const Ranges& a, const Ranges& b) {
  Ranges out;
  std::size_t j = 0;
  for (const auto& x : a) {
    std::uint64_t lo = x[0];
    const std::uint64_t hi = x[1];
    while (j < b.size() && b[j][1] < lo) ++j;
    std::size_t k = j;
    while (lo <= hi && k < b.size() && b[k][0] <= hi) {
      if (b[k][0] > lo) append(out, lo, b[k][0] - 1);
      if (b[k][1] >= hi) {
        lo = hi + 1;
        break;
      }
      lo = std::max(lo, b[k][1] + 1);
      ++k;
    }
    if (lo <= hi) append(out, lo, hi);
  }
  return out;
}

// The slice ends whose moment lies in [a, b): e s in [a, b).
inline void append_ends_in(Ranges& r, double a, double b, double slice, std::uint64_t n) {
  const auto lo = static_cast<std::uint64_t>(std::max(0.0, std::ceil(a / slice)));
  const double top = std::ceil(b / slice) - 1;
  if (top < 0) return;
  const auto hi = std::min<std::uint64_t>(n, static_cast<std::uint64_t>(top));
  append(r, std::max<std::uint64_t>(lo, 1), hi);
}

}  // namespace nines::slice_ranges
