#pragma once
// The fields that end every run's JSON "summary" object, chains and structures alike.
#include <string>
#include <string_view>

#include "nines/base/json_document.hpp"
#include "nines/report/precision_report.hpp"
#include "nines/summary/summary_fields.hpp"

namespace nines {

// agrees, verdict, the unit fields (summary_fields.hpp) and, with --target-precision, precision.
template <class S>
void put_verdict_fields(Json& out, const S& summary) {
  out["agrees"] = summary.agrees;
  out["verdict"] = summary.verdict;
  for_each_unit_field(
      summary, [&out](std::string_view name, auto value) { out[std::string(name)] = value; });
  if (summary.precision) out["precision"] = precision_json(*summary.precision);
}

}  // namespace nines
