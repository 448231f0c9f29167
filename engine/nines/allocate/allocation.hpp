#pragma once
// Reliability allocation (`nines allocate`): the per-team reliabilities that make the service
// meet a target, by three methods. A team is a component declaration: all replicas of `api`
// share one per-call reliability, as they do in the scenario file.
//
// The service value is the one `nines run` reports analytically: the weighted mix of the
// request kinds' exact reliabilities (StructureAnalytics: one BDD per kind, retries and
// common-cause events included). Every method works on the real structure through that engine;
// none approximates it.
//
// Rules every method follows:
//  - A target is never below today's reliability: a team that already does better than a method
//    asks keeps its value (for the scaled methods the common value is capped by today's, so the
//    result stays tight on the service target).
//  - When today's service already meets the target, every method returns today's values.
//  - Results are per-call reliabilities as a scenario file states them, rounded to doubles, and
//    the check is a fresh StructureAnalytics of the scenario with them substituted: what
//    `nines run` on that file computes. A method's result always passes it (met).
//
// Methods (u_d = 1 - r_d, today's u0_d; "extra nines" = log10(u0_d / u_d)):
//  equal:        u_d = min(u0_d, x), one x for all teams, the largest x that meets the target
//                (bisection on log x); pure series of n single components: r = target^(1/n).
//  proportional: u_d = f u0_d, one f in (0, 1], the largest f that meets the target (ARINC).
//  cost:         minimise sum_d cost_d * extra nines_d subject to the exact service reliability
//                >= target. Teams without an improvement_cost are not for sale (they keep
//                today's value). Solved exactly for series structures (below); every other
//                structure by a feasible allocation and a proven lower bound (further below).
//
// Series structures: one request kind without request retries whose path is a series of
// components (k-of-n with k = n counts as series; replicas of a declaration each count), common
// causes allowed. Then R = P_cc * prod_d (1 - v_d)^k_d with v_d = u_d^(retries_d + 1) and k_d the
// team's components on the path, P_cc the probability that no event on the path fires. With
// y_d = -ln(1 - v_d), the problem is the convex, separable
//   minimise sum_d (cost_d / (a_d ln 10)) * (-ln(1 - e^-y_d))  s.t.  sum_d k_d y_d <= ln(P_cc / R*)
// over 0 <= y_d <= y0_d, whose KKT conditions give, for one multiplier lambda,
//   v_d / (1 - v_d) = min(odds0_d, cost_d / (a_d k_d lambda)):
// each team's failure odds in proportion to its cost per nine (per attempt and per copy). The
// multiplier is found by bisection against the exact engine, so the result is the optimum to
// the bisection's resolution (the gap is reported: cost at the feasible end minus the Lagrange
// dual bound at the same multiplier).
//
// Other structures (parallel and k-of-n groups, several kinds, request retries). z_d = extra
// nines of team d, u_d = u0_d 10^-z_d, U(z) the exact service unreliability, U* = 1 - target.
//  Primal (the allocation reported): greedy from z = 0 in steps of 0.1 nine to the team with the
//    largest (U(z) - U(z + step e_d)) / cost_d until U <= U*; from it and from the equal and
//    proportional results (when they improve only teams for sale), each team lowered by
//    bisection as far as the target allows, then pairwise exchange (one team up by delta, the
//    one whose nines buy least lowered by bisection; delta from 0.1 to 1e-4 nines) while the
//    cost falls. Every evaluation is the exact engine (one pass over the diagrams), so the
//    result is feasible; it is checked like every method's.
//  Lower bound (`parameter`): a relaxation. A cut set C of kind k (components that break one
//    attempt when all fail; common causes only add failures and are left out) gives
//    U >= w_k Q_k^(a_k) >= w_k (prod_{c in C} v_c)^(a_k), a_k the kind's attempts, v_c the
//    component's failure within one attempt: in z the linear covering constraint
//    a_k sum_c (retries_c + 1) z_d(c) >= [ln w_k + a_k ln prod_c v0_c - ln U*] / ln 10. Sets of
//    cuts add aggregated constraints: with Q_k <= T_k = (U*/w_k)^(1/a_k) and Q_k >= P(some cut
//    of S fails) >= sum_{C in S} f_C p_C(z) (cuts with no common component: 1 - e^-(sum p_C),
//    else Bonferroni with f_C = 1 - eps_C / 2, eps_C from today's values), the convex
//    constraint on log sum_C e^(ln f_C p_C(z)) is replaced by its tangent at the primal (Gibbs'
//    inequality: valid everywhere). The LP min cost.z over these constraints (z >= 0, teams
//    not for sale at 0) is solved in its dual by a simplex from the slack basis; any dual
//    feasible y (clipped and scaled onto M^T y <= cost) gives the bound b.y (weak duality).
//    Minimal cut sets come from the Block tree (series: union of the children's; parallel:
//    one from each child; k-of-n: from every n - k + 1 children), at most 100,000 per block:
//    dropping cuts or constraints only relaxes, so the bound stays valid (the solver text says
//    when the cap was hit). optimality_gap = cost - bound >= 0.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/model/scenario.hpp"
#include "nines/model/structure_model.hpp"

