#include "nines/exact/down_sets.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_map>

#include "nines/exact/level_cut.hpp"

namespace nines {
namespace {

struct BitsHash {
  std::size_t operator()(const std::vector<std::uint64_t>& bits) const noexcept {
    std::uint64_t h = 0x243F6A8885A308D3ULL;
    for (const std::uint64_t w : bits) {
      h ^= w + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
      h *= 0xBF58476D1CE4E5B9ULL;
    }
    return static_cast<std::size_t>(h ^ (h >> 31));
  }
};

// The sets of one step, in insertion order, equal sets merged.
class SetTable {
 public:
  SetTable(std::size_t max_sets) : max_sets_(max_sets) {}
  void add(std::vector<std::uint64_t> bits, long double probability, std::size_t breaks_at) {
    if (probability == 0) return;
    if (const auto it = index_.find(bits); it != index_.end()) {
      sets_[it->second].probability += probability;
      return;
    }
    if (sets_.size() >= max_sets_) throw DownSetLimit(max_sets_);
    index_.emplace(bits, sets_.size());
    sets_.push_back({std::move(bits), probability, breaks_at});
  }
  std::vector<DownSet> take() { return std::move(sets_); }

 private:
  std::size_t max_sets_;
  std::vector<DownSet> sets_;
  std::unordered_map<std::vector<std::uint64_t>, std::size_t, BitsHash> index_;
};

}  // namespace

DownSetLimit::DownSetLimit(std::size_t limit)
    : std::length_error("more than " + std::to_string(limit) + " common-cause down sets"),
      limit_(limit) {}

std::vector<DownSet> enumerate_down_sets(
    std::size_t path_size, std::span<const EventOnPath> events,
    const std::function<std::size_t(const std::vector<std::uint64_t>&)>& break_position,
    std::size_t max_sets, StopFlag stop) {
  const std::size_t words = (path_size + 63) / 64;
  std::vector<std::size_t> order(events.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return events[a].positions.front() < events[b].positions.front();
  });
  StopPoller poll(stop, 256);
  std::vector<DownSet> sets{DownSet{std::vector<std::uint64_t>(words, 0), 1.0L, kNoBreak}};
  for (const std::size_t e : order) {
    const EventOnPath& event = events[e];
    const std::size_t first = event.positions.front();
    SetTable next(max_sets);
    for (DownSet& set : sets) {
      poll.tick();
      if (set.breaks_at != kNoBreak && first > set.breaks_at) {
        next.add(std::move(set.bits), set.probability, set.breaks_at);  // already final
        continue;
      }
      std::vector<std::uint64_t> with = set.bits;
      for (const std::uint32_t j : event.positions) with[j / 64] |= std::uint64_t{1} << (j % 64);
      const std::size_t breaks = break_position(with);
      if (breaks != kNoBreak) {               // cut after the break: later members cannot matter
        const std::size_t keep = breaks + 1;  // positions [0, keep) stay
        if (keep % 64 != 0) with[keep / 64] &= (std::uint64_t{1} << (keep % 64)) - 1;
        for (std::size_t w = (keep + 63) / 64; w < words; ++w) with[w] = 0;
      }
      next.add(std::move(set.bits), set.probability * event.quiet, set.breaks_at);
      next.add(std::move(with), set.probability * event.fires, breaks);
    }
    sets = next.take();
  }
  return sets;
}

}  // namespace nines
