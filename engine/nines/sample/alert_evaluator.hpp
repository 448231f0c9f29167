#pragma once
// Alert policies (model/alerting_model.hpp) evaluated on one simulated history: which rules
// fire when, whether the firing reached people, which outage it was about, and how much error
// budget was gone when it fired.
//
// The counts a rule engine would see are the requests and errors of every slice of the
// history. A year holds 525,600 one-minute slices, so they are never drawn one by one:
//  - Errors and good requests of the policy's scope are two independent Poisson processes
//    (rates p(t) lambda(t) and (1 - p(t)) lambda(t), p the scope's error probability in the
//    history's state at t). Their counts live in a lazily refined binary tree over the slices:
//    a block of 4096 slices draws its two counts at once (Poisson), and a node is split
//    between its halves only when a decision needs it (Binomial(n, integrated rate of the
//    half / of the node)), which is exact for any rate. Each node's split has its own stream
//    (outage_streams.hpp, purpose alert), so every policy with the same scope and slice sees
//    the same counts: policies are compared on common random numbers.
//  - A rule's decision over a range of slice ends is made from bounds on the window sums
//    (the counts of the nodes inside a window, and of those that overlap it): "no end in the
//    range fires" or "every end fires" is proved without refining; otherwise the range is
//    halved, and a single end's windows are refined to slices, where the decision is exact.
//  - Ends whose windows see only the quiet state (every component up) are not evaluated when
//    a Chernoff bound proves that transient failures alone make them fire with probability
//    below kQuietFiringBound: P(F (1 - t) > t G) <= exp(N g(s*)) for Poisson F and G of
//    means p N and (1 - p) N, with s* = ln(t (1 - p) / (p (1 - t))). The sum of these bounds
//    over a history is reported (AlertPlan::missed_firing_bound): the probability that a
//    skipped end would have fired. Ends where the bound is not small enough (low traffic,
//    thresholds near the quiet error ratio) are evaluated exactly like the others.
//  - Likewise, before any count is drawn, a range of candidate ends whose windows' expected
//    errors and good requests (bounded over the range from the integrated rates, and from
//    the least and greatest rates over the windows) make the decision all but certain is
//    decided from them: a window's counts are Poisson, so Chernoff bounds give the chance
//    that the drawn counts decide otherwise (fire_exponent, miss_exponent), and a range is
//    decided when it is below kSureDecisionBound for every end. Inside an outage every
//    window fires, and proving it from drawn counts would need nodes shorter than the short
//    window all over the outage; so only the ends near a rule's crossings are decided from
//    drawn counts.
//    The chance that any such end differs from the exact evaluation is accounted, like the
//    quiet bound, in AlertPlan::missed_firing_bound (kSureDecisionBound per rule and end).
//    Online detection (first_page) decides every end from drawn counts, as it always has;
//    it agrees with evaluate() but for that chance.
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "nines/model/structure_model.hpp"

