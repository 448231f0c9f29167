#pragma once
// What every model kind's `--json` says alike: nines' version, the scenario's identity and the
// "run" object. Each report adds its own fields through the callbacks, in its own place.
#include <functional>
#include <string>

#include "nines/base/json_writer.hpp"
#include "nines/model/run_info.hpp"

namespace nines {

// Opens the document and writes "nines_version" and "scenario": {name, path, sha256 of the
// text when it is known, then `scenario_fields`}.
void begin_run_json(JsonWriter& json, const std::string& name, const std::string& path,
                    const std::string& text,
                    const std::function<void(JsonWriter&)>& scenario_fields);

// The "run" object: seed, requests, record, sampler, `run_fields`, threads, elapsed_seconds and
// requests_per_second (null when the time is unknown), and output (null when no file).
void write_run_json(JsonWriter& json, const RunInfo& info, int threads, double elapsed_seconds,
                    const std::string& output_path,
                    const std::function<void(JsonWriter&)>& run_fields);

}  // namespace nines
