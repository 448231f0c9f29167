#include "nines/report/run_json.hpp"

#include <cmath>

#include "nines/model/record_mode.hpp"

namespace nines {

Json begin_run_json(const std::string& name, const std::string& path, const std::string& text,
                    int format, const std::string& output_path) {
  Json out = json_document("run");
  out["scenario"] = json_scenario(name, path, text, format);
  out["output"] = json_path_or_null(output_path);
  return out;
}

Json run_json_object(const RunInfo& info, const char* unit, int threads, double elapsed_seconds) {
  const bool timed = elapsed_seconds > 0;
  Json run = Json::object();
  run["seed"] = info.seed;
  run[unit] = info.requests;
  run["record"] = std::string(to_string(info.record));
  run["threads"] = threads;
  // NaN prints as null: the time is unknown.
  run["elapsed_seconds"] = timed ? elapsed_seconds : std::nan("");
  run[std::string(unit) + "_per_second"] =
      timed ? static_cast<double>(info.requests) / elapsed_seconds : std::nan("");
  return run;
}

std::string uncertain_inputs_line(const StructureModel& model) {
  const std::vector<std::string> names = model.uncertain_declarations();
  if (names.empty()) return "";
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  return "  inputs       uncertain inputs (" + list +
         ") are at their posterior means; `nines uncertainty` propagates their uncertainty\n";
}

Json uncertain_inputs_json(const StructureModel& model) {
  Json names = Json::array();
  for (const std::string& n : model.uncertain_declarations()) names.push_back(n);
  return names;
}

}  // namespace nines
