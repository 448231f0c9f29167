#pragma once
// The HDF5 sweep file, layout version 2 (README, "Sweeps"): tables, never a group per point, so
// that a sweep of millions of points is a few datasets a notebook reads in one call each. The
// only code that knows the layout; it talks to HDF5 only through nines/io/hdf5.hpp, and every
// table is written a block of rows at a time, so memory stays bounded however many points.
//
//   /points            one row per point: its values, seed, requests, sampler, kernel, done,
//                      and its statistics (a structure's: the mix); unfinished points have
//                      done = 0 and NaN statistics
//   /point_components  one row per (finished point, component), /points/component_offset
//   /point_kinds       structures: one row per (finished point, request kind), kind_offset
//   /point_failures    with --record-requests, once complete: one row per failed request,
//                      /points/failure_offset
//
// Layout 3 (time bases): /points with the time summary's columns, /point_components,
// /point_kinds and /point_events (events with a process) with the time columns.
//
// The file is always written whole from SweepResults (the journal's contents) to a temporary
// file, synced, and renamed over <path> (AtomicOutput): a reader, or a sweep killed at any
// moment, only ever sees a complete old or a complete new file.
#include <atomic>
#include <cstdint>
#include <string>

#include "nines/base/json_document.hpp"
#include "nines/model/sampler_kind.hpp"
#include "nines/model/sweep_plan.hpp"
#include "nines/sweep/sweep_results.hpp"

namespace nines {

inline constexpr const char* kSweepFileFormat = "nines-sweep";
inline constexpr int kSweepFileFormatVersion = 2;
// Sweeps of a time base (scenario format 3) write layout 3: the same root attributes and
// /offsets, with the time summary's columns in /points and time tables per point (README,
// Sweeps). As run files do (layout 1 chains, 2 structures, 3 time), the version names the
// kind of model, so a layout-2 reader refuses a time sweep instead of misreading it.
inline constexpr int kTimeSweepFileFormatVersion = 3;

struct SweepFileInfo {
  std::string created;  // ISO 8601 UTC
  std::uint64_t chunk_requests = 0;
  bool record_requests = false;  // per-point failed requests, written once the sweep is complete
  SamplerChoice sampler = SamplerChoice::automatic;
  // When set, receives one JSON object per /points row, with the row's columns as keys in the
  // same order and the same values (flags as booleans, NaN as null): `nines sweep --json`.
  Json* points_json = nullptr;
};

// Writes the file; returns false (and leaves <path> untouched) only when `stop` interrupted the
// per-request records of a complete sweep. Throws IOError on failure.
bool write_sweep_file(const std::string& path, const SweepPlan& plan, const SweepResults& results,
                      const SweepFileInfo& info, const std::atomic<bool>* stop = nullptr);

// "auto", "per-request" or "geometric-skip", as --sampler spells them.
std::string sampler_choice_name(SamplerChoice choice);

}  // namespace nines
