// Alert policies evaluated on hand-made histories (sample/alert_evaluator.hpp): the SRE
// Workbook's burn-rate arithmetic, precision and recall worked by hand, monitoring and
// delivery outages, noise against the exact per-slice probability, and the fast evaluation
// (bounds, skipped quiet ends) against the simple one that decides every slice end alone.
#include <catch2/catch.hpp>

#include <cmath>

#include "../support/alert_timeline.hpp"
#include "../support/time_model.hpp"
#include "nines/sample/alert_evaluator.hpp"
#include "nines/sample/scope_rates.hpp"

using namespace nines;
using namespace nines::test;

namespace {

constexpr double kMinute = 60;

AlertRule burn_rule(const char* name, AlertSeverity severity, double burn, double target,
                    double long_seconds, double short_seconds, double slice) {
  AlertRule r;
  r.name = name;
  r.severity = severity;
  r.burn_rate = burn;
  r.threshold = burn * (1 - target);
  r.long_slices = static_cast<std::uint32_t>(std::llround(long_seconds / slice));
  r.short_slices = static_cast<std::uint32_t>(std::llround(short_seconds / slice));
  return r;
}

// The SRE Workbook's three rules for a 99.9% SLO over 30 days.
std::vector<AlertRule> workbook_rules(double slice) {
  return {burn_rule("fast", AlertSeverity::page, 14.4, 0.999, 1 * kHour, 5 * kMinute, slice),
          burn_rule("slow", AlertSeverity::page, 6, 0.999, 6 * kHour, 30 * kMinute, slice),
          burn_rule("ticket", AlertSeverity::ticket, 1, 0.999, 3 * kDay, 6 * kHour, slice)};
}

// Components: 0 the service (on the path), 1 monitoring, 2 alerting (on no path). No
// processes: the tests hand the evaluator its timeline.
StructureModel alert_model(double horizon, double rate, double reliability,
                           std::vector<AlertPolicy> policies) {
  TimeModel t;
  t.horizon_seconds = horizon;
  t.traffic.rate_per_second = rate;
  t.slo = SloTarget{0.999, 30 * kDay, SloWindows::rolling};
  StructureModel m = time_model({{"service", std::nullopt, {}, reliability},
                                 {"monitoring", std::nullopt, {}},
                                 {"alerting", std::nullopt, {}}},
                                Block::component_ref(0), t);
  m.time->alerting = std::move(policies);
  return m;
}

AlertPolicy policy(const char* name, double slice, std::vector<AlertRule> rules) {
  AlertPolicy p;
  p.name = name;
  p.slice_seconds = slice;
  p.rules = std::move(rules);
  p.needs = Block::series({Block::component_ref(1)});
  p.needs_components = {1};
  p.delivery = Block::series({Block::component_ref(2)});
  p.delivery_components = {2};
  return p;
}

// A timeline: the service down over `outages`, up with error probability p otherwise;
// monitoring down over `monitoring_down`, alerting over `alerting_down`.
AlertTimeline timeline(double horizon, double p, const std::vector<std::array<double, 2>>& outages,
                       const std::vector<std::array<double, 2>>& monitoring_down = {},
                       const std::vector<std::array<double, 2>>& alerting_down = {}) {
  AlertTimeline t;
  add_service_pieces(t, horizon, p, outages);
  t.flips.push_back({0, 1, 1});
  t.flips.push_back({0, 2, 1});
  std::vector<AlertComponentFlip> flips;
  for (const auto& d : monitoring_down) {
    flips.push_back({d[0], 1, 0});
    flips.push_back({d[1], 1, 1});
  }
  for (const auto& d : alerting_down) {
    flips.push_back({d[0], 2, 0});
    flips.push_back({d[1], 2, 1});
  }
  std::sort(flips.begin(), flips.end(), [](const auto& a, const auto& b) { return a.t < b.t; });
  t.flips.insert(t.flips.end(), flips.begin(), flips.end());
  return t;
}

struct Evaluation {
  AlertPlan plan;
  AlertHistoryResult result;
};

Evaluation evaluate(const StructureModel& m, const AlertTimeline& t, std::uint32_t history = 0,
                    bool exhaustive = false, std::uint64_t seed = 1) {
  Evaluation e;
  const std::vector<double> share = {1.0};
  const std::vector<double> base = {1 - m.components[0].reliability};
  e.plan = AlertPlan(m, share, base, m.time->horizon_seconds);
  e.plan.exhaustive = exhaustive;
  AlertEvaluator evaluator(m, e.plan, seed);
  evaluator.evaluate(history, t, m.time->horizon_seconds, true, e.result);
  return e;
}

std::vector<AlertFiring> firings_of(const AlertHistoryResult& r, std::uint32_t rule) {
  std::vector<AlertFiring> out;
  for (const AlertFiring& f : r.firings)
    if (f.rule == rule) out.push_back(f);
  return out;
}

}  // namespace

