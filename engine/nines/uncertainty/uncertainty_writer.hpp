#pragma once
// The uncertainty file (`nines uncertainty -o FILE`): layout "nines-uncertainty", version 1
// (README "Uncertainty analysis", "Output").
//
// Root attributes: format, format_version, format_minor_version, nines_version,
// scenario_name, scenario_yaml, scenario_sha256, scenario_format, measure ("reliability" or
// "availability"), design ("latin-hypercube" or "plain"), draws, seed, sobol (int8),
// bootstrap_resamples, evaluations, target (NaN without one), point_value and point_shortfall
// (at the posterior means: what `nines run` uses).
// /summary    attributes of the value's distribution: mean, mean_shortfall, sd, p05, p50, p95,
//             min, max, and with a target meets (draws), meet_probability, its Wilson 95%
//             interval meet_probability_low and _high (NaN without a target).
// /factors    one row per factor: name, quantity, distribution, a, b (the distribution's
//             parameters, model/uncertain_input.hpp), mean and sd of the factor's value, origin,
//             members (the declarations' names, comma-separated), and first_order,
//             first_order_error, total, total_error (Sobol; NaN without them).
// /draws      one row per draw: value, shortfall (1 - value, computed directly) and
//             factor_value (draws x factors: each factor's value in that draw: an unreliability
//             or a rate per second).
//
// Written like run files (io/atomic_output.hpp): under a temporary name, renamed into place only
// when complete.
#include <string>

#include "nines/uncertainty/uncertainty_analysis.hpp"

namespace nines {

inline constexpr const char* kUncertaintyFormat = "nines-uncertainty";
inline constexpr int kUncertaintyFormatVersion = 1;

// InputError when `path` may not be written (exists without `overwrite`, or is not a regular
// file), IOError when writing fails; nothing is left under `path` then.
void write_uncertainty_file(const UncertaintyResult& result, const std::string& scenario_yaml,
                            const std::string& path, bool overwrite);

}  // namespace nines
