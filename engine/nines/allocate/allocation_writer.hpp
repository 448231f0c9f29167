#pragma once
// The allocation file (`nines allocate -o FILE`): layout "nines-allocation", version 1.
//
// Root attributes: format, format_version, nines_version, scenario_name, scenario_yaml,
// scenario_sha256, target, today_reliability, today_unreliability, ceiling_reliability,
// already_met (int8).
// /teams      one row per team (component declaration), in file order: name, today_reliability,
//             improvement_cost (NaN when none), retries, copies (its components, replicas
//             included).
// /methods    one row per method (equal, proportional, cost): name, available (int8), reason,
//             solver, parameter (x, f or lambda), service_reliability, service_unreliability
//             (the exact check), met (int8), cost (NaN when unknown), optimality_gap.
// /allocation one row per team and available method, methods in order, teams in order: team,
//             method (row indices into /teams and /methods), reliability (the target),
//             extra_nines.
//
// Written like run files (io/atomic_output.hpp): under a temporary name, renamed into place only
// when complete, so no half-written file ever carries the final name.
#include <string>

#include "nines/allocate/allocation.hpp"

namespace nines {

inline constexpr const char* kAllocationFormat = "nines-allocation";
inline constexpr int kAllocationFormatVersion = 1;

// Throws InputError when `path` may not be written (exists without `overwrite`, or is not a
// regular file), IOError when writing fails; nothing is left under `path` then.
void write_allocation_file(const Allocation& allocation, const std::string& scenario_yaml,
                           const std::string& path, bool overwrite);

}  // namespace nines
