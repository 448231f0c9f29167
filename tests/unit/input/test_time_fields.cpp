// Format 3's own fields (time_fields.cpp), read through the structure parser: distributions of
// each shape, the time section, traffic profiles normalised to mean 1, the SLO.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "../support/input_errors.hpp"
#include "nines/base/error.hpp"
#include "nines/input/structure_parser.hpp"

namespace {

const auto& error_of = nines::test::structure_error_of;
using nines::test::expected_message;

const std::string kHead = "format_version: 3\nname: t\ntime: {horizon: 365d, histories: 100}\n";

// The failure distribution of one component whose `every` is `every`.
nines::DurationDistribution every(const std::string& every) {
  const auto m = nines::parse_structure_model(
      kHead + "components:\n  - name: a\n    reliability: 1\n    outages:\n      every: " + every +
          "\n      repair: 1h\n",
      "t.yaml");
  REQUIRE(m.time);
  REQUIRE(m.time->components.size() == 1);
  REQUIRE(m.time->components[0].outages);
  return m.time->components[0].outages->failure;
}

nines::TimeModel time_of(const std::string& time) {
  const auto m = nines::parse_structure_model(
      "format_version: 3\nname: t\ntime:\n" + time + "components:\n  - {name: a, reliability: 1}\n",
      "t.yaml");
  REQUIRE(m.time);
  return *m.time;
}

}  // namespace

TEST_CASE("a bare duration is an exponential's mean, and mappings give each shape",
          "[time][distribution]") {
  const auto exp_scalar = every("90d");
  CHECK(exp_scalar.shape == nines::DurationShape::exponential);
  CHECK(exp_scalar.a == 90 * 86400.0);
  const auto exp_map = every("{exponential: 2w}");
  CHECK(exp_map.shape == nines::DurationShape::exponential);
  CHECK(exp_map.a == 14 * 86400.0);

  const auto weibull = every("{weibull: {shape: 1.5, scale: 90d}}");
  CHECK(weibull.shape == nines::DurationShape::weibull);
  CHECK(weibull.a == 1.5);
  CHECK(weibull.b == 90 * 86400.0);

  // Median and error factor: mu = ln(median in seconds), sigma = ln(EF) / z_0.95.
  const auto ef = every("{lognormal: {median: 2h, error_factor: 3}}");
  CHECK(ef.shape == nines::DurationShape::lognormal);
  CHECK(ef.a == std::log(7200.0));
  CHECK(ef.b == std::log(3.0) / 1.6448536269514722);
  // So the 95th percentile is the median times the error factor.
  CHECK(std::exp(ef.a + 1.6448536269514722 * ef.b) == Approx(3 * 7200.0).epsilon(1e-14));
  const auto sigma = every("{lognormal: {median: 2h, sigma: 0.8}}");
  CHECK(sigma.a == std::log(7200.0));
  CHECK(sigma.b == 0.8);
  const auto ef_one = every("{lognormal: {median: 1d, error_factor: 1}}");
  CHECK(ef_one.b == 0);

  const auto gamma_scale = every("{gamma: {shape: 2, scale: 1h}}");
  CHECK(gamma_scale.shape == nines::DurationShape::gamma);
  CHECK(gamma_scale.a == 2);
  CHECK(gamma_scale.b == 3600);
  const auto gamma_mean = every("{gamma: {shape: 4, mean: 2h}}");
  CHECK(gamma_mean.a == 4);
  CHECK(gamma_mean.b == 1800);
  CHECK(gamma_mean.mean() == 7200);

  const auto fixed = every("{fixed: 30d}");
  CHECK(fixed.shape == nines::DurationShape::fixed);
  CHECK(fixed.a == 30 * 86400.0);
}

