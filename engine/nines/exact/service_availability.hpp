#pragma once
// The service's steady-state (long-run) availability over time, per request kind, through the
// kinds' decision diagrams (kind_diagram.hpp), and its failure frequency and mean up and down
// times (README "How the exact values over time are computed").
//
// Availability. A kind's structure works at time t when its block expression works with each
// component up = "no outage of its own" AND NOT "an event with a process holds it down". When
// every component's and every event's process is an independent alternating renewal process
// (component_availability.hpp: detection that never waits, repair that never waits), the
// states at a time t long after the start are independent, with P(component up) = its A_c and
// P(event holds down) = lasts / (every + lasts). So the kind's availability is the probability
// computed on its diagram with those values, exactly as the per-request reliability is computed
// from per-request probabilities (one attempt: retries do not escape an outage). Per-request
// (`probability`) events do not act over time and are quiet here.
//
// Failure frequency (up -> down transitions of the kind per second, in the long run):
//   nu = sum_c I_B(c) A_c / MTTF_c + sum_e I_B(e) (1 - P_e) / every_e,
// with I_B the Birnbaum importance on the diagram: I_B(c) = P(works | c up) - P(works | c
// down), I_B(e) = P(works | e quiet) - P(works | e holds down). Derivation: the service goes
// down only at an instant when one process changes state (two changing at the same instant has
// probability 0). Process c fails at the long-run rate 1 / cycle_c = A_c / MTTF_c, where its
// cycle includes detection and repair. The other processes are independent of c, so at c's
// failure instants they are in their stationary states; the failure takes the service from
// working to failed exactly when the structure works with c up and fails with c down, whose
// probability is I_B(c) for a monotone structure. Summing over processes gives nu (Ross,
// "Introduction to Probability Models", the frequency of system failures for independent
// alternating components; it holds for any up and down distributions, not only exponential).
// Then, as for any alternating 0-1 process, mean up time = A / nu and mean down time =
// (1 - A) / nu.
//
// Limits: no exact value (std::nullopt, with the reason from no_exact_service_availability)
// when some component's detection waits on components that can go down, or when crews are
// limited to fewer than the components with outages (markov_availability.hpp solves the
// exponential cases of both). The diagrams' node budget is that of the structure analytics
// (BddNodeLimit beyond it).
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/exact/bdd.hpp"
#include "nines/model/structure_model.hpp"

namespace nines {

struct KindSteadyState {
  double availability = 1;       // long-run share of time the kind's structure works
  double unavailability = 0;     // computed on its own, not as 1 - availability
  double failure_frequency = 0;  // up -> down transitions per second
  // Seconds; +inf (mean up) and NaN (mean down) when the kind can never go down.
  double mean_up_time = 0;
  double mean_down_time = 0;
};

struct ServiceSteadyState {
  std::vector<double> component_availability;  // per model component (1 without outages)
  std::vector<double> event_unavailability;    // per model event (0 for per-request events)
  std::vector<KindSteadyState> kinds;          // per request kind
  // The traffic mix: sum_k w_k A_k / sum_k w_k, and the same for the unavailability.
  double availability = 1;
  double unavailability = 0;
};

// "" when service_steady_state has a value for the model, else why not (one sentence, for the
// run summary). Requires model.time.
std::string no_exact_service_availability(const StructureModel& model);

// The steady state of every kind, or std::nullopt when there is no closed form (see above).
// Throws BddNodeLimit when the diagrams need more than max_nodes nodes together, and
// Interrupted when stop is set. Requires model.time.
std::optional<ServiceSteadyState> service_steady_state(const StructureModel& model,
                                                       StopFlag stop = nullptr,
                                                       std::size_t max_nodes = kMaxBddNodes);

// The mean up and down times from A, 1 - A and nu: A / nu and (1 - A) / nu, with +inf and NaN
// when nu == 0.
double mean_up_time(double availability, double failure_frequency) noexcept;
double mean_down_time(double unavailability, double failure_frequency) noexcept;

}  // namespace nines
