#pragma once
// The HDF5 sweep file, layout v1 (README, "Sweeps"). The only code that knows the layout; it
// talks to HDF5 only through nines/io/hdf5.hpp.
//
// The file is always written whole from SweepResults (the journal's contents) to a temporary
// file, synced, and renamed over <path> (AtomicOutput): a reader, or a sweep killed at any moment,
// only ever sees a complete old or a complete new file. A partial sweep's file says
// complete = 0 and points_done; rows of unfinished points have done = 0 and NaN statistics.
#include <atomic>
#include <cstdint>
#include <string>

#include "nines/model/sampler_kind.hpp"
#include "nines/model/sweep_plan.hpp"
#include "nines/summary/summary.hpp"
#include "nines/sweep/sweep_results.hpp"

namespace nines {

inline constexpr const char* kSweepFileFormat = "nines-sweep";
inline constexpr int kSweepFileFormatVersion = 1;

struct SweepFileInfo {
  std::string created;  // ISO 8601 UTC
  std::uint64_t chunk_requests = 0;
  bool record_requests = false;  // per-point failed requests, written once the sweep is complete
  SamplerChoice sampler = SamplerChoice::automatic;
};

// Writes the file; returns false (and leaves <path> untouched) only when `stop` interrupted the
// per-request records of a complete sweep. Throws IOError on failure.
bool write_sweep_file(const std::string& path, const SweepPlan& plan, const SweepResults& results,
                      const SweepFileInfo& info, const std::atomic<bool>* stop = nullptr);

// The name of point i's group under /point: its index zero-padded to at least 6 digits (more
// when the sweep has a million points or more), so names sort in point order.
std::string sweep_point_name(std::size_t point, std::size_t points);

// "auto", "per-request" or "geometric-skip", as --sampler spells them.
std::string sampler_choice_name(SamplerChoice choice);

// The statistics of a finished point, exactly as `nines run` of it computes them.
Summary summarize_point(const SweepPoint& point, const std::vector<std::uint64_t>& failures);

}  // namespace nines
