#pragma once
// The report of a time run (scenario format 3): the text table people read and the `--json`
// object scripts read, both printed from TimeSummary (they compute nothing).
#include <string>

#include "nines/model/run_info.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/summary/time_summary.hpp"

namespace nines {

struct TimeReportContext {
  const StructureModel& model;
  const RunInfo& info;
  std::string output_path;  // empty when no file was written
  int threads = 1;
  double elapsed_seconds = 0;
};

std::string format_time_text(const TimeReportContext& context, const TimeSummary& summary,
                             bool color);
std::string format_time_json(const TimeReportContext& context, const TimeSummary& summary);

}  // namespace nines