TEST_CASE("a detection delay written bare is fixed, and may be zero", "[time][distribution]") {
  const auto m = nines::parse_structure_model(
      kHead +
          "components:\n  - {name: mon, reliability: 1}\n  - name: a\n    reliability: 1\n"
          "    outages: {every: 30d, repair: 1h}\n    detection: {delay: 5m, needs: [mon]}\n"
          "  - name: b\n    reliability: 1\n    outages: {every: 30d, repair: 1h}\n"
          "    detection: {delay: 0s, needs: [mon]}\n"
          "  - name: c\n    reliability: 1\n    outages: {every: 30d, repair: 1h}\n"
          "    detection: {delay: {exponential: 10m}}\n",
      "t.yaml");
  const auto& a = m.time->components[1].detection;
  CHECK_FALSE(a.immediate);
  CHECK(a.delay.shape == nines::DurationShape::fixed);
  CHECK(a.delay.a == 300);
  const auto& b = m.time->components[2].detection;
  CHECK(b.delay.shape == nines::DurationShape::fixed);
  CHECK(b.delay.a == 0);
  const auto& c = m.time->components[3].detection;
  CHECK(c.delay.shape == nines::DurationShape::exponential);
  CHECK(c.delay.a == 600);
  CHECK(c.needs_components.empty());
  CHECK(c.needs.children.empty());
}