TEST_CASE("a 100% outage under constant traffic fires when the Workbook's arithmetic says") {
  // SLO 99.9%: a rule of burn rate b over a long window W crosses when the outage's errors
  // reach b (1 - target) of the window's requests, after b (1 - target) W; the errors then
  // in the window are b W / 30d of the 30-day budget (2%, 5%, 10%). Both to within a slice.
  const double slice = 10, rate = 1e5, horizon = 20 * kDay;
  const double start = 10 * kDay + 17, end = start + 4 * kDay;
  const StructureModel m =
      alert_model(horizon, rate, 1.0, {policy("workbook", slice, workbook_rules(slice))});
  const Evaluation e = evaluate(m, timeline(horizon, 0, {{start, end}}));
  const TimeModel& time = *m.time;
  const double budget_requests = (1 - 0.999) * rate * 30 * kDay;
  for (std::uint32_t r = 0; r < 3; ++r) {
    const AlertRule& rule = time.alerting[0].rules[r];
    const double window = rule.long_slices * slice;
    const double crossing = rule.threshold * window;  // seconds of outage
    const std::vector<AlertFiring> f = firings_of(e.result, r);
    REQUIRE(f.size() == 1);
    CAPTURE(rule.name, crossing, f[0].fired - start);
    CHECK(f[0].fired - start >= crossing - slice);
    CHECK(f[0].fired - start <= crossing + slice);
    CHECK(f[0].delivered == f[0].fired);
    CHECK(f[0].outage_start == start);
    // The budget consumed: burn x window / 30 days, plus at most one slice of errors.
    const double expected = rule.burn_rate * window / (30 * kDay);
    const double one_slice = rate * slice / budget_requests;
    CHECK(f[0].budget >= expected - one_slice);
    CHECK(f[0].budget <= expected + 2 * one_slice);
  }
  CHECK(time.alerting[0].rules[0].burn_rate * kHour / (30 * kDay) == Approx(0.02));
  CHECK(time.alerting[0].rules[1].burn_rate * 6 * kHour / (30 * kDay) == Approx(0.05));
  CHECK(time.alerting[0].rules[2].burn_rate * 3 * kDay / (30 * kDay) == Approx(0.10));
  // Every outage paged, by the fast rule first; the two page rules' firings overlap, so
  // together they page once (the union of their firings).
  const AlertRow& any = e.result.rows[0][3];
  CHECK(any.firings == 1);
  CHECK(any.outages_paged == 1);
  REQUIRE(any.time_to_page.size() == 1);
  CHECK(any.time_to_page[0] == firings_of(e.result, 0)[0].delivered - start);
}

TEST_CASE("precision and recall worked by hand: a long outage, a blip, one while blind") {
  // Quiet requests never fail, so nothing fires without an outage. The fast rule (14.4 over
  // 1 h, 5 min short) needs 51.84 s of a 100% outage in its hour:
  //  - A, 1 h at day 2: fires after ~52 s, delivered;
  //  - B, 20 s at day 5: too short, never fires;
  //  - C, 30 min at day 8, while monitoring is down from a minute before it to 2 h after:
  //    when monitoring returns, the hour behind it holds no outage, so C is never seen.
  //  - D, 2 h at day 11, alerting down for its first 10 minutes: fires at ~52 s, delivered
  //    when alerting returns (it is still firing).
  const double slice = 60, horizon = 14 * kDay;
  const double a = 2 * kDay + 5, b = 5 * kDay + 7, c = 8 * kDay + 3, d = 11 * kDay + 30;
  const StructureModel m =
      alert_model(horizon, 1000, 1.0, {policy("fast", slice, {workbook_rules(slice)[0]})});
  const Evaluation e =
      evaluate(m, timeline(horizon, 0,
                           {{a, a + kHour}, {b, b + 20}, {c, c + 30 * kMinute}, {d, d + 2 * kHour}},
                           {{c - kMinute, c + 2 * kHour}}, {{d - 1, d + 10 * kMinute}}));
  CHECK(e.result.outages[0] == 4);
  const AlertRow& row = e.result.rows[0][0];
  CHECK(row.firings == 2);
  CHECK(row.noise == 0);
  CHECK(row.delivered == 2);
  CHECK(row.outages_paged == 2);  // recall 2 / 4, precision 2 / 2
  const std::vector<AlertFiring> f = firings_of(e.result, 0);
  REQUIRE(f.size() == 2);
  CHECK(f[0].outage_start == a);
  CHECK(f[0].fired == Approx(std::ceil((a + 51.84) / slice) * slice).margin(slice));
  CHECK(f[1].outage_start == d);
  CHECK(f[1].fired < d + 10 * kMinute);
  // Delivered at the first slice end once alerting works again.
  CHECK(f[1].delivered == std::ceil((d + 10 * kMinute) / slice) * slice);
  REQUIRE(row.time_to_page.size() == 2);
  CHECK(row.time_to_page[1] == f[1].delivered - d);
}

