#pragma once
// Puts a batch of process transitions in the order the timer heap would hand them out: by time,
// then by process index, and in the order given among transitions with equal keys (one process's
// successive transitions at the same moment). The batched time kernel generates each
// independent process's transitions on their own and merges them here instead of through the
// heap.
//
// A comparison merge of K streams costs log2(K) compares per transition. The times of a batch
// spread over a known interval [lo, hi), so a counting sort into about as many buckets as
// transitions leaves almost every bucket with zero or one, and a stable insertion sort finishes
// the few that hold more: a few passes over an array that stays in L1, whatever K is. Bucketing
// is monotonic in time (subtraction, multiplication by a positive constant and truncation all
// are), so it never moves a transition past a later one. tests/unit/sample/test_transition_order
// holds it to std::stable_sort.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace nines {

// What a transition does: takes its process down or brings it back up.
enum class Change : std::uint8_t { down, up };

struct Transition {
  double time;
  std::uint32_t process;
  Change change;
};

inline bool transition_before(const Transition& a, const Transition& b) noexcept {
  return a.time < b.time || (a.time == b.time && a.process < b.process);
}

class TransitionOrder {
 public:
  // Orders batch[0, n), whose times all lie in [lo, hi) (hi > lo). What lies beyond n in
  // `batch` afterwards is unspecified.
  void order(std::vector<Transition>& batch, std::size_t n, double lo, double hi) {
    if (n < 2) return;
    const std::size_t buckets = std::bit_ceil(std::max<std::size_t>(2 * n, 16));
    counts_.assign(buckets + 1, 0);
    const double scale = static_cast<double>(buckets) / (hi - lo);
    const auto last = static_cast<std::uint32_t>(buckets - 1);
    const auto bucket = [&](double t) {
      const double x = (t - lo) * scale;
      return x < static_cast<double>(last) ? static_cast<std::uint32_t>(x) : last;
    };
    bucket_of_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t b = bucket(batch[i].time);
      bucket_of_[i] = b;
      ++counts_[b + 1];
    }
    for (std::size_t b = 1; b <= buckets; ++b) counts_[b] += counts_[b - 1];
    if (scratch_.size() < n) scratch_.resize(batch.size());
    for (std::size_t i = 0; i < n; ++i) scratch_[counts_[bucket_of_[i]]++] = batch[i];
    // Stable insertion sort: only transitions that shared a bucket move, a step or two.
    for (std::size_t i = 1; i < n; ++i) {
      const Transition x = scratch_[i];
      std::size_t j = i;
      while (j > 0 && transition_before(x, scratch_[j - 1])) {
        scratch_[j] = scratch_[j - 1];
        --j;
      }
      scratch_[j] = x;
    }
    batch.swap(scratch_);
  }

 private:
  std::vector<std::uint32_t> counts_, bucket_of_;
  std::vector<Transition> scratch_;
};

}  // namespace nines
