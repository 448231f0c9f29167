#pragma once
// What a person and a program read after a structure run: the text table and the one-line
// JSON object (--json). Both print from StructureSummary; nothing here computes a statistic.
#include <string>

#include "nines/exact/structure_analytics.hpp"
#include "nines/model/run_info.hpp"
#include "nines/summary/structure_summary.hpp"

namespace nines {

struct StructureReportContext {
  const StructureModel& model;
  const RunInfo& info;
  std::string output_path;  // empty when no file was written
  int threads = 1;
  double elapsed_seconds = 0;
  std::string kernel = "structure";  // which kernel sampled the run: "structure" or "chain"
};

// The human report, ending in a newline: per-kind comparison, the mix, the verdict, the
// components ranked by improvement potential, the common-cause events.
std::string format_structure_text(const StructureReportContext& context,
                                  const StructureAnalytics& analytics,
                                  const StructureSummary& summary, bool color);

// One JSON object on one line (no trailing newline). Keys: nines_version, scenario {name, path,
// sha256, format_version}, run {seed, requests, record, sampler, kernel, importance, threads,
// elapsed_seconds, requests_per_second, output}, kinds [{name, weight, retries, path, requests,
// failures, attempts, retried, expected_attempts, reliability_empirical, reliability_analytic,
// unreliability_empirical, unreliability_analytic, reliability_ci_low, reliability_ci_high,
// z_score, z_p_value, reliability_p_value, attribution_chi2, attribution_dof,
// attribution_p_value}], mix {same
// keys}, components [{name, reliability, retries, culprit_failures, expected_culprit_failures,
// importance {measure: value}, importance_simulated {measure: [value, low, high]}}] in model
// order, ranking [component names by improvement potential], common_cause [{name, probability,
// failures, importance {...}}], summary {agrees, verdict, tests, test_alpha, ci_level,
// nines_empirical, nines_analytic, dpmo_empirical, dpmo_analytic, sigma_empirical,
// sigma_analytic}. NaN and infinities are null.
std::string format_structure_json(const StructureReportContext& context,
                                  const StructureAnalytics& analytics,
                                  const StructureSummary& summary);

}  // namespace nines
