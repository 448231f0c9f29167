#pragma once
// UTF-8 as the input parsers need it: decoding one character to check or show it whole, and
// quoting user text for a message so that any bytes (a NUL, a terminal escape, half a
// character) reach the terminal as visible, unambiguous text.
#include <cstddef>
#include <string>
#include <string_view>

namespace nines {

// One decoded character: its code point and its length in bytes. length == 0 means the byte
// at that position does not start a valid UTF-8 sequence (a stray continuation byte, an
// overlong form, a surrogate, a value above U+10FFFF or a sequence cut short).
struct Utf8Char {
  char32_t code_point = 0;
  std::size_t length = 0;
};

// The character that starts at text[at] (at < text.size()).
Utf8Char decode_utf8(std::string_view text, std::size_t at) noexcept;

// The offset of the first byte that is not valid UTF-8, or npos when the text is valid.
std::size_t first_invalid_utf8(std::string_view text) noexcept;

// Characters a message must not print as they are: C0 controls, DEL and C1 controls (they move
// the cursor or start terminal escape sequences), and the invisible format characters that
// reorder or hide text (U+200B..U+200F, U+202A..U+202E, U+2066..U+2069, U+FEFF).
bool unprintable(char32_t code_point) noexcept;

// How a message shows one character or one invalid byte: "\n", "\t", "\0", "\x1b", "\u202e",
// "\xff" for an invalid byte, the character itself otherwise.
std::string show_character(std::string_view text, std::size_t at, std::size_t* length);

// text, escaped as show_character does, in double quotes, '"' and '\' escaped. Text longer than
// max_characters is cut at a character boundary and ends with "...".
std::string quoted_text(std::string_view text, std::size_t max_characters = 60);

}  // namespace nines
