#pragma once
// The only way the parsers turn text into YAML: the checks that keep yaml-cpp 0.7 away from
// inputs it cannot survive, then yaml-cpp itself. Internal to the parsers.
//
// 1. The bytes: UTF-8 only (a UTF-8 byte-order mark is accepted and dropped), no control
//    characters, at most kMaxInputBytes. UTF-16 and UTF-32 files are named as such.
// 2. The document's shape, from yaml-cpp's event stream before any node is built: at most
//    kMaxYamlValues values and kMaxYamlDepth levels of nesting, counting aliases as copies, and
//    no alias inside the node it names (which would make the node infinitely deep).
// 3. The number of documents, with a guard for yaml-cpp issue 1040: a token the parser cannot
//    place at the top level (",", as in a file that is just "," or a flow scenario with a
//    trailing comma) starts an empty document without being consumed, so the next document
//    starts at the same token and LoadAll allocates without end. Here two documents that start
//    at the same place are a syntax error at that token.
// Only then does yaml-cpp build the one document (YAML::Load reads just the first).
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace nines {

// The text of an input file without a leading UTF-8 byte-order mark, after the checks of step 1
// (InputError naming the line and column of the first bad byte, or the encoding the file seems
// to be in).
std::string_view checked_input_text(std::string_view bytes, const std::string& source_path);

// The one YAML document of an input text, after steps 1 to 3: InputError for a syntax error,
// a limit exceeded, an empty file or a second document. `what` names the kind of file
// ("scenario", "sweep") and `needs` lists what it must hold, for the messages.
YAML::Node single_document(std::string_view text, const std::string& source_path,
                           std::string_view what = "scenario",
                           std::string_view needs = "format_version, name and components");

}  // namespace nines

namespace nines {

// A model read from a whole input text, for any model kind: `parse_document(root, text, path)`
// parses the one document and `Model` keeps the text and the path it came from.
template <class Model, class ParseDocument>
Model parse_input_text(std::string_view bytes, const std::string& source_path,
                       ParseDocument parse_document) {
  const std::string_view text = checked_input_text(bytes, source_path);
  return parse_document(single_document(text, source_path), text, source_path);
}

// `model` with the text and path it was parsed from, as every model kind records them.
template <class Model>
Model with_source(Model model, std::string_view text, const std::string& source_path) {
  model.source_path = source_path;
  model.source_text = std::string(text);
  return model;
}

}  // namespace nines
