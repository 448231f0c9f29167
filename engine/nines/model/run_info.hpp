#pragma once
// What identifies one run besides its scenario: request count, seed, what is recorded, which
// sampler, and how the work is chunked. Every output (HDF5 file, text, JSON) reports it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nines/model/record_mode.hpp"
#include "nines/model/sampler_kind.hpp"

namespace nines {

// How a structure run gets its importance measures: `exact` from the exact engine only (the
// default: every structure the BDD handles has them exactly, and the kernel does no extra work),
// or `simulated` as well, from counterfactual counts on the run's own random numbers (a
// cross-check; the per-request kernel re-evaluates failed and retried requests per component).
enum class ImportanceMode { exact, simulated };

std::string_view to_string(ImportanceMode mode) noexcept;
std::optional<ImportanceMode> parse_importance_mode(std::string_view text) noexcept;

struct RunInfo {
  std::uint64_t seed = 0;
  std::uint64_t requests = 0;
  RecordMode record = RecordMode::dense;
  SamplerKind sampler = SamplerKind::per_request;
  std::uint64_t chunk_requests = 0;  // requests per simulation chunk = dense HDF5 chunk length
  std::string created;               // ISO 8601 UTC, e.g. 2026-11-28T08:00:00Z
  int deflate_level = 1;             // gzip level for every compressed dataset
  ImportanceMode importance = ImportanceMode::exact;  // structures only
  // --target-precision (request runs): stop at the first checkpoint at which the relative
  // half-width of the unreliability's interval is at most this (0.01 = 1%); `requests` is then
  // the cap. Unset: run every request.
  std::optional<double> target_precision;
};

}  // namespace nines
