#pragma once
// The pending times of the time kernel's processes: each process (a component or an event)
// has at most one pending moment (its next failure, detection, repair end, start or end), so
// an indexed binary heap keyed by process replaces a queue of events with stale entries.
// Ties are broken by process index, which keeps a history's order of events, and so every
// number it produces, independent of anything but the history's own draws. Entries hold their
// time next to their process, so a sift compares neighbours in one array (the heap is the
// kernel's hottest data).
#include <cstdint>
#include <limits>
#include <vector>

namespace nines {

class TimerHeap {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  void reset(std::uint32_t processes) {
    due_ = kNone;
    position_.assign(processes, kNone);
    heap_.clear();
    heap_.reserve(processes);
  }
  bool empty() const noexcept { return heap_.empty(); }
  std::uint32_t top() const noexcept { return heap_.front().process; }
  double top_time() const noexcept { return heap_.front().time; }
  bool pending(std::uint32_t p) const noexcept { return position_[p] != kNone; }
  double time_of(std::uint32_t p) const noexcept { return heap_[position_[p]].time; }

  // The due process (the top) is handled in place: take_due() names it, the handler usually
  // sets its next moment (one sift down from the root, where pop-then-push would sift twice),
  // and finish_due() removes it only if the handler did not.
  std::uint32_t take_due() noexcept {
    due_ = heap_.front().process;
    due_handled_ = false;
    return due_;
  }
  void finish_due() {
    if (!due_handled_) cancel(due_);
    due_ = kNone;
  }

  // Sets (or moves) process p's pending moment.
  void set(std::uint32_t p, double t) {
    if (p == due_) due_handled_ = true;
    std::uint32_t at = position_[p];
    if (at == kNone) {
      at = static_cast<std::uint32_t>(heap_.size());
      heap_.push_back({t, p});
      position_[p] = at;
      up(at);
      return;
    }
    const Entry old = heap_[at];
    heap_[at].time = t;
    if (before(heap_[at], old))
      up(at);
    else
      down(at);
  }

  void cancel(std::uint32_t p) {
    if (p == due_) due_handled_ = true;
    const std::uint32_t at = position_[p];
    if (at == kNone) return;
    const Entry last = heap_.back();
    heap_.pop_back();
    position_[p] = kNone;
    if (last.process == p) return;
    heap_[at] = last;
    position_[last.process] = at;
    up(at);
    down(position_[last.process]);
  }

  void pop() { cancel(heap_.front().process); }

 private:
  struct Entry {
    double time;
    std::uint32_t process;
  };
  static bool before(const Entry& a, const Entry& b) noexcept {
    return a.time < b.time || (a.time == b.time && a.process < b.process);
  }
  void up(std::uint32_t i) noexcept {
    const Entry e = heap_[i];
    while (i > 0) {
      const std::uint32_t parent = (i - 1) / 2;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      position_[heap_[i].process] = i;
      i = parent;
    }
    heap_[i] = e;
    position_[e.process] = i;
  }
  void down(std::uint32_t i) noexcept {
    const auto n = static_cast<std::uint32_t>(heap_.size());
    const Entry e = heap_[i];
    for (;;) {
      const std::uint32_t l = 2 * i + 1;
      if (l >= n) break;
      std::uint32_t m = l;
      if (l + 1 < n && before(heap_[l + 1], heap_[l])) m = l + 1;
      if (!before(heap_[m], e)) break;
      heap_[i] = heap_[m];
      position_[heap_[i].process] = i;
      i = m;
    }
    heap_[i] = e;
    position_[e.process] = i;
  }

  std::vector<std::uint32_t> position_;
  std::vector<Entry> heap_;
  std::uint32_t due_ = kNone;
  bool due_handled_ = false;
};

}  // namespace nines
