#pragma once
// Outages over time (scenario format 3 = format 2 plus time). A format-3 file is a structure
// (structure_model.hpp) whose components fail and get repaired over a horizon: TimeModel holds
// what the time simulation needs besides the structure. Parsed and validated once by
// input/structure_parser.cpp; immutable afterwards.
//
// The rules the kernel follows (README "Outages over time"):
//  - a component with `outages` alternates: up for a time drawn from `failure`, then down until
//    its outage is detected and repaired; a component without `outages` never has an outage of
//    its own;
//  - detection: `immediate`, or a delay drawn at the failure that elapses only while the
//    `needs` block (a series of component references) works; the outage is detected when the
//    delay has fully elapsed (a zero delay: at the first moment the needs block works);
//  - repair starts at detection when a crew is free (crews == 0: unlimited), otherwise the
//    outage waits, first come first served; the component is up again when its repair ends and
//    draws its next time to failure then;
//  - a common-cause event with a process fires after a time drawn from `every` (measured from
//    the end of its previous occurrence) and takes its components down for a time drawn from
//    `lasts`; it needs no detection or repair, and the components' own processes go on;
//  - a component works at time t when it has no outage of its own and no event holding it down.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nines/model/alerting_model.hpp"
#include "nines/model/block.hpp"
#include "nines/model/duration.hpp"
#include "nines/model/slo_model.hpp"
#include "nines/model/uncertain_input.hpp"

namespace nines {

inline constexpr int kTimeFormatVersion = 3;

// Limits (README "Limits and safety"); each is a located input error when exceeded.
inline constexpr double kMaxHorizonSeconds = 1000.0 * 365 * 86400;  // 1000 years
inline constexpr std::uint64_t kMaxHistories = std::uint64_t{1} << 32;
inline constexpr double kMinDurationSeconds =
    1e-3;  // means and fixed values below 1 ms are refused
inline constexpr std::uint32_t kMaxCrews = 1'000'000;
// The expected requests of one history (traffic rate x horizon): counts stay exact in a double.
inline constexpr double kMaxRequestsPerHistory = 9007199254740992.0;  // 2^53

// A component's (or event's) alternating process: `failure` is the time to failure (`every`),
// `repair` the time to repair once detected (for an event: how long it `lasts`).
struct OutageProcess {
  DurationDistribution failure;
  DurationDistribution repair;
  // A component's uncertain outage rate (`every: {observed: ...}`): `failure` is then the
  // exponential with the posterior mean rate (model/uncertain_input.hpp).
  std::optional<UncertainInput> rate_input = std::nullopt;
};

struct Detection {
  bool immediate = true;
  DurationDistribution delay;  // when not immediate
  // The components whose working the delay needs, as a series block over component indices
  // (a replicated declaration named in `needs` contributes its k-of-n block); empty children:
  // needs nothing.
  Block needs = Block::series({});
  std::vector<std::uint32_t> needs_components;  // every component `needs` references, increasing
  // Detection by alert (`detection: {alert: POLICY, acknowledge: 5m}`): the outage is
  // detected `acknowledge` after the first slice end, at or after its start, at which a page
  // rule of policy `alert` (an index into TimeModel::alerting) fires while the policy's needs
  // and delivery work. -1: by delay (or immediate). No closed form covers it.
  std::int32_t alert = -1;
  double acknowledge = 0;
  bool by_alert() const noexcept { return alert >= 0; }
};

struct ComponentTiming {
  std::optional<OutageProcess> outages;  // none: the component never has an outage of its own
  Detection detection;
};

// Requests arrive as a Poisson process of rate `rate_per_second` x hourly[hour of day] x
// daily[day of week]; both profiles are normalised to mean 1 by the parser, so `rate` is the
// average rate. Time 0 is 00:00 on a Monday.
struct TrafficProfile {
  double rate_per_second = 0;
  std::array<double, 24> hourly{};
  std::array<double, 7> daily{};
  bool hourly_declared = false;
  bool daily_declared = false;

  // The rate at time t (seconds from the start), requests per second.
  double rate_at(double t) const noexcept;
  // The expected number of arrivals in [t0, t1).
  double arrivals_between(double t0, double t1) const noexcept;
  // The moment t >= t0 by which `arrivals` arrivals are expected (arrivals_between(t0, t) ==
  // arrivals): the inverse that places a Poisson arrival drawn as a uniform share of a stretch.
  double time_of(double t0, double arrivals) const noexcept;
};

enum class StartState {
  fresh,  // every component up, every process at the start of its first cycle
  steady  // each process drawn from its stationary (equilibrium renewal) state
};

struct TimeModel {
  double horizon_seconds = 365 * 86400.0;
  std::uint64_t histories = 1000;
  StartState start = StartState::fresh;
  std::uint32_t crews = 0;  // 0: as many as needed (independent repair)
  TrafficProfile traffic;
  std::optional<SloTarget> slo;
  std::vector<SloObjective> slos;                    // `time.slos` (slo_model.hpp)
  std::vector<ComponentTiming> components;           // parallel to StructureModel::components
  std::vector<std::optional<OutageProcess>> events;  // parallel to StructureModel::common_causes
  std::vector<AlertPolicy> alerting;  // `time.alerting` (alerting_model.hpp); needs traffic
};

}  // namespace nines
