#pragma once
// What every fuzz target checks besides "no crash": a broken promise aborts, which libFuzzer
// reports as a finding with the input that caused it.
#include <cstdlib>
#include <string_view>

#include "nines/input/utf8_text.hpp"

namespace nines::fuzz {

inline void require(bool condition) {
  if (!condition) std::abort();
}

// A message or quoted value as a terminal receives it: valid UTF-8 and nothing that a terminal
// would act on (no control character, no bidirectional override), so one line, as written.
inline void require_printable(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Char c = decode_utf8(text, i);
    require(c.length > 0 && !unprintable(c.code_point));
    i += c.length;
  }
}

}  // namespace nines::fuzz
