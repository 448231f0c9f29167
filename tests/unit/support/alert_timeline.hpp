#pragma once
// Test helper: hand-made histories for the alert evaluator (sample/alert_evaluator.hpp).
#include <array>
#include <vector>

#include "nines/sample/alert_evaluator.hpp"

namespace nines::test {

// Kind 0's pieces over [0, horizon): down over `outages` (sorted, disjoint), up with error
// probability p otherwise.
inline void add_service_pieces(AlertTimeline& t, double horizon, double p,
                               const std::vector<std::array<double, 2>>& outages) {
  double at = 0;
  for (const auto& o : outages) {
    if (o[0] > at) t.pieces.push_back({at, o[0], p, 0, 0});
    t.pieces.push_back({o[0], o[1], 1.0, 0, 1});
    at = o[1];
  }
  if (horizon > at) t.pieces.push_back({at, horizon, p, 0, 0});
}

}  // namespace nines::test
