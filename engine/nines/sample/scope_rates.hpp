#pragma once
// The expected errors and good requests of an alert policy's scope over any stretch of a
// history: the scope's states (segments of constant error probability) integrated against
// the traffic profile. Built segment by segment as the history's states become known
// (sample/alert_evaluator.cpp); the slice tree (slice_tree.hpp) splits its counts by them.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "nines/model/outage_model.hpp"

namespace nines {

// A stretch [a, b) of the scope's history with error probability p (1 when down).
struct ScopeSegment {
  double a, b, p;
  std::uint32_t down;
};

// The traffic's expected arrivals over [0, t) in constant time: the profile repeats every
// week, and is constant on each hour (TrafficProfile::rate_at).
class TrafficIntegral {
 public:
  void build(const TrafficProfile& traffic) {
    prefix_[0] = 0;
    for (std::size_t h = 0; h < kHours; ++h) {
      rate_[h] = traffic.rate_at(static_cast<double>(h) * 3600 + 1800);
      prefix_[h + 1] = prefix_[h] + rate_[h] * 3600;
    }
    for (std::size_t h = 0; h < 2 * kHours; ++h) low_[0][h] = high_[0][h] = rate_[h % kHours];
    for (std::size_t l = 1; l < kLevels; ++l) {
      const std::size_t half = std::size_t{1} << (l - 1);
      for (std::size_t h = 0; h < 2 * kHours; ++h) {
        const std::size_t k = std::min(h + half, 2 * kHours - 1);
        low_[l][h] = std::min(low_[l - 1][h], low_[l - 1][k]);
        high_[l][h] = std::max(high_[l - 1][h], high_[l - 1][k]);
      }
    }
  }
  double at(double t) const noexcept {
    if (!(t > 0)) return 0;
    const double weeks = std::floor(t / kWeek);
    const double rest = t - weeks * kWeek;
    const auto h = std::min<std::size_t>(kHours - 1, static_cast<std::size_t>(rest / 3600));
    return weeks * prefix_[kHours] + prefix_[h] + rate_[h] * (rest - static_cast<double>(h) * 3600);
  }
  // The arrivals up to slice boundaries for one slice length: at(x * slice) by two lookups,
  // bit for bit. Only for a whole number of seconds that divides the week, where every
  // boundary's place in its week is exact (x * slice - weeks * kWeek == (x mod per_week) *
  // slice), so at()'s terms can be tabled per boundary of the week and added in its order.
  struct SliceGrid {
    double slice = 0;
    std::uint64_t per_week = 0;
    std::vector<double> hour_prefix, within;  // per boundary of the week: at()'s two terms
  };
  static bool grid_fits(double slice) noexcept {
    if (!(slice >= 1) || slice != std::floor(slice) || std::fmod(kWeek, slice) != 0) return false;
    return kWeek / slice <= static_cast<double>(kMaxGridBoundaries);
  }
  // Tables slice's boundaries (once per slice length) when grid_fits(slice).
  void add_grid(double slice) {
    if (!grid_fits(slice) || grid(slice) != nullptr) return;
    SliceGrid g;
    g.slice = slice;
    g.per_week = static_cast<std::uint64_t>(kWeek / slice);
    g.hour_prefix.resize(g.per_week);
    g.within.resize(g.per_week);
    for (std::uint64_t r = 0; r < g.per_week; ++r) {
      const double rest = static_cast<double>(r) * slice;
      const auto h = std::min<std::size_t>(kHours - 1, static_cast<std::size_t>(rest / 3600));
      g.hour_prefix[r] = prefix_[h];
      g.within[r] = rate_[h] * (rest - static_cast<double>(h) * 3600);
    }
    grids_.push_back(std::move(g));
  }
  const SliceGrid* grid(double slice) const noexcept {
    for (const SliceGrid& g : grids_)
      if (g.slice == slice) return &g;
    return nullptr;
  }
  // at(x * g.slice), bit for bit (tests/unit/sample/test_scope_rates.cpp), without a division.
  double at_boundary(const SliceGrid& g, std::uint64_t x) const noexcept {
    if (x == 0) return 0;
    const std::uint64_t weeks = x / g.per_week, r = x % g.per_week;
    return static_cast<double>(weeks) * prefix_[kHours] + g.hour_prefix[r] + g.within[r];
  }

  // The least and the greatest arrival rate over [a, b) (0 <= a < b), in constant time.
  void rate_bounds(double a, double b, double& low, double& high) const noexcept {
    const auto first = static_cast<std::uint64_t>(a / 3600);
    const auto last = static_cast<std::uint64_t>(std::ceil(b / 3600));  // hours [first, last)
    const std::uint64_t count = std::max<std::uint64_t>(1, last - first);
    if (count >= kHours) {
      low = low_[kLevels - 1][0];
      high = high_[kLevels - 1][0];
      return;
    }
    // Two overlapping runs of 2^level hours cover the count hours from `from`.
    const std::size_t from = first % kHours;
    const auto level = static_cast<std::size_t>(std::bit_width(count) - 1);
    const std::size_t other = from + count - (std::size_t{1} << level);
    low = std::min(low_[level][from], low_[level][other]);
    high = std::max(high_[level][from], high_[level][other]);
  }