TEST_CASE("noise firings match the exact per-slice probability of quiet windows") {
  // A one-slice window and no short one: each end's decision is independent of the others,
  // and fires when errors > t (errors + good) for Poisson errors of mean p n and good
  // requests of mean (1 - p) n, n the slice's expected requests. Firings are runs of firing
  // ends, so per history their expected number is P + (ends - 1) P (1 - P).
  const double slice = 60, horizon = 2 * kDay, rate = 0.5, p = 0.01, threshold = 0.05;
  AlertRule rule;
  rule.name = "noisy";
  rule.threshold = threshold;
  rule.long_slices = 1;
  const StructureModel m = alert_model(horizon, rate, 1 - p, {policy("noisy", slice, {rule})});
  const double n = rate * slice;
  // P(fire) by summing the two Poisson laws.
  double P = 0;
  {
    const double mf = p * n, mg = (1 - p) * n;
    for (int f = 1; f < 60; ++f) {
      const double pf = std::exp(f * std::log(mf) - mf - std::lgamma(f + 1.0));
      for (int g = 0; g < 200; ++g) {
        if (!(f * (1 - threshold) > threshold * g)) break;
        P += pf * std::exp(g * std::log(mg) - mg - std::lgamma(g + 1.0));
      }
    }
  }
  const double ends = horizon / slice;
  const double expected = P + (ends - 1) * P * (1 - P);
  const std::uint32_t histories = 400;
  std::vector<double> counts;
  std::vector<std::uint32_t> by_hour(24, 0);
  const StructureModel& model = m;
  const std::vector<double> share = {1.0};
  AlertPlan plan(model, share, {p}, horizon);
  AlertEvaluator evaluator(model, plan, 3);
  AlertHistoryResult r;
  const AlertTimeline t = timeline(horizon, p, {});
  for (std::uint32_t h = 0; h < histories; ++h) {
    evaluator.evaluate(h, t, horizon, false, r);
    counts.push_back(static_cast<double>(r.rows[0][0].firings));
    CHECK(r.rows[0][0].noise == r.rows[0][0].firings);
  }
  double mean = 0, var = 0;
  for (const double c : counts) mean += c;
  mean /= histories;
  for (const double c : counts) var += (c - mean) * (c - mean);
  var /= histories - 1;
  CAPTURE(P, expected, mean);
  CHECK(std::fabs(mean - expected) / std::sqrt(var / histories) < 5);
}

TEST_CASE("the fast evaluation decides every slice end as the exhaustive one does") {
  // Random-looking outages, transient failures, monitoring and alerting outages, a week of
  // one-minute slices: the ranges proved by bounds and the quiet ends skipped must give the
  // firings that deciding each end from its exact slice counts gives.
  const double slice = 60, horizon = 7 * kDay;
  std::vector<AlertRule> rules = workbook_rules(slice);
  rules[2] = burn_rule("ticket", AlertSeverity::ticket, 1, 0.999, 1 * kDay, 2 * kHour, slice);
  AlertRule ratio;
  ratio.name = "naive";
  ratio.threshold = 0.002;
  ratio.long_slices = 10;
  rules.push_back(ratio);
  const StructureModel m = alert_model(horizon, 20, 0.9995, {policy("p", slice, rules)});
  const AlertTimeline t = timeline(horizon, 0.0005,
                                   {{0.5 * kDay, 0.5 * kDay + 40},
                                    {1.2 * kDay, 1.2 * kDay + 3 * kHour},
                                    {3.3 * kDay, 3.3 * kDay + 9 * kMinute},
                                    {5.01 * kDay, 5.01 * kDay + kHour}},
                                   {{1.2 * kDay + 600, 1.2 * kDay + 1200}, {5 * kDay, 5.02 * kDay}},
                                   {{3.29 * kDay, 3.31 * kDay}});
  for (std::uint32_t h = 0; h < 6; ++h) {
    const Evaluation fast = evaluate(m, t, h, false, 5);
    const Evaluation simple = evaluate(m, t, h, true, 5);
    REQUIRE(fast.result.firings.size() == simple.result.firings.size());
    for (std::size_t i = 0; i < fast.result.firings.size(); ++i) {
      const AlertFiring& x = fast.result.firings[i];
      const AlertFiring& y = simple.result.firings[i];
      CHECK(x.rule == y.rule);
      CHECK(x.fired == y.fired);
      CHECK((x.delivered == y.delivered || (std::isnan(x.delivered) && std::isnan(y.delivered))));
      CHECK(x.budget == y.budget);
    }
    CHECK(fast.result.rows[0][4].firings > 0);
  }
}

