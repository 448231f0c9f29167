#pragma once
// What a person and a program read after a run: the text table printed to the terminal and
// the one-line JSON object (--json). Both print from Summary; nothing here computes a
// statistic. Pure functions returning strings, so tests can pin the output.
#include <string>

#include "nines/exact/chain_analytics.hpp"
#include "nines/model/run_info.hpp"
#include "nines/model/scenario.hpp"
#include "nines/summary/summary.hpp"

namespace nines {

struct ReportContext {
  const Scenario& scenario;
  const RunInfo& info;
  std::string output_path;  // empty if the run wrote no file
  int threads = 1;
  double elapsed_seconds = 0;  // wall time of the simulation; <= 0 if unknown (no rate shown)
};

// The human table, ending in a newline. Reliabilities are printed with enough decimals to
// show the first two significant digits of 1 - R, so 99.99999% never rounds to 100%.
// With `color`, the worst offender and the verdict are highlighted with ANSI escapes.
std::string format_summary_text(const ReportContext& context, const ChainAnalytics& model,
                                const Summary& summary, bool color);

// One JSON object on a single line (so logs and `jq -c` pipelines stay line-oriented), with no
// trailing newline: the caller ends the line. Keys:
//   nines_version,
//   scenario {name, path, sha256 (of source_text, as stored in the HDF5 file; omitted when
//             there is no text), components [{name, reliability, failures, expected_failures,
//             share}]},  where share = failures / all failures, null when nothing failed,
//   run {seed, requests, record, threads, elapsed_seconds, requests_per_second, output},
//   summary {requests, failures, reliability_empirical, reliability_analytic,
//            unreliability_empirical, unreliability_analytic, reliability_ci_low,
//            reliability_ci_high, ci_level, z_score, z_p_value, reliability_p_value,
//            attribution_chi2,
//            attribution_dof, attribution_p_value, agrees, verdict, nines_empirical,
//            nines_analytic, dpmo_empirical, dpmo_analytic, sigma_empirical, sigma_analytic}
// (the summary names mirror the HDF5 attributes). Doubles are %.17g and round-trip (the C
// locale's decimal point is assumed); NaN and infinities (e.g. the nines of a run without
// failures) are null; output is null when no file was written.
std::string format_summary_json(const ReportContext& context, const ChainAnalytics& model,
                                const Summary& summary);

}  // namespace nines
