#pragma once
// What `nines uncertainty` prints: the service value at the posterior means, its distribution
// over the inputs' uncertainty, P(meets target), and one row per factor with its distribution
// and Sobol indices, most influential first; the same as one JSON object for --json.
// Computes nothing.
#include <string>

#include "nines/uncertainty/uncertainty_analysis.hpp"

namespace nines {

std::string uncertainty_text(const UncertaintyResult& result, const std::string& output_path);
// The --json document (README, "JSON output"): `path` and `text` are the scenario file's.
std::string uncertainty_json(const UncertaintyResult& result, const std::string& path,
                             const std::string& text, const std::string& output_path);

// Factor indices in report order: by total Sobol index, largest first (file order without
// Sobol indices, and for ties).
std::vector<std::size_t> factors_by_influence(const UncertaintyResult& result);

}  // namespace nines