namespace nines {

// The per-window probability below which a quiet end is not evaluated.
inline constexpr double kQuietFiringBound = 1e-15;
// The per-end probability below which an end's decision is taken from its windows' expected
// counts instead of drawn ones (see AlertEvaluator); every end of every rule of a history
// counts towards AlertPlan::missed_firing_bound with it, whether so decided or not.
inline constexpr double kSureDecisionBound = 1e-18;

// What the simulator hands over for one history (only when the model has alert policies).
// A kind's state over [a, b): down (every request fails) or up with error probability p.
struct AlertKindPiece {
  double a = 0, b = 0;
  double p = 0;  // 1 when down
  std::uint32_t kind = 0;
  std::uint32_t down = 0;
};
// A watched component (one that some policy's needs or delivery names) starts or stops
// working at t; the first flip of each watched component, at t = 0, gives its start state.
struct AlertComponentFlip {
  double t = 0;
  std::uint32_t component = 0;
  std::uint32_t works = 0;
};

struct AlertTimeline {
  std::vector<AlertKindPiece> pieces;
  std::vector<AlertComponentFlip> flips;
  void clear() {
    pieces.clear();
    flips.clear();
  }
};

// One firing of one rule (rule = the number of the policy's rules: its page rules together).
struct AlertFiring {
  std::uint32_t policy = 0, rule = 0;
  double fired = 0;  // seconds from the history's start (a slice end)
  double delivered = std::numeric_limits<double>::quiet_NaN();     // NaN: lost
  double outage_start = std::numeric_limits<double>::quiet_NaN();  // NaN: noise
  double budget = std::numeric_limits<double>::quiet_NaN();  // share of the SLO window's budget
};

// A policy's rule (or, as row rules.size(), its page rules together) over one history.
struct AlertRow {
  std::uint64_t firings = 0, delivered = 0, noise = 0;
  std::uint64_t outages_paged = 0;       // outages with a delivered firing about them
  std::vector<double> time_to_page;      // per such outage: first delivery - outage start
  std::vector<double> budget_at_firing;  // per firing about an outage
  std::array<std::uint32_t, 24> noise_by_hour{};
};

// The exact slice counts around a policy's first firing about an outage, for plots of the
// burn rate around it (the first kSeriesHistories histories, when firings are listed).
inline constexpr std::uint32_t kSeriesHistories = 4;
inline constexpr std::uint64_t kMaxSeriesSlices = 1440;
struct AlertSeries {
  std::uint32_t policy = 0;
  std::uint64_t first_slice = 0;  // slice i covers [i slice, (i + 1) slice)
  std::vector<std::uint64_t> requests, errors;
};

struct AlertHistoryResult {
  std::vector<std::uint64_t> outages;       // per policy: outages of its scope
  std::vector<std::vector<AlertRow>> rows;  // per policy: rules, then "any page rule"
  std::vector<AlertFiring> firings;         // every firing, by policy, rule, time
  std::vector<AlertSeries> series;          // see kSeriesHistories
  // Per timeslice SLO (AlertPlan::specs after the policies): its bad slices, as the slice
  // ends (1-based) at which its one rule fires.
  std::vector<std::vector<std::array<std::uint64_t, 2>>> bad_slices;
  std::uint64_t sure_ends = 0;  // ends decided from expected counts, over every rule (tests)
};

// Per run: what each policy needs, derived once.
struct AlertRulePlan {
  double threshold = 0;
  std::uint32_t long_slices = 0, short_slices = 0;  // short_slices == long_slices: none
  // Ends (1-based slice-end indices, inclusive ranges) where the quiet bound does not hold
  // for the short window, and for the long window; over the whole horizon.
  std::vector<std::array<std::uint64_t, 2>> unsafe_short, unsafe_long;
};

struct AlertPolicyPlan {
  std::uint32_t scope = 0;          // kind index, or kinds for the mix (the stream's process)
  std::vector<double> kind_weight;  // per kind: its share of the scope's traffic (0 if outside)
  double scope_share = 1;           // the scope's share of the traffic
  double quiet_p = 0;               // the scope's error probability with everything up
  double slice = 60;
  std::uint64_t slices = 0;    // ceil(horizon / slice)
  double budget_requests = 0;  // (1 - target) x the scope's mean requests per SLO window
  std::vector<AlertRulePlan> rules;
};

struct AlertPlan {
  // What is evaluated: the scenario's policies (time.alerting), then one per SLO budgeted by
  // timeslices (time.slos), whose one rule fires at the ends of its bad slices (error ratio
  // above 1 - time_slice_target). Such an SLO sees the same counts as a policy with its scope
  // and slice.
  std::vector<AlertPolicy> specs;
  std::size_t user_policies = 0;          // specs[0, user_policies) are time.alerting
  std::vector<std::uint32_t> slo_spec;    // per SLO of time.slos: its spec, or -1 (occurrences)
  std::vector<AlertPolicyPlan> policies;  // per spec
  // Per component: 1 when a policy's needs or delivery names it.
  std::vector<std::uint32_t> watched;
  bool any = false;      // some policy or timeslice SLO is declared
  bool detects = false;  // some component's outages are detected by alert
  // Per history: the sum of the quiet bounds of the skipped ends, and of the bounds of the
  // ends decided from expected counts (kSureDecisionBound per rule and slice end).
  double missed_firing_bound = 0;
  // For tests: decide every slice end alone, from counts refined to slices, with no bounds
  // and no quiet ends skipped: the simple evaluation the fast one must agree with.
  bool exhaustive = false;

  AlertPlan() = default;
  AlertPlan(const StructureModel& model, const std::vector<double>& kind_share,
            const std::vector<double>& base_unreliability, double horizon);
};

// The error probability's Chernoff exponent: ln P(F (1 - t) > t G) <= n * quiet_exponent(p, t)
// for Poisson F, G of means p n, (1 - p) n. Negative when t > p; 0 otherwise (no bound).
double quiet_exponent(double p, double threshold) noexcept;

// Chernoff exponents for one window whose errors F and good requests G are Poisson of means
// a and b: ln P(F (1 - t) > t G) <= fire_exponent (0: no bound, -inf: impossible) and
// ln P(F (1 - t) <= t G) <= miss_exponent; each the least over s >= 0 of the bound
// E exp(s X) for X the difference, and any s gives a bound (see AlertEvaluator).
double fire_exponent(double a, double b, double threshold) noexcept;
double miss_exponent(double a, double b, double threshold) noexcept;

class AlertEvaluator {
 public:
  AlertEvaluator(const StructureModel& model, const AlertPlan& plan, std::uint64_t seed);
  ~AlertEvaluator();
  AlertEvaluator(const AlertEvaluator&) = delete;
  AlertEvaluator& operator=(const AlertEvaluator&) = delete;

  // Evaluates every policy on one history's timeline into `out` (reused). `keep_firings`:
  // list each firing in out.firings.
  void evaluate(std::uint32_t history, const AlertTimeline& timeline, double horizon,
                bool keep_firings, AlertHistoryResult& out);

  // Online, for detection by alert, while history `history` runs (after begin_history): the
  // first slice end in [from, t], after the ends looked at before, at which a page rule of
  // policy `policy` fires while its needs and delivery work; +inf if none. `timeline` holds
  // the kinds' pieces so far, `open` each kind's state from its last piece's end up to t. The
  // counts it draws are the ones evaluate() then uses, so the two agree.
  void begin_history(double horizon);
  double first_page(std::uint32_t policy, std::uint32_t history, double from, double t,
                    const AlertTimeline& timeline, const std::vector<AlertKindPiece>& open);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace nines
