#pragma once
// One sweep point as a run of the one pipeline: its model (a chain, or the base structure with
// the point's values applied), its pipeline and kernel, and what the sweep keeps of its result
// (a PointConclusion: the rows of the sweep file's tables). A point's counts are those of
// `nines run --record none --sampler <choice>` of that point, bit for bit.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nines/model/record_mode.hpp"
#include "nines/model/sampler_kind.hpp"
#include "nines/model/sweep_plan.hpp"
#include "nines/run/chunk_kernel.hpp"
#include "nines/summary/time_summary.hpp"

namespace nines {

// A point's statistics as the points table holds them (a structure's: its mix).
struct PointRow {
  std::uint64_t failures = 0;
  double reliability_empirical = 0, reliability_analytic = 0, unreliability_analytic = 0;
  double ci_low = 0, ci_high = 0, z_score = 0, z_p_value = 1, reliability_p_value = 1;
  double attribution_chi2 = 0, attribution_p_value = 1;
  std::int64_t attribution_dof = 0;
  bool agrees = true;
  std::int64_t verdict_tests = 0;  // structures: the Bonferroni family; chains: 0
  double expected_attempts = 1;
};

// One request kind of a structure point.
struct PointKindRow {
  std::string name;
  double weight = 0;
  std::uint64_t requests = 0, failures = 0, attempts = 0;
  double reliability_empirical = 0, reliability_analytic = 0, unreliability_analytic = 0;
  double z_score = 0, reliability_p_value = 1, attribution_chi2 = 0, attribution_p_value = 1;
  std::int64_t attribution_dof = 0;
};

// One component of a point: chains: first failures; structures: primary-culprit failures of the
// mix and the exact importance measures.
struct PointComponentRow {
  std::string name;
  double reliability = 0;
  std::uint64_t failures = 0;
  double expected_failures = 0;
  double first_failure_probability = 0;                       // chains
  double effective_reliability = 0, culprit_probability = 0;  // structures
  double birnbaum = 0, criticality = 0, fussell_vesely = 0, raw = 0, rrw = 0;
  double improvement_potential = 0, unreliability_if_perfect = 0, unreliability_if_failed = 0;
};

// A time point's (format 3) summary, as `nines run --record none` of the point concludes it,
// and the point's time settings.
struct TimePointConclusion {
  TimeSummary summary;
  // One row per expanded component and per common-cause event, as the run file's /components
  // and /events hold them: those without outages (events without a process) have no outages,
  // NaN realised times and availability 1, and their exact values.
  std::vector<ProcessSummary> components, events;
  double horizon_seconds = 0;
  double traffic_rate = 0;  // requests per second
  std::uint64_t crews = 0;  // 0: unlimited
  bool slo = false;
};

struct PointConclusion {
  std::string sampler, kernel;  // what sampled the point: "per-request" / "geometric-skip",
                                // "chain" / "structure"; time points: "event-driven", "time"
  PointRow row;                 // time points: agrees and verdict_tests only
  std::shared_ptr<const TimePointConclusion> time;  // time points only
  std::vector<PointKindRow> kinds;                  // structures only
  std::vector<PointComponentRow> components;
};

class PointRun {
 public:
  // Builds the point's model and pipeline: InputError for a structure point the edited base
  // makes invalid, Interrupted when `stop` is set during its exact set-up.
  static std::unique_ptr<PointRun> make(const SweepPlan& plan, std::size_t point,
                                        SamplerChoice choice, std::uint64_t chunk_requests,
                                        StopFlag stop = nullptr);
  virtual ~PointRun() = default;

  virtual SamplerKind sampler() const = 0;
  virtual std::string kernel_name() const = 0;  // "chain", "structure" or "time"
  virtual std::size_t components() const = 0;
  // The counts the sweep keeps (and journals): a chain's first failures per component; a
  // structure's whole tally (sample/structure_sampler.hpp TallyLayout); a time point's whole
  // time tally (sample/time_tally.hpp).
  virtual std::size_t counts_size() const = 0;
  // The point's kernel; the PointRun must outlive it. Its tally is the kernel's own
  // (counts_from_tally turns it into the kept counts).
  virtual std::unique_ptr<ChunkKernel> kernel(RecordMode record) const = 0;
  virtual std::vector<std::uint64_t> counts_from_tally(std::vector<std::uint64_t> tally) const = 0;
  // The conclusion from the counts of `requests` requests: the point's own, or fewer when it
  // stopped at a precision (time points: always their histories).
  virtual PointConclusion conclude(const std::vector<std::uint64_t>& counts,
                                   std::uint64_t requests) const = 0;
  // Failed requests in the kernel's tally (what a precision rule reads); request points only.
  virtual std::uint64_t failures(const std::vector<std::uint64_t>& tally) const = 0;
};

}  // namespace nines
