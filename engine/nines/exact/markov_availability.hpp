#pragma once
// The exact long-run availability of exponential outage models with limited repair crews, by
// a continuous-time Markov chain (README "How the exact values over time are computed").
//
// Model. Every time to failure and to repair is exponential, and so is every common-cause
// event's `every` and `lasts`. Detection is `immediate`, or an exponential delay (rate delta)
// that elapses only while its `needs` block works: being memoryless, the delay is a rate
// delta while the needs work and 0 while they do not. (A fixed or other delay has no Markov
// form; immediate detection whose needs can go down is refused too, because several outages
// would be detected at the same instant and their order in the repair queue would be a
// tie-break, not a probability.) `crews` repairs run at once (0: unlimited); a detected outage
// that finds every crew busy waits, first come first served.
//
// State: per component up / detecting / in repair / waiting, the order of the waiting queue,
// and per event with a process quiet / holding down. The repairs in progress need no order
// (exponential repairs are memoryless), which keeps the state space to
//   sum_m C(n, m) 2^(n - m) g(m),   g(m) = 1 for m <= crews, C(m, crews) (m - crews)! above,
// times 2^events, for n components with outages and delayed detection (1 instead of 2^(n-m)
// with immediate detection), m of them detected. With the limit kMaxMarkovStates = 20,000:
// one crew handles up to 7 components with immediate detection (13,700 states) or 6 with
// delays (5,296); two crews 7 and 7 (6,854 and 18,888); three crews 8 and 7; unlimited crews
// 14 and 9 (but those need no chain: service_availability.hpp is exact for them).
//
// Solution. The states are enumerated breadth first from "everything up". Up to
// kDenseMarkovStates states the stationary distribution is computed by the GTH algorithm
// (Grassmann, Taksar & Heyman 1985: Gaussian elimination that only adds and multiplies
// positive numbers, so no digits cancel, whatever the ratio of the rates); it needs the dense
// matrix, n^2 doubles (32 MB at 2,000 states). Above that, Gauss-Seidel sweeps over the sparse
// transposed generator in breadth-first order until no state's probability changes by more
// than 1e-13 of itself between sweeps (at most kMaxGaussSeidelSweeps; else refused).
// Repairs flow back toward "everything up", so the sweeps converge fast when outages are
// short compared with the times between them.
//
// Results per structure (a request kind): availability and unavailability (each summed on its
// own over the working / failed states), the failure frequency nu = sum over working states s
// and failed states t of pi_s q(s, t), and the mean up and down times A / nu, (1 - A) / nu.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/model/block.hpp"
#include "nines/model/structure_model.hpp"

namespace nines {

inline constexpr std::size_t kMaxMarkovStates = 20'000;
inline constexpr std::size_t kDenseMarkovStates = 2'000;
inline constexpr std::size_t kMaxGaussSeidelSweeps = 20'000;

struct MarkovComponent {
  double failure_rate = 0;  // per second; 0: the component has no outages
  bool immediate_detection = true;
  double detection_rate = 0;  // per second, when not immediate
  double repair_rate = 0;     // per second
  // The detection delay elapses only while this block works (a component in it works when it
  // has no outage and no event holds it down); an empty series needs nothing.
  Block needs = Block::series({});
};

struct MarkovEvent {
  double fire_rate = 0;  // 1 / mean of `every`
  double end_rate = 0;   // 1 / mean of `lasts`
  std::vector<std::uint32_t> takes_down;
};

struct MarkovModel {
  std::vector<MarkovComponent> components;
  std::vector<MarkovEvent> events;
  std::uint32_t crews = 0;  // 0: unlimited
};

// A structure: true when it works with the components marked down (own outage or an event
// holding them down) failed.
using StructureWorks = std::function<bool(const std::vector<bool>& down)>;

struct MarkovStructureValues {
  double availability = 1;
  double unavailability = 0;
  double failure_frequency = 0;  // up -> down transitions per second
  double mean_up_time = 0;       // seconds (+inf when it never fails)
  double mean_down_time = 0;     // seconds (NaN when it never fails)
};

struct MarkovSolution {
  std::size_t states = 0;
  bool dense = true;                              // GTH (true) or Gauss-Seidel (false)
  std::size_t sweeps = 0;                         // Gauss-Seidel sweeps (0 for GTH)
  std::vector<MarkovStructureValues> structures;  // per structure given
  std::vector<double> component_availability;     // P(no own outage), per component
  // Long-run mean time an outage spends in detection, and waiting for a crew plus in repair
  // (Little's law: mean number in the phase / failure rate); NaN without outages.
  std::vector<double> mean_time_to_detect;
  std::vector<double> mean_time_to_restore;
};

struct MarkovResult {
  std::optional<MarkovSolution> solution;
  std::string refusal;  // why there is no solution (empty when there is one)
};

struct MarkovOptions {
  std::size_t max_states = kMaxMarkovStates;
  std::size_t dense_states = kDenseMarkovStates;  // GTH up to here, Gauss-Seidel above
  StopFlag stop = nullptr;
};

// The stationary solution, or a refusal (too many states, an invalid rate, Gauss-Seidel not
// converging). Throws Interrupted when options.stop is set.
MarkovResult solve_markov(const MarkovModel& model, const std::vector<StructureWorks>& structures,
                          const MarkovOptions& options = {});

// The Markov form of a format-3 model, or why it has none (a non-exponential time, immediate
// detection waiting on components that can go down). Requires model.time.
struct MarkovModelOrReason {
  std::optional<MarkovModel> model;
  std::string reason;
};
MarkovModelOrReason markov_model_of(const StructureModel& model);

// The Markov solution with one structure per request kind (its path), in kind order.
MarkovResult markov_service_availability(const StructureModel& model,
                                         const MarkovOptions& options = {});

// The number of states for n components with outages (all with delayed detection, or all
// immediate), `crews` crews (0: unlimited) and `events` events with processes; saturates at
// UINT64_MAX. The breadth-first enumeration reaches exactly this many when every state is
// reachable (any needs blocks only slow detection down).
std::uint64_t markov_state_count(std::uint32_t components, bool delayed_detection,
                                 std::uint32_t crews, std::uint32_t events);

}  // namespace nines