namespace nines {

enum class AllocationMethod { equal, proportional, cost };
inline constexpr AllocationMethod kAllocationMethods[] = {
    AllocationMethod::equal, AllocationMethod::proportional, AllocationMethod::cost};
const char* to_string(AllocationMethod method) noexcept;

struct AllocationTeam {
  std::string name;                       // the declaration's name
  std::vector<std::uint32_t> components;  // its components (replicas) in the model
  double reliability = 1;                 // today's per-call reliability
  std::uint32_t retries = 0;
  std::optional<double> improvement_cost;
};

struct MethodResult {
  AllocationMethod method = AllocationMethod::equal;
  bool available = true;            // false: not computed (reason says why)
  std::string reason;               // for unavailable methods
  std::string solver;               // how it was solved ("bisection on x", "KKT, exact (series)")
  std::vector<double> reliability;  // per team
  std::vector<double> extra_nines;  // per team: log10(u0 / u); 0 when unchanged
  double parameter = 0;             // x, f, lambda (cost, series) or the cost's lower bound
  // The check: a fresh exact evaluation of the scenario with the allocated reliabilities.
  double service_reliability = 0;
  double service_unreliability = 0;
  bool met = false;
  // sum_d cost_d * extra_nines_d over teams with a cost; NaN when a team without a cost is
  // improved (its cost is unknown).
  double cost = 0;
  double optimality_gap = 0;  // cost method: cost minus a proven lower bound (0 elsewhere)
};

struct Allocation {
  std::string scenario_name;
  int format_version = 0;
  double target = 0;  // the service reliability asked for
  double today_reliability = 0, today_unreliability = 0;
  // The best reachable: every team perfect (only common-cause events fail requests).
  double ceiling_reliability = 1;
  bool already_met = false;
  std::vector<AllocationTeam> teams;
  std::vector<MethodResult> methods;  // in kAllocationMethods order
};

// A chain (format 1) as the series structure it is: one kind, components in order.
StructureModel structure_of_chain(const Scenario& chain);

// The teams of a structure model, one per declaration, in file order.
std::vector<AllocationTeam> allocation_teams(const StructureModel& model);

// Runs every method. Throws InputError when the target is not a reliability in (0, 1), or when
// it is unreachable (even with every team perfect the structure stays below it; the message
// gives that ceiling), and for the cost method when its teams for sale cannot reach it.
Allocation allocate(const StructureModel& model, double target, StopFlag stop = nullptr);

// The cost method by the general path (greedy and exchange against the exact engine, lower
// bound by LP duality over cut sets), whatever the structure; allocate() uses it for every
// structure that is not a series. For tests: on a series it can be compared with the closed form.
MethodResult allocate_cost_general(const StructureModel& model, double target,
                                   StopFlag stop = nullptr);

}  // namespace nines
