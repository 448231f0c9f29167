#pragma once
// The expected errors and good requests of an alert policy's scope over any stretch of a
// history: the scope's states (segments of constant error probability) integrated against
// the traffic profile. Built segment by segment as the history's states become known
// (sample/alert_evaluator.cpp); the slice tree (slice_tree.hpp) splits its counts by them.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
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
  }
  double at(double t) const noexcept {
    if (!(t > 0)) return 0;
    const double weeks = std::floor(t / kWeek);
    const double rest = t - weeks * kWeek;
    const auto h = std::min<std::size_t>(kHours - 1, static_cast<std::size_t>(rest / 3600));
    return weeks * prefix_[kHours] + prefix_[h] + rate_[h] * (rest - static_cast<double>(h) * 3600);
  }

 private:
  static constexpr std::size_t kHours = 168;
  static constexpr double kWeek = 7 * 86400.0;
  std::array<double, kHours> rate_{};
  std::array<double, kHours + 1> prefix_{};
};

// The scope's integrated error and good-request intensities, built segment by segment as
// the history's states become known.
class ScopeRates {
 public:
  void start(const TrafficIntegral& traffic, double share, double horizon) {
    segments_.clear();
    traffic_ = &traffic;
    share_ = share;
    horizon_ = horizon;
    cum_f_.assign(1, 0.0);
    cum_g_.assign(1, 0.0);
  }
  void append(const ScopeSegment& s) {
    const double n = share_ * (traffic_->at(s.b) - traffic_->at(s.a));
    segments_.push_back(s);
    cum_f_.push_back(cum_f_.back() + s.p * n);
    cum_g_.push_back(cum_g_.back() + (1 - s.p) * n);
  }
  // Errors' and good requests' expected counts over [0, t) (t within the segments so far).
  void at(double t, double& f, double& g) const {
    t = std::min(t, horizon_);
    if (t <= 0 || segments_.empty()) {
      f = g = 0;
      return;
    }
    t = std::min(t, segments_.back().b);
    auto it = std::upper_bound(segments_.begin(), segments_.end(), t,
                               [](double x, const ScopeSegment& s) { return x < s.a; });
    const std::size_t i = static_cast<std::size_t>(it - segments_.begin()) - 1;
    const ScopeSegment& s = segments_[i];
    const double n = share_ * (traffic_->at(std::min(t, s.b)) - traffic_->at(s.a));
    f = cum_f_[i] + s.p * n;
    g = cum_g_[i] + (1 - s.p) * n;
  }

 private:
  std::vector<ScopeSegment> segments_;
  const TrafficIntegral* traffic_ = nullptr;
  double share_ = 1, horizon_ = 0;
  std::vector<double> cum_f_, cum_g_;
};

}  // namespace nines
