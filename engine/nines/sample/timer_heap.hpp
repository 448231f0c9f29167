#pragma once
// The pending times of the time kernel's processes: each process (a component or an event)
// has at most one pending moment (its next failure, detection, repair end, start or end), so
// an indexed binary heap keyed by process replaces a queue of events with stale entries.
// Ties are broken by process index, which keeps a history's order of events, and so every
// number it produces, independent of anything but the history's own draws.
#include <cstdint>
#include <limits>
#include <vector>

namespace nines {

class TimerHeap {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  void reset(std::uint32_t processes) {
    time_.assign(processes, 0);
    position_.assign(processes, kNone);
    heap_.clear();
  }
  bool empty() const noexcept { return heap_.empty(); }
  std::uint32_t top() const noexcept { return heap_.front(); }
  double top_time() const noexcept { return time_[heap_.front()]; }
  bool pending(std::uint32_t p) const noexcept { return position_[p] != kNone; }

  // Sets (or moves) process p's pending moment.
  void set(std::uint32_t p, double t) {
    if (position_[p] == kNone) {
      position_[p] = static_cast<std::uint32_t>(heap_.size());
      heap_.push_back(p);
      time_[p] = t;
      up(position_[p]);
      return;
    }
    const double old = time_[p];
    time_[p] = t;
    if (before(t, p, old, p))
      up(position_[p]);
    else
      down(position_[p]);
  }

  void cancel(std::uint32_t p) {
    const std::uint32_t at = position_[p];
    if (at == kNone) return;
    const std::uint32_t last = heap_.back();
    heap_.pop_back();
    position_[p] = kNone;
    if (last == p) return;
    heap_[at] = last;
    position_[last] = at;
    up(at);
    down(position_[last]);
  }

  void pop() { cancel(heap_.front()); }

 private:
  static bool before(double ta, std::uint32_t a, double tb, std::uint32_t b) noexcept {
    return ta < tb || (ta == tb && a < b);
  }
  bool less(std::uint32_t i, std::uint32_t j) const noexcept {
    return before(time_[heap_[i]], heap_[i], time_[heap_[j]], heap_[j]);
  }
  void swap_at(std::uint32_t i, std::uint32_t j) noexcept {
    const std::uint32_t a = heap_[i], b = heap_[j];
    heap_[i] = b;
    heap_[j] = a;
    position_[b] = i;
    position_[a] = j;
  }
  void up(std::uint32_t i) noexcept {
    while (i > 0) {
      const std::uint32_t parent = (i - 1) / 2;
      if (!less(i, parent)) return;
      swap_at(i, parent);
      i = parent;
    }
  }
  void down(std::uint32_t i) noexcept {
    const auto n = static_cast<std::uint32_t>(heap_.size());
    for (;;) {
      const std::uint32_t l = 2 * i + 1, r = l + 1;
      std::uint32_t m = i;
      if (l < n && less(l, m)) m = l;
      if (r < n && less(r, m)) m = r;
      if (m == i) return;
      swap_at(i, m);
      i = m;
    }
  }

  std::vector<double> time_;
  std::vector<std::uint32_t> position_;
  std::vector<std::uint32_t> heap_;
};

}  // namespace nines
