#pragma once
// The distinct sets of a path's components that its common-cause events take down together,
// with their probabilities: what exact attribution conditions on (structure_analytics.hpp).
//
// Events are independent, so the distribution of the union D of the sets of the events that
// fire is built one event at a time, merging equal sets. Left alone this doubles with every
// event; most of those sets are equivalent for attribution, though. When the structure fails
// with the components of D down and every other component up, it fails at a first position p
// in path order (adding D's components in path order, p is the one that breaks it): every
// attempt of such a request fails whatever the components do, and its culprit is at or before
// p, so D's members after p do not matter and D is cut there. Events are folded in order of
// their first position on the path, so a set cut at p is final once the events start after p.
// A kind with many per-component events (a bad deploy of each service) then has a handful of
// sets per position, not 2^events; only combinations the structure survives multiply.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <vector>

#include "nines/base/stop.hpp"

namespace nines {

inline constexpr std::size_t kNoBreak = static_cast<std::size_t>(-1);

struct EventOnPath {
  std::vector<std::uint32_t> positions;  // path positions it takes down, increasing, non-empty
  double fires = 0;
  double quiet = 1;
};

struct DownSet {
  std::vector<std::uint64_t> bits;  // path positions taken down (bit j = position j)
  long double probability = 0;
  std::size_t breaks_at = kNoBreak;  // first position where it breaks the structure, if any
};

// Thrown when there are more than max_sets distinct sets.
class DownSetLimit : public std::length_error {
 public:
  explicit DownSetLimit(std::size_t limit);
  std::size_t limit() const noexcept { return limit_; }

 private:
  std::size_t limit_;
};

// break_position(bits) gives the first position where the set breaks the structure (with
// everything else up), or kNoBreak. The sets come out in a deterministic order.
std::vector<DownSet> enumerate_down_sets(
    std::size_t path_size, std::span<const EventOnPath> events,
    const std::function<std::size_t(const std::vector<std::uint64_t>&)>& break_position,
    std::size_t max_sets, StopFlag stop);

}  // namespace nines
