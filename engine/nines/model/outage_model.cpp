#include "nines/model/outage_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace nines {

namespace {
constexpr double kHour = 3600;
constexpr double kDay = 86400;
constexpr double kWeek = 7 * kDay;
}  // namespace

double TrafficProfile::rate_at(double t) const noexcept {
  double rate = rate_per_second;
  if (hourly_declared) {
    const auto hour = static_cast<std::size_t>(std::fmod(t, kDay) / kHour);
    rate *= hourly[std::min<std::size_t>(hour, 23)];
  }
  if (daily_declared) {
    const auto day = static_cast<std::size_t>(std::fmod(t, kWeek) / kDay);
    rate *= daily[std::min<std::size_t>(day, 6)];
  }
  return rate;
}

double TrafficProfile::arrivals_between(double t0, double t1) const noexcept {
  if (!(t1 > t0)) return 0;
  if (!hourly_declared && !daily_declared) return rate_per_second * (t1 - t0);
  // The rate is constant on each hour (daily profile alone: on each day): integrate piece by
  // piece. Callers integrate over at most a day at a time, so this is at most 25 pieces.
  const double step = hourly_declared ? kHour : kDay;
  double next = std::min(t1, (std::floor(t0 / step) + 1) * step);
  double total = rate_at(t0) * (next - t0);
  // Every later piece starts at a whole step m * step, exactly representable, where rate_at's
  // remainders are exact too: its hour of the day is m mod 24 and its day of the week
  // (m mod 168) / 24, so the pieces' rates are found by integer counting, with rate_at's
  // products in rate_at's order (the sum is the same, bit for bit), and no fmod per piece.
  auto m = static_cast<std::uint64_t>(std::floor(t0 / step));
  while (next < t1) {
    const double t = next;
    ++m;
    next = std::min(t1, static_cast<double>(m + 1) * step);
    double rate = rate_per_second;
    if (hourly_declared) {
      rate *= hourly[m % 24];
      if (daily_declared) rate *= daily[(m % 168) / 24];
    } else {
      rate *= daily[m % 7];
    }
    total += rate * (next - t);
  }
  return total;
}

double TrafficProfile::time_of(double t0, double arrivals) const noexcept {
  if (!(arrivals > 0)) return t0;
  const bool profiled = hourly_declared || daily_declared;
  if (!profiled) return rate_per_second > 0 ? t0 + arrivals / rate_per_second : t0;
  const double step = hourly_declared ? kHour : kDay;
  double t = t0;
  double left = arrivals;
  // Walk the constant-rate pieces; a zero-rate piece is skipped. Bounded: callers ask for a
  // share of the arrivals of a stretch they integrated, so the walk ends inside it.
  for (int piece = 0; piece < 100000; ++piece) {
    const double next = (std::floor(t / step) + 1) * step;
    const double rate = rate_at(t);
    const double in_piece = rate * (next - t);
    if (rate > 0 && in_piece >= left) return t + left / rate;
    left -= in_piece;
    t = next;
  }
  return t;
}

}  // namespace nines
