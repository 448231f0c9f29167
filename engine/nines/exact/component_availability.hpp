#pragma once
// Steady-state (long-run) facts of one component's outage process, in closed form (scenario
// format 3, README "How the exact values over time are computed").
//
// A component with `outages` alternates: up for a time to failure (mean MTTF), then down while
// its outage is being detected (mean MTTD) and repaired (mean MTTR), then up again. When the
// phases of successive cycles are independent of everything else, the process is an
// alternating renewal process, and the renewal-reward theorem gives the long-run share of time
// in each phase as its mean over the mean cycle, whatever the distributions:
//   A = P(up) = MTTF / (MTTF + MTTD + MTTR),
//   P(detecting) = MTTD / cycle,  P(repairing) = MTTR / cycle,  cycle = MTTF + MTTD + MTTR,
// and the long-run rate of failures is 1 / cycle = A / MTTF.
//
// That holds when detection needs nothing that can be down and nothing else delays repair:
//  - detection `immediate` has MTTD = 0; a delay that needs nothing (or needs only components
//    that never go down: no outages of their own, and no common-cause event with a process
//    takes them down) has MTTD = the delay's mean (for a fixed delay, the delay itself). That
//    is the closed form the simulated mean time to detect must match when monitors never fail.
//  - detection whose `needs` can be down pauses while they are down, so MTTD depends on the
//    other components' processes: no closed form here (std::nullopt; the Markov chain solver,
//    markov_availability.hpp, covers exponential delays).
//  - with limited crews, an outage may wait for a crew, so MTTR is not the repair time's mean:
//    no closed form either, unless there are at least as many crews as components with
//    outages (then no outage ever waits).
//
// Equilibrium ("steady start", TimeModel::start == steady): a process observed at a random
// time long after its start is in phase X with probability mean(X) / cycle, and the time left
// in that phase follows the equilibrium (excess) distribution of X, with density
// (1 - F(t)) / mean(X). A draw of it is U * L with U uniform on (0, 1) and L drawn from the
// length-biased distribution of X (density t f(t) / mean(X)), independent: see
// equilibrium_remaining.
#include <cstdint>
#include <optional>

#include "nines/model/duration.hpp"
#include "nines/model/outage_model.hpp"
#include "nines/model/structure_model.hpp"

namespace nines {

// Mean lengths of the three phases of one alternating process, in seconds. For a common-cause
// event with a process, `up` is `every` (quiet), `detection` is 0 and `repair` is `lasts`.
struct PhaseMeans {
  double up = 0;
  double detection = 0;
  double repair = 0;

  double cycle() const noexcept { return up + detection + repair; }
  // up / cycle and (detection + repair) / cycle, each computed on its own (neither is 1 minus
  // the other in floating point, so 1e-9 unavailabilities keep their digits).
  double availability() const noexcept { return up / cycle(); }
  double unavailability() const noexcept { return (detection + repair) / cycle(); }
  // Long-run failures (up -> down transitions) per second: 1 / cycle = availability / up.
  double failure_frequency() const noexcept { return 1 / cycle(); }
};

// The long-run probabilities of the three phases: each phase's mean over the cycle's mean.
// This is also the distribution a steady start draws each process's initial phase from.
struct SteadyStart {
  double up = 1;
  double detecting = 0;
  double repairing = 0;
};
SteadyStart steady_start_probabilities(const PhaseMeans& phases) noexcept;

// The time left in a phase whose length has distribution d, observed at a random time in
// equilibrium: u_position * L, where L = the length-biased quantile of d at u_length. Both
// uniforms are in (0, 1). Length-biased forms (density t f(t) / mean): exponential(m) ->
// gamma(2, m); weibull(k, s) -> s Y^(1/k) with Y ~ gamma(1 + 1/k, 1); lognormal(mu, sigma) ->
// lognormal(mu + sigma^2, sigma); gamma(k, s) -> gamma(k + 1, s); fixed(v) -> v. The mean of
// the result is E[X^2] / (2 E[X]) = (variance + mean^2) / (2 mean).
double equilibrium_remaining(const DurationDistribution& d, double u_length, double u_position);

// True when component c's detection never waits: `immediate`, or a delay whose `needs` are
// empty or name only components that never go down (see above).
bool detection_never_waits(const StructureModel& model, std::uint32_t c);

// True when component c never goes down: no outages of its own and no common-cause event with
// a process takes it down (per-request `probability` events do not act over time).
bool never_goes_down(const StructureModel& model, std::uint32_t c);

// The closed-form mean time to detect an outage of component c, in seconds: 0 for immediate
// detection, the delay's mean when detection never waits; std::nullopt otherwise (and for a
// component without outages). Requires model.time.
std::optional<double> mean_time_to_detect(const StructureModel& model, std::uint32_t c);

// True when no outage can ever wait for a crew: unlimited crews, or at least as many crews as
// components with outages.
bool repair_never_waits(const StructureModel& model);

// The phase means of component c's process when it is an independent alternating renewal
// process (detection never waits and repair never waits); std::nullopt when it is not, or when
// c has no outages. Requires model.time.
std::optional<PhaseMeans> component_phases(const StructureModel& model, std::uint32_t c);

// Component c's steady-state availability MTTF / (MTTF + MTTD + MTTR): 1 for a component
// without outages, std::nullopt when there is no closed form (see above). Requires model.time.
std::optional<double> component_availability(const StructureModel& model, std::uint32_t c);

// Common-cause event e's process as phases (up = every, repair = lasts); std::nullopt for a
// per-request (`probability`) event. Its long-run probability of holding its components down
// is lasts / (every + lasts). Requires model.time.
std::optional<PhaseMeans> event_phases(const StructureModel& model, std::uint32_t e);

}  // namespace nines
