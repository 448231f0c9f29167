#pragma once
// What every `nines run --json` document says alike (README, "JSON output"): the start of the
// document, the scenario's identity and the "run" object. Each report then adds "components",
// "summary" and its own sections under the same keys for every format.
#include <string>

#include "nines/base/json_document.hpp"
#include "nines/model/run_info.hpp"
#include "nines/model/structure_model.hpp"

namespace nines {

// json_document("run") with "scenario" (json_scenario) and "output" (the file written, null
// when none). The caller adds "run" (run_json_object), "components" and "summary".
Json begin_run_json(const std::string& name, const std::string& path, const std::string& text,
                    int format, const std::string& output_path);

// The "run" object: seed, then `unit` ("requests" for request runs, "histories" for time runs)
// with the count, record, threads, elapsed_seconds and `unit`_per_second (both null when the
// time is unknown). Request runs add sampler and kernel (structures: importance) after it.
Json run_json_object(const RunInfo& info, const char* unit, int threads, double elapsed_seconds);

// Structures whose inputs are uncertain (model/uncertain_input.hpp) run at the posterior means;
// every report says so. The line for the text report ("" when no input is uncertain), and the
// names of the uncertain declarations for the "run" object's "uncertain_inputs".
std::string uncertain_inputs_line(const StructureModel& model);
Json uncertain_inputs_json(const StructureModel& model);

}  // namespace nines
