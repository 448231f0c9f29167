#include "nines/base/json_document.hpp"

#include "nines/base/sha256.hpp"
#include "nines/base/version.hpp"

namespace nines {

Json json_document(std::string_view command) {
  Json out = Json::object();
  out["schema_version"] = kJsonSchemaVersion;
  out["command"] = command;
  out["nines_version"] = kVersion;
  return out;
}

Json json_scenario(const std::string& name, const std::string& path, const std::string& text,
                   int format) {
  Json out = Json::object();
  out["name"] = name;
  out["path"] = path;
  out["sha256"] = text.empty() ? Json(nullptr) : Json(sha256_hex(text));
  out["format"] = format;
  return out;
}

Json json_path_or_null(const std::string& path) {
  return path.empty() ? Json(nullptr) : Json(path);
}

std::string json_text(const Json& document) {
  // Compact (indent -1), UTF-8 kept as is, invalid UTF-8 replaced rather than thrown on: a
  // scenario name read from a file must not turn a finished run into an error.
  return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace nines
