#pragma once
// The one shape of every `--json` document (README, "JSON output"; the JSON Schema is
// schemas/nines-json.schema.json): "schema_version", "command" and "nines_version" first, then
// what the command adds under the same keys for every kind of model. Built with nlohmann-json's
// ordered_json, so keys stay in the order they are written and the document reads top-down.
//
// Numbers: integers print exactly; doubles print as the shortest text that reads back to the
// same double (0.1 is "0.1", 1e-300 is "1e-300"); NaN and infinities, which JSON cannot
// express, print as null. Strings are UTF-8; an invalid byte is replaced by U+FFFD, so the
// output always parses.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace nines {

using Json = nlohmann::ordered_json;

// The value of "schema_version": bumped when a key is renamed, moved or removed (adding keys
// keeps the version).
inline constexpr const char* kJsonSchemaVersion = "nines-json/1";

// {"schema_version", "command", "nines_version"}: the start of every document.
Json json_document(std::string_view command);

// The "scenario" object: name, path, sha256 of the file's text (null when it is not known)
// and the scenario file's format (1 chain, 2 structure, 3 structure over time; sweeps: the
// sweep file's own format).
Json json_scenario(const std::string& name, const std::string& path, const std::string& text,
                   int format);

// `path`, or null when it is empty (no file written).
Json json_path_or_null(const std::string& path);

// The document as one line of text (no newline).
std::string json_text(const Json& document);

}  // namespace nines
