#include "nines/sample/slo_accounting.hpp"

#include <algorithm>
#include <cmath>

namespace nines {
namespace {

// The months of a 365-day year.
constexpr std::array<std::uint32_t, 12> kMonthDays = {31, 28, 31, 30, 31, 30,
                                                      31, 31, 30, 31, 30, 31};

// Per window, from per-day prefix sums of bad and total events (exact for integers: rolling
// windows overlap, and adding each day once per window would cost window-length times more).
void finish(const SloPlan& plan, const std::vector<std::uint64_t>& bad_before,
            const std::vector<std::uint64_t>& total_before, SloHistory& out) {
  const std::size_t n = plan.windows.size();
  out.bad.assign(n, 0);
  out.total.assign(n, 0);
  out.met.assign(n, 0);
  out.windows_met = 0;
  for (std::size_t w = 0; w < n; ++w) {
    const SloWindow& window = plan.windows[w];
    const std::uint32_t end = window.first_day + window.days;
    out.bad[w] = bad_before[end] - bad_before[window.first_day];
    out.total[w] = total_before[end] - total_before[window.first_day];
    const bool met =
        static_cast<double>(out.bad[w]) <= plan.budget_fraction * static_cast<double>(out.total[w]);
    out.met[w] = met;
    out.windows_met += met;
  }
}

}  // namespace

std::vector<SloWindow> slo_windows(const SloTarget& slo, std::uint32_t whole_days) {
  std::vector<SloWindow> out;
  const auto length = static_cast<std::uint32_t>(std::llround(slo.window_seconds / kSecondsPerDay));
  switch (slo.windows) {
    case SloWindows::rolling:
      for (std::uint32_t d = 0; length > 0 && d + length <= whole_days; ++d)
        out.push_back({d, length});
      break;
    case SloWindows::tumbling:
      for (std::uint32_t d = 0; length > 0 && d + length <= whole_days; d += length)
        out.push_back({d, length});
      break;
    case SloWindows::calendar_months:
      for (std::uint32_t d = 0, m = 0; d + kMonthDays[m % 12] <= whole_days;
           d += kMonthDays[m % 12], ++m)
        out.push_back({d, kMonthDays[m % 12]});
      break;
  }
  return out;
}

void account_occurrences(const SloPlan& plan, const std::uint64_t* day_requests,
                         const std::uint64_t* day_failed, std::size_t days, SloHistory& out) {
  std::vector<std::uint64_t> bad_before(days + 1, 0), total_before(days + 1, 0);
  for (std::size_t d = 0; d < days; ++d) {
    bad_before[d + 1] = bad_before[d] + day_failed[d];
    total_before[d + 1] = total_before[d] + day_requests[d];
  }
  finish(plan, bad_before, total_before, out);
}

void account_timeslices(const SloPlan& plan,
                        const std::vector<std::array<std::uint64_t, 2>>& bad_ends, std::size_t days,
                        SloHistory& out) {
  const std::uint64_t per_day = plan.slices_per_day;
  std::vector<std::uint64_t> bad_before(days + 1, 0), total_before(days + 1, 0);
  // Slice end e closes slice e - 1, which lies in day (e - 1) / per_day.
  for (const auto& range : bad_ends) {
    for (std::uint64_t lo = range[0] - 1; lo < range[1];) {
      const std::uint64_t day = lo / per_day;
      if (day >= days) break;
      const std::uint64_t hi = std::min(range[1], (day + 1) * per_day);
      bad_before[day + 1] += hi - lo;
      lo = hi;
    }
  }
  for (std::size_t d = 0; d < days; ++d) {
    bad_before[d + 1] += bad_before[d];
    total_before[d + 1] = total_before[d] + per_day;
  }
  finish(plan, bad_before, total_before, out);
}

}  // namespace nines
