// The reference model of detection by alert (model/paged_at_start.hpp).
#include <catch2/catch.hpp>

#include "../support/time_model.hpp"
#include "nines/model/paged_at_start.hpp"

using namespace nines;
using namespace nines::test;

TEST_CASE("paged at start detects by alert at once and acknowledges, other detections stay") {
  Detection by_alert;
  by_alert.immediate = false;
  by_alert.alert = 0;
  by_alert.acknowledge = 300;
  Detection by_alert_at_once = by_alert;
  by_alert_at_once.acknowledge = 0;
  const Detection delayed_one = delayed(DurationDistribution::fixed(1800), {3});
  TimeModel t;
  t.horizon_seconds = 30 * kDay;
  t.traffic.rate_per_second = 10;
  t.slo = SloTarget{};
  StructureModel m = time_model({{"api", exponential_process(10 * kDay, kHour), by_alert},
                                 {"db", exponential_process(20 * kDay, kHour), by_alert_at_once},
                                 {"cache", exponential_process(20 * kDay, kHour), delayed_one},
                                 {"monitoring", std::nullopt, {}}},
                                std::nullopt, t);
  m.time->alerting.push_back(AlertPolicy{});
  REQUIRE(detects_by_alert(m));
  const StructureModel twin = paged_at_start(m);
  CHECK_FALSE(detects_by_alert(twin));
  CHECK(twin.time->alerting.empty());
  CHECK(twin.time->slo.has_value());
  const Detection& api = twin.time->components[0].detection;
  CHECK_FALSE(api.immediate);
  CHECK(api.delay.shape == DurationShape::fixed);
  CHECK(api.delay.mean() == 300);
  CHECK(api.needs_components.empty());
  CHECK(twin.time->components[1].detection.immediate);
  const Detection& cache = twin.time->components[2].detection;
  CHECK(cache.needs_components == std::vector<std::uint32_t>{3});
  CHECK(cache.delay.mean() == 1800);
  // The model itself is untouched.
  CHECK(m.time->components[0].detection.by_alert());
  CHECK_FALSE(detects_by_alert(StructureModel{}));
}
