// TransitionOrder (sample/transition_order.hpp) against std::stable_sort by (time, process):
// random batches, crowded moments, equal keys, and times bunched in one corner of the interval.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "nines/sample/philox.hpp"
#include "nines/sample/transition_order.hpp"

using namespace nines;

namespace {

void require_ordered_like_stable_sort(std::vector<Transition> batch, double lo, double hi) {
  std::vector<Transition> expected = batch;
  std::stable_sort(expected.begin(), expected.end(), transition_before);
  TransitionOrder order;
  order.order(batch, batch.size(), lo, hi);
  batch.resize(expected.size());
  REQUIRE(batch.size() == expected.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    REQUIRE(batch[i].time == expected[i].time);
    REQUIRE(batch[i].process == expected[i].process);
    REQUIRE(batch[i].change == expected[i].change);
  }
}

}  // namespace

TEST_CASE("transitions come out by time, then process, keeping the order of equal keys") {
  Philox4x32Engine engine(3, 4);
  const auto uniform = [&] { return (engine() + 0.5) / 4294967296.0; };
  for (const std::size_t n : {0, 1, 2, 3, 17, 200, 1000, 5000}) {
    CAPTURE(n);
    std::vector<Transition> batch;
    for (std::size_t i = 0; i < n; ++i)
      batch.push_back(
          {1000 + 500 * uniform(), engine() % 50, i % 2 == 0 ? Change::down : Change::up});
    require_ordered_like_stable_sort(batch, 1000, 1500);
    // Crowded: few distinct moments, so many equal times and equal (time, process) keys whose
    // given order must survive (one process's successive transitions at one moment).
    for (auto& t : batch) t.time = 1000 + static_cast<double>(engine() % 7);
    require_ordered_like_stable_sort(batch, 1000, 1500);
    // Bunched at the interval's very end (the last bucket) and start.
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i].time = i % 2 == 0 ? std::nextafter(1500.0, 0.0) - uniform() * 1e-9 : 1000.0;
    require_ordered_like_stable_sort(batch, 1000, 1500);
  }
}