TEST_CASE("policies with the same scope and slice see the same counts") {
  // Common random numbers: a policy's firings do not depend on which other policies run.
  const double slice = 60, horizon = 10 * kDay;
  const AlertTimeline t = timeline(
      horizon, 0.0002, {{2 * kDay, 2 * kDay + 2 * kHour}, {6 * kDay, 6 * kDay + 20 * kMinute}});
  const StructureModel alone =
      alert_model(horizon, 50, 0.9998, {policy("workbook", slice, workbook_rules(slice))});
  AlertRule naive;
  naive.name = "naive";
  naive.threshold = 0.001;
  naive.long_slices = 10;
  const StructureModel both = alert_model(
      horizon, 50, 0.9998,
      {policy("naive", slice, {naive}), policy("workbook", slice, workbook_rules(slice))});
  const Evaluation a = evaluate(alone, t, 4);
  const Evaluation b = evaluate(both, t, 4);
  std::vector<AlertFiring> from_b;
  for (const AlertFiring& f : b.result.firings)
    if (f.policy == 1) from_b.push_back(f);
  REQUIRE(a.result.firings.size() == from_b.size());
  for (std::size_t i = 0; i < from_b.size(); ++i) {
    CHECK(a.result.firings[i].fired == from_b[i].fired);
    CHECK(a.result.firings[i].budget == from_b[i].budget);
  }
}

TEST_CASE("the quiet bound is the Chernoff exponent of the error ratio") {
  // ln P(F (1 - t) > t G) <= n g: g is negative when the threshold is above the quiet error
  // probability, 0 (no bound) at or below it, and -inf when quiet requests never fail.
  CHECK(quiet_exponent(0.001, 0.0144) < 0);
  CHECK(quiet_exponent(0.02, 0.0144) == 0);
  CHECK(std::isinf(quiet_exponent(0, 0.01)));
  // Against the exact tail for a Poisson n: the bound holds.
  const double p = 0.01, t = 0.05, n = 200;
  double exact = 0;
  for (int f = 1; f < 100; ++f)
    for (int g = 0; g < 400; ++g)
      if (f * (1 - t) > t * g)
        exact += std::exp(f * std::log(p * n) - p * n - std::lgamma(f + 1.0) +
                          g * std::log((1 - p) * n) - (1 - p) * n - std::lgamma(g + 1.0));
  CHECK(exact <= std::exp(n * quiet_exponent(p, t)));
  CHECK(exact > 0);
}

TEST_CASE("the fire and miss bounds hold against the exact Poisson tails") {
  // P(F (1 - t) > t G) for F, G Poisson of means a, b, summed; the bounds must exceed it and
  // its complement, and be tight enough to decide windows far from the threshold.
  const auto exact_fire = [](double a, double b, double t) {
    double p = 0;
    for (int f = 1; f < 400; ++f) {
      const double pf = std::exp(f * std::log(a) - a - std::lgamma(f + 1.0));
      for (int g = 0; g < 2000; ++g) {
        if (!(f * (1 - t) > t * g)) break;
        p += pf * (b > 0 ? std::exp(g * std::log(b) - b - std::lgamma(g + 1.0)) : g == 0);
      }
    }
    return p;
  };
  for (const double t : {0.001, 0.0144, 0.1, 0.5})
    for (const double a : {0.5, 2.0, 10.0, 40.0})
      for (const double b : {0.0, 5.0, 50.0, 400.0, 1500.0}) {
        CAPTURE(t, a, b);
        const double fire = exact_fire(a, b, t);
        CHECK(fire <= std::exp(fire_exponent(a, b, t)) * (1 + 1e-9) + 1e-300);
        CHECK(1 - fire <= std::exp(miss_exponent(a, b, t)) * (1 + 1e-9) + 1e-12);
      }
  // No errors expected: never fires; no good requests: misses only when F = 0.
  CHECK(std::isinf(fire_exponent(0, 10, 0.01)));
  CHECK(miss_exponent(30, 0, 0.01) == -30);
  // Far from the threshold the bounds are small; at it they give nothing.
  CHECK(fire_exponent(10, 1e5, 0.01) < -100);
  CHECK(miss_exponent(1e4, 1e5, 0.01) < -100);
  CHECK(fire_exponent(1000, 99000, 0.01) == 0);
  CHECK(miss_exponent(1000, 99000, 0.01) == 0);
}

