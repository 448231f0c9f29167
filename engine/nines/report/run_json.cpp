#include "nines/report/run_json.hpp"

#include <cmath>

#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"
#include "nines/model/record_mode.hpp"

namespace nines {

void begin_run_json(JsonWriter& json, const std::string& name, const std::string& path,
                    const std::string& text,
                    const std::function<void(JsonWriter&)>& scenario_fields) {
  json.begin_object();
  json.field("nines_version", kVersion);
  json.key("scenario").begin_object();
  json.field("name", name);
  json.field("path", path);
  if (!text.empty()) json.field("sha256", sha256_hex(text));
  scenario_fields(json);
  json.end_object();
}

void write_run_json(JsonWriter& json, const RunInfo& info, int threads, double elapsed_seconds,
                    const std::string& output_path,
                    const std::function<void(JsonWriter&)>& run_fields) {
  const bool timed = elapsed_seconds > 0;
  json.key("run").begin_object();
  json.field("seed", info.seed);
  json.field("requests", info.requests);
  json.field("record", to_string(info.record));
  json.field("sampler", to_string(info.sampler));
  run_fields(json);
  json.field("threads", threads);
  json.field("elapsed_seconds", timed ? elapsed_seconds : std::nan(""));
  json.field("requests_per_second",
             timed ? static_cast<double>(info.requests) / elapsed_seconds : std::nan(""));
  json.key("output");
  if (output_path.empty()) {
    json.null();
  } else {
    json.value(output_path);
  }
  json.end_object();
}

}  // namespace nines
