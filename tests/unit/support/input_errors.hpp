#pragma once
// Test helpers for input errors: the message a parser gives for a text, and the message an
// invalid-input file expects (its first line, "# expect: ...", with {file} standing for its
// path), shared by the tables of invalid files (tests/invalid*/) and the parser tests.
#include <fstream>
#include <string>

#include "nines/base/error.hpp"
#include "nines/input/structure_parser.hpp"

namespace nines::test {

// What `parse(text)` throws as an InputError, or "<no error>".
template <class Parse>
std::string input_error_of(Parse&& parse) {
  try {
    parse();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no error>";
}

// The structure parser's message for `text` read as "t.yaml", or "<no error>".
inline std::string structure_error_of(const std::string& text) {
  return input_error_of([&] { parse_structure_model(text, "t.yaml"); });
}

inline std::string expected_message(const std::string& path) {
  std::ifstream in(path);
  std::string first_line;
  std::getline(in, first_line);
  const std::string marker = "# expect: ";
  if (first_line.rfind(marker, 0) != 0) return "<" + path + " has no '# expect: ' first line>";
  std::string expected = first_line.substr(marker.size());
  for (auto at = expected.find("{file}"); at != std::string::npos; at = expected.find("{file}"))
    expected.replace(at, 6, path);
  return expected;
}

}  // namespace nines::test