 private:
  static constexpr std::size_t kHours = 168;
  static constexpr double kWeek = 7 * 86400.0;
  std::array<double, kHours> rate_{};
  std::array<double, kHours + 1> prefix_{};
  // low_[l][h], high_[l][h]: the least and greatest rate over hours h .. h + 2^l - 1 (hours
  // taken modulo the week); the last level holds the whole week's.
  static constexpr std::size_t kLevels = 9;  // 2^8 = 256 >= 168
  std::array<std::array<double, 2 * kHours>, kLevels> low_{}, high_{};
  // 1-minute slices table 10,080 boundaries (160 KiB); 1-second ones would take 9.7 MB.
  static constexpr std::uint64_t kMaxGridBoundaries = 1 << 17;
  std::vector<SliceGrid> grids_;
};

// The scope's integrated error and good-request intensities, built segment by segment as
// the history's states become known.
class ScopeRates {
 public:
  // `slice`: the policy's slice length, for at_boundary (its grid, when the traffic has one).
  void start(const TrafficIntegral& traffic, double share, double horizon, double slice) {
    segments_.clear();
    traffic_from_.clear();
    bucket_.clear();

    traffic_ = &traffic;
    slice_ = slice;
    grid_ = traffic.grid(slice);
    share_ = share;
    horizon_ = horizon;
    cum_f_.assign(1, 0.0);
    cum_g_.assign(1, 0.0);
  }
  void append(const ScopeSegment& s) {
    const double from = traffic_->at(s.a);
    const double n = share_ * (traffic_->at(s.b) - from);
    segments_.push_back(s);
    traffic_from_.push_back(from);
    const auto index = static_cast<std::uint32_t>(segments_.size() - 1);
    for (auto k = static_cast<std::size_t>(std::ceil(s.a / kBucket));
         static_cast<double>(k) * kBucket < s.b; ++k) {
      if (k >= bucket_.size()) bucket_.resize(k + 1, 0);
      bucket_[k] = index;
    }
    cum_f_.push_back(cum_f_.back() + s.p * n);
    cum_g_.push_back(cum_g_.back() + (1 - s.p) * n);
  }
  // Errors' and good requests' expected counts over [0, t) (t within the segments so far).
  void at(double t, double& f, double& g) const {
    at(t, f, g, [this](double u) { return traffic_->at(u); });
  }
  // at(x * slice), bit for bit: the slice tree's and the decisions' edges, the hot path.
  void at_boundary(std::uint64_t x, double& f, double& g) const {
    const double t = static_cast<double>(x) * slice_;
    if (grid_ == nullptr) return at(t, f, g);
    at(t, f, g, [this, t, x](double u) {
      return u == t ? traffic_->at_boundary(*grid_, x) : traffic_->at(u);
    });
  }
  // The last segment that starts at or before t (t >= the first's start).
  std::size_t segment_at(double t) const {
    const auto k = static_cast<std::size_t>(t / kBucket);
    if (k >= bucket_.size()) {
      auto it = std::upper_bound(segments_.begin(), segments_.end(), t,
                                 [](double x, const ScopeSegment& s) { return x < s.a; });
      return static_cast<std::size_t>(it - segments_.begin()) - 1;
    }
    std::size_t i = bucket_[k];
    while (i + 1 < segments_.size() && segments_[i + 1].a <= t) ++i;
    return i;
  }

  // The least and the greatest rate of errors (f) and of good requests (g) per second over
  // [a, b) (a < b, within the segments so far).
  void rate_bounds(double a, double b, double& f_low, double& f_high, double& g_low,
                   double& g_high) const {
    f_low = g_low = std::numeric_limits<double>::infinity();
    f_high = g_high = 0;
    auto it = segments_.begin();
    if (!segments_.empty() && a >= segments_.front().a)
      it += static_cast<std::ptrdiff_t>(segment_at(a));
    for (; it != segments_.end() && it->a < b; ++it) {
      if (!(it->b > a)) continue;
      double low, high;
      traffic_->rate_bounds(std::max(a, it->a), std::min(b, it->b), low, high);
      f_low = std::min(f_low, share_ * it->p * low);
      f_high = std::max(f_high, share_ * it->p * high);
      g_low = std::min(g_low, share_ * (1 - it->p) * low);
      g_high = std::max(g_high, share_ * (1 - it->p) * high);
    }
  }
  double horizon() const noexcept { return horizon_; }

 private:
  // at(t, f, g) with the traffic's arrivals up to a moment from `arrivals`.
  template <class Arrivals>
  void at(double t, double& f, double& g, const Arrivals& arrivals) const {
    t = std::min(t, horizon_);
    if (t <= 0 || segments_.empty()) {
      f = g = 0;
      return;
    }
    t = std::min(t, segments_.back().b);
    const std::size_t i = segment_at(t);
    const ScopeSegment& s = segments_[i];
    const double n = share_ * (arrivals(std::min(t, s.b)) - traffic_from_[i]);
    f = cum_f_[i] + s.p * n;
    g = cum_g_[i] + (1 - s.p) * n;
  }

  std::vector<ScopeSegment> segments_;
  const TrafficIntegral* traffic_ = nullptr;
  double share_ = 1, horizon_ = 0, slice_ = 60;
  const TrafficIntegral::SliceGrid* grid_ = nullptr;
  std::vector<double> traffic_from_;  // per segment: the traffic's arrivals up to its start
  // bucket_[k]: the segment that holds moment k kBucket, so a lookup scans few segments.
  static constexpr double kBucket = 3600;
  std::vector<std::uint32_t> bucket_;
  std::vector<double> cum_f_, cum_g_;
};

}  // namespace nines