TEST_CASE("the time section: horizon, histories, start, crews and defaults", "[time]") {
  const auto t = time_of("  horizon: 2y\n  histories: 10k\n  start: steady\n  crews: 2\n");
  CHECK(t.horizon_seconds == 2 * 365 * 86400.0);
  CHECK(t.histories == 10'000);
  CHECK(t.start == nines::StartState::steady);
  CHECK(t.crews == 2);
  CHECK_FALSE(t.slo);
  CHECK(t.traffic.rate_per_second == 0);
  CHECK_FALSE(t.traffic.hourly_declared);
  CHECK_FALSE(t.traffic.daily_declared);

  const auto d = time_of("  horizon: 30d\n  histories: 1\n");
  CHECK(d.start == nines::StartState::fresh);
  CHECK(d.crews == 0);  // unlimited: independent repair
  CHECK(time_of("  horizon: 1000y\n  histories: 4294967296\n").histories == std::uint64_t{1} << 32);
}

TEST_CASE("traffic profiles are normalised to mean 1, so rate stays the average", "[time]") {
  std::string hourly = "[";
  for (int h = 0; h < 24; ++h) hourly += (h ? ", " : "") + std::to_string(h < 12 ? 1 : 3);
  hourly += "]";
  const auto t = time_of(
      "  horizon: 365d\n  histories: 10\n  traffic:\n    rate: 25.9M/d\n"
      "    hourly: " +
      hourly + "\n    daily: [2, 2, 2, 2, 2, 0, 0]\n");
  CHECK(t.traffic.rate_per_second == Approx(25.9e6 / 86400).epsilon(1e-15));
  REQUIRE(t.traffic.hourly_declared);
  REQUIRE(t.traffic.daily_declared);
  double hourly_sum = 0, daily_sum = 0;
  for (const double v : t.traffic.hourly) hourly_sum += v;
  for (const double v : t.traffic.daily) daily_sum += v;
  CHECK(hourly_sum == Approx(24).epsilon(1e-15));
  CHECK(daily_sum == Approx(7).epsilon(1e-15));
  CHECK(t.traffic.hourly[0] == 0.5);
  CHECK(t.traffic.hourly[23] == 1.5);
  CHECK(t.traffic.daily[0] == 1.4);
  CHECK(t.traffic.daily[6] == 0);
  // A week of arrivals is rate x week: the profiles move traffic, they do not add any.
  CHECK(t.traffic.arrivals_between(0, 7 * 86400.0) ==
        Approx(t.traffic.rate_per_second * 7 * 86400).epsilon(1e-12));
}

TEST_CASE("the SLO: target, window and kinds of window", "[time]") {
  const auto t = time_of("  horizon: 365d\n  histories: 10\n  slo: {target: 99.9%, window: 4w}\n");
  REQUIRE(t.slo);
  CHECK(t.slo->target == 0.999);
  CHECK(t.slo->window_seconds == 28 * 86400.0);
  CHECK(t.slo->windows == nines::SloWindows::rolling);
  const auto d = time_of("  horizon: 30d\n  histories: 10\n  slo: {target: 0.99}\n");
  CHECK(d.slo->window_seconds == 30 * 86400.0);  // the default window: the whole horizon here
  const auto tumbling =
      time_of("  horizon: 365d\n  histories: 10\n  slo: {target: 0.99, windows: tumbling}\n");
  CHECK(tumbling.slo->windows == nines::SloWindows::tumbling);
  const auto months = time_of(
      "  horizon: 365d\n  histories: 10\n  slo: {target: 0.99, windows: calendar-months}\n");
  CHECK(months.slo->windows == nines::SloWindows::calendar_months);
}

TEST_CASE("time errors name the key and say what would be valid", "[time][invalid]") {
  const std::string tail = "components:\n  - {name: a, reliability: 1}\n";
  const auto time_error = [&](const std::string& time) {
    return error_of("format_version: 3\nname: t\ntime: " + time + "\n" + tail);
  };
  CHECK(time_error("{horizon: 365d, histories: 1.5}") ==
        "t.yaml:3:34: time.histories: \"1.5\" is not a whole number; write a whole number of "
        "histories from 1 to 4294967296, such as 10000 or 10k");
  CHECK(time_error("{horizon: 365, histories: 1}") ==
        "t.yaml:3:17: time.horizon: \"365\" has no unit (units are required); write a number "
        "with a unit: s, m, h, d, w or y (y = 365d), e.g. 90s, 45m, 1.5h or 30d");
  CHECK(time_error("{horizon: 365d, histories: 1, crews: 1.5}") ==
        "t.yaml:3:44: time.crews: \"1.5\" is not a whole number; write a whole number from 1 to "
        "1000000");
  CHECK(time_error("[]") ==
        "t.yaml:3:7: time: found a list; write a mapping with horizon and histories, e.g. "
        "{horizon: 365d, histories: 10k}");
  CHECK(time_error("{horizon: 365d, histories: 1, slo: {target: 0}}") ==
        "t.yaml:3:51: time.slo.target: \"0\" is 0; write an availability strictly between 0 "
        "and 1, such as 0.999 or \"99.9%\"");
  CHECK(time_error("{horizon: 20d, histories: 1, slo: {target: 0.9}}") ==
        "t.yaml:3:41: time.slo.window: the default of 30d is longer than the horizon (20d); "
        "write a window of at most the horizon");
  CHECK(time_error("{horizon: 20d, histories: 1, slo: {target: 0.9, windows: calendar-months}}") ==
        "t.yaml:3:64: time.slo.windows: the horizon (20d) holds no whole calendar month; make "
        "the horizon at least 31d, or use rolling or tumbling windows");
  CHECK(time_error("{horizon: 1d, histories: 1, traffic: {rate: 1k/s, hourly: [1, a]}}") ==
        "t.yaml:3:65: time.traffic.hourly: 2 numbers are listed; list 24 non-negative "
        "multipliers, one per hour from 00:00, not all 0 (they are normalised to mean 1)");
  CHECK(time_error("{horizon: 1d, histories: 1, traffic: {rate: 1k/s, daily: [1, 1, 1, 1, 1, 1, "
                   "50%]}}") ==
        "t.yaml:3:83: time.traffic.daily[6]: \"50%\" is a percentage; list 7 non-negative "
        "multipliers, one per day from Monday, not all 0 (they are normalised to mean 1)");
  // The distribution's mean, not just its parameters, must be finite and at least 1 ms.
  const auto outage_error = [&](const std::string& every) {
    return error_of(kHead + "components:\n  - name: a\n    reliability: 1\n    outages: {every: " +
                    every + ", repair: 1h}\n");
  };
  CHECK(outage_error("{weibull: {shape: 10, scale: 0.001s}}") ==
        "t.yaml:7:22: components[0].outages.every: the distribution's mean (0.0009514s) is below "
        "1 ms; choose parameters with a mean of at least 0.001s");
  CHECK(outage_error("{lognormal: {median: 1y, sigma: 40}}") ==
        "t.yaml:7:22: components[0].outages.every: the distribution's mean is infinite or too "
        "large to represent; choose parameters with a finite mean (a smaller scale, sigma or "
        "error factor, or a larger shape)");
  CHECK(outage_error("{fixed: 0s}") ==
        "t.yaml:7:30: components[0].outages.every.fixed: \"0s\" is zero (a positive duration "
        "is needed); write a number with a unit: s, m, h, d, w or y (y = 365d), e.g. 90s, 45m, "
        "1.5h or 30d");
  CHECK(outage_error("[90d]") ==
        "t.yaml:7:22: components[0].outages.every: found a list; write a duration such as 90d "
        "(the mean of an exponential), or a mapping with one of exponential, weibull, "
        "lognormal, gamma or fixed");
}
