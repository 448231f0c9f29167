#pragma once
// `nines sweep --json`: the whole sweep as one document of the shape every command shares
// (README, "JSON output"): the sweep file as "scenario" (with its base under "base"), the
// settings under "run", one object per point under "points" with the keys and values of the
// HDF5 file's /points table, and what the points conclude together under "summary".
#include <string>

#include "nines/base/json_document.hpp"
#include "nines/model/sweep_plan.hpp"

namespace nines {

struct SweepJsonFacts {
  std::string output_path;  // the HDF5 file written
  std::string sampler;      // as --sampler spells it ("auto", "per-request", ...)
  bool record_requests = false;
  int threads = 0;
  double elapsed_seconds = 0;  // 0: unknown (null)
};

// The sweep file as "scenario": json_scenario of the sweep file with its base under "base"
// (kind, format, path and sha256 of the base's text; null when there is none).
Json sweep_scenario_json(const SweepPlan& plan);

// `points`: the /points rows as SweepFileInfo::points_json holds them.
std::string sweep_json(const SweepPlan& plan, const SweepJsonFacts& facts, Json points);

}  // namespace nines
