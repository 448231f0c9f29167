// SLOs as objects (model/slo_model.hpp, sample/slo_accounting.hpp): windows' bad and total
// events worked by hand for both budgeting methods, and timeslice SLOs' bad slices from the
// alert evaluator against the exact per-slice probability and a hand-worked outage.
#include <catch2/catch.hpp>

#include <cmath>

#include "../support/alert_timeline.hpp"
#include "../support/time_model.hpp"
#include "nines/sample/alert_evaluator.hpp"
#include "nines/sample/slo_accounting.hpp"

using namespace nines;
using namespace nines::test;

namespace {

// One service (reliability `reliability`) at a constant `rate`, with the given SLOs.
StructureModel slo_model(double horizon, double rate, double reliability,
                         std::vector<SloObjective> slos) {
  TimeModel t;
  t.horizon_seconds = horizon;
  t.traffic.rate_per_second = rate;
  StructureModel m =
      time_model({{"service", std::nullopt, {}, reliability}}, Block::component_ref(0), t);
  m.time->slos = std::move(slos);
  return m;
}

SloObjective timeslices(double target, double slice_target, double slice_seconds) {
  SloObjective o;
  o.name = "slices";
  o.objective = SloTarget{target, kDay, SloWindows::tumbling};
  o.budgeting = SloBudgeting::timeslices;
  o.time_slice_target = slice_target;
  o.time_slice_seconds = slice_seconds;
  return o;
}

// The service down over `outages`, up with error probability p otherwise.
AlertTimeline timeline(double horizon, double p,
                       const std::vector<std::array<double, 2>>& outages) {
  AlertTimeline t;
  add_service_pieces(t, horizon, p, outages);
  return t;
}

std::uint64_t count(const std::vector<std::array<std::uint64_t, 2>>& ranges) {
  std::uint64_t n = 0;
  for (const auto& r : ranges) n += r[1] - r[0] + 1;
  return n;
}

}  // namespace

TEST_CASE("timeslice windows count bad slices by day, worked by hand") {
  // 6-hour slices: 4 a day. Bad slice ends 2, 3 (day 0), 8 (day 1), 9 (day 2). Rolling
  // 2-day windows: [0, 2) has 3 bad of 8, [1, 3) 2 of 8; a 25% budget allows 2.
  SloPlan plan;
  plan.budgeting = SloBudgeting::timeslices;
  plan.windows = {{0, 2}, {1, 2}};
  plan.budget_fraction = 0.25;
  plan.slices_per_day = 4;
  SloHistory h;
  account_timeslices(plan, {{2, 3}, {8, 9}}, 3, h);
  CHECK(h.bad == std::vector<std::uint64_t>{3, 2});
  CHECK(h.total == std::vector<std::uint64_t>{8, 8});
  CHECK(h.met == std::vector<std::uint8_t>{0, 1});
  CHECK(h.windows_met == 1);
  // A range over several days, and ends past the whole days (a partial last day) ignored.
  account_timeslices(plan, {{3, 14}}, 3, h);
  CHECK(h.bad == std::vector<std::uint64_t>{6, 8});
}

TEST_CASE("occurrence windows count failed requests by day, worked by hand") {
  SloPlan plan;
  plan.windows = {{0, 2}, {1, 2}, {2, 2}};
  plan.budget_fraction = 0.01;
  const std::uint64_t requests[] = {1000, 1000, 100, 900};
  const std::uint64_t failed[] = {10, 11, 0, 9};
  SloHistory h;
  account_occurrences(plan, requests, failed, 4, h);
  CHECK(h.bad == std::vector<std::uint64_t>{21, 11, 9});
  CHECK(h.total == std::vector<std::uint64_t>{2000, 1100, 1000});
  CHECK(h.met == std::vector<std::uint8_t>{0, 1, 1});  // 21 > 20, 11 <= 11, 9 <= 10
}