TEST_CASE("the traffic's least and greatest rate over a stretch, in constant time") {
  TrafficProfile p;
  p.rate_per_second = 100;
  p.hourly_declared = p.daily_declared = true;
  for (std::size_t h = 0; h < 24; ++h) p.hourly[h] = 0.3 + 0.1 * static_cast<double>((h * 7) % 11);
  for (std::size_t d = 0; d < 7; ++d) p.daily[d] = 0.8 + 0.05 * static_cast<double>(d);
  TrafficIntegral traffic;
  traffic.build(p);
  for (const double a : {0.0, 1800.0, 3600.0, 5 * kDay + 7000, 6.9 * kDay, 30 * kDay + 1})
    for (const double length : {1.0, 3599.0, 3600.0, 7200.5, kDay, 3 * kDay, 7 * kDay, 9 * kDay}) {
      double low = 0, high = 0;
      traffic.rate_bounds(a, a + length, low, high);
      double want_low = std::numeric_limits<double>::infinity(), want_high = 0;
      for (double h = std::floor(a / 3600); h * 3600 < a + length; ++h) {
        want_low = std::min(want_low, p.rate_at(h * 3600 + 1800));
        want_high = std::max(want_high, p.rate_at(h * 3600 + 1800));
      }
      CAPTURE(a, length);
      CHECK(low == want_low);
      CHECK(high == want_high);
    }
}

TEST_CASE("ends decided from expected counts agree with the exhaustive evaluation") {
  // Traffic that follows the day, from 6/s at night to 150/s, and outages long and short:
  // inside the outages every window fires, far from them none does, and those ends are
  // decided from their windows' expected counts; the firings must be those that deciding
  // each end from its exact slice counts gives.
  const double slice = 60, horizon = 6 * kDay;
  StructureModel m = alert_model(horizon, 60, 0.9997, {policy("workbook", slice, {})});
  std::vector<AlertRule> rules = workbook_rules(slice);
  rules[2] = burn_rule("ticket", AlertSeverity::ticket, 1, 0.999, 1 * kDay, 2 * kHour, slice);
  AlertRule ratio;
  ratio.name = "naive";
  ratio.threshold = 0.002;
  ratio.long_slices = 10;
  rules.push_back(ratio);
  m.time->alerting[0].rules = rules;
  TrafficProfile& traffic = m.time->traffic;
  traffic.hourly_declared = true;
  for (std::size_t h = 0; h < 24; ++h)
    traffic.hourly[h] = 0.1 + 2.4 * std::pow(std::sin(3.14159265 * static_cast<double>(h) / 24), 2);
  const AlertTimeline t = timeline(horizon, 0.0003,
                                   {{0.3 * kDay, 0.3 * kDay + 5 * kHour},
                                    {1.1 * kDay, 1.1 * kDay + 70},
                                    {2.5 * kDay, 2.5 * kDay + 25 * kMinute},
                                    {2.55 * kDay, 2.55 * kDay + 2 * kHour},
                                    {4.9 * kDay, 4.9 * kDay + 40 * kMinute}},
                                   {{2.52 * kDay, 2.53 * kDay}}, {{4.9 * kDay, 4.91 * kDay}});
  std::uint64_t sure = 0;
  for (std::uint32_t h = 0; h < 5; ++h) {
    const Evaluation fast = evaluate(m, t, h, false, 9);
    const Evaluation simple = evaluate(m, t, h, true, 9);
    CHECK(simple.result.sure_ends == 0);
    sure += fast.result.sure_ends;
    REQUIRE(fast.result.firings.size() == simple.result.firings.size());
    for (std::size_t i = 0; i < fast.result.firings.size(); ++i) {
      const AlertFiring& x = fast.result.firings[i];
      const AlertFiring& y = simple.result.firings[i];
      CHECK(x.rule == y.rule);
      CHECK(x.fired == y.fired);
      CHECK(x.budget == y.budget);
    }
    for (std::size_t r = 0; r < rules.size(); ++r) CHECK(fast.result.rows[0][r].firings > 0);
  }
  // Most candidate ends were decided from expected counts.
  CHECK(sure > 5 * 2000);
}