TEST_CASE("a timeslice SLO's bad slices under an outage are those it covers enough") {
  // 1-minute slices at 1000 requests/s, transient error 0.1%, slice target 90%: a slice is
  // bad when more than 10% of its requests fail. The outage [10.5 min, 20.25 min) covers
  // half of slice 10, all of 11..19 and a quarter of slice 20: 11 bad slices, ends 11..21.
  // (60,000 requests a slice: the overlap shares are 40 standard deviations from 10%.)
  const double horizon = kDay;
  const StructureModel m = slo_model(horizon, 1000, 0.999, {timeslices(0.99, 0.9, 60)});
  AlertPlan plan(m, {1.0}, {0.001}, horizon);
  REQUIRE(plan.specs.size() == 1);
  REQUIRE(plan.user_policies == 0);
  AlertEvaluator evaluator(m, plan, 7);
  AlertHistoryResult r;
  evaluator.evaluate(0, timeline(horizon, 0.001, {{630, 1215}}), horizon, true, r);
  REQUIRE(r.bad_slices.size() == 1);
  CHECK(r.bad_slices[0] == std::vector<std::array<std::uint64_t, 2>>{{11, 21}});
  CHECK(r.rows.empty());
  CHECK(r.firings.empty());
}

TEST_CASE("a timeslice SLO's quiet bad slices match the exact per-slice probability") {
  // At 0.5 requests/s (30 a slice) and 1% transient errors, a slice with any error among few
  // requests can exceed 5%: P(bad) = P(F (1 - t) > t G) for Poisson F, G of means p n and
  // (1 - p) n. Bad slices per history are Binomial(slices, P).
  const double slice = 60, horizon = 2 * kDay, rate = 0.5, p = 0.01, threshold = 0.05;
  const StructureModel m =
      slo_model(horizon, rate, 1 - p, {timeslices(0.99, 1 - threshold, slice)});
  const double n = rate * slice, mf = p * n, mg = (1 - p) * n;
  double P = 0;
  for (int f = 1; f < 60; ++f) {
    const double pf = std::exp(f * std::log(mf) - mf - std::lgamma(f + 1.0));
    for (int g = 0; g < 200; ++g) {
      if (!(f * (1 - threshold) > threshold * g)) break;
      P += pf * std::exp(g * std::log(mg) - mg - std::lgamma(g + 1.0));
    }
  }
  const double slices = horizon / slice;
  AlertPlan plan(m, {1.0}, {p}, horizon);
  AlertEvaluator evaluator(m, plan, 11);
  AlertHistoryResult r;
  const AlertTimeline t = timeline(horizon, p, {});
  const std::uint32_t histories = 300;
  double total = 0;
  for (std::uint32_t h = 0; h < histories; ++h) {
    evaluator.evaluate(h, t, horizon, false, r);
    total += static_cast<double>(count(r.bad_slices[0]));
  }
  const double trials = slices * histories;
  const double z = (total - trials * P) / std::sqrt(trials * P * (1 - P));
  CAPTURE(P, total, trials * P, z);
  CHECK(std::fabs(z) < 5);
}

TEST_CASE("a timeslice SLO sees a policy's counts where its scope is not quiet") {
  // Common random numbers where the scope is not quiet: an error-ratio rule over one slice is
  // the SLO's bad-slice test, on the same tree. (Wholly quiet slices are drawn directly for the
  // SLO, quiet_slices.hpp, and through the tree for the policy: the same law, other draws.)
  // The outage [3630, 3645) is a quarter of the slice that ends at end 61: about 7.5 of its 30
  // requests fail, around the 30% threshold, so whether it is bad varies from history to
  // history, and the two must agree in every one.
  const double horizon = 2 * kDay, p = 0.01, threshold = 0.3;
  StructureModel m = slo_model(horizon, 0.5, 1 - p, {timeslices(0.99, 1 - threshold, 60)});
  AlertPolicy policy;
  policy.name = "same";
  policy.slice_seconds = 60;
  AlertRule rule;
  rule.name = "r";
  rule.threshold = threshold;
  rule.long_slices = 1;
  policy.rules = {rule};
  m.time->alerting = {policy};
  AlertPlan plan(m, {1.0}, {p}, horizon);
  AlertEvaluator evaluator(m, plan, 5);
  AlertHistoryResult r;
  int bad_histories = 0;
  const int histories = 60;
  for (std::uint32_t h = 0; h < histories; ++h) {
    evaluator.evaluate(h, timeline(horizon, p, {{3630, 3645}}), horizon, true, r);
    bool bad = false, fires = false;
    for (const auto& x : r.bad_slices[0]) bad = bad || (x[0] <= 61 && 61 <= x[1]);
    for (const AlertFiring& f : r.firings) fires = fires || (f.rule == 0 && f.fired == 61 * 60.0);
    CAPTURE(h);
    CHECK(bad == fires);
    bad_histories += bad;
  }
  CHECK(bad_histories > 0);
  CHECK(bad_histories < histories);
}
