#include "nines/input/utf8_text.hpp"

#include <cstdio>

namespace nines {
namespace {

bool continuation(unsigned char byte) noexcept {
  return (byte & 0xC0) == 0x80;
}

std::string hex_escape(const char* format, unsigned value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

}  // namespace

Utf8Char decode_utf8(std::string_view text, std::size_t at) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t value = 0;
  char32_t smallest = 0;  // the first code point that needs this many bytes (no overlong forms)
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1F;
    smallest = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0F;
    smallest = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07;
    smallest = 0x10000;
  } else {
    return {};  // a continuation byte, C0/C1 (overlong by construction) or F5..FF
  }
  if (text.size() - at < length) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if (!continuation(byte(i))) return {};
    value = (value << 6) | (byte(i) & 0x3F);
  }
  if (value < smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length};
}

std::size_t first_invalid_utf8(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const Utf8Char c = decode_utf8(text, i);
    if (c.length == 0) return i;
    i += c.length;
  }
  return std::string_view::npos;
}

bool unprintable(char32_t c) noexcept {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

std::string show_character(std::string_view text, std::size_t at, std::size_t* length) {
  const Utf8Char c = decode_utf8(text, at);
  if (c.length == 0) {
    *length = 1;
    return hex_escape("\\x%02x", static_cast<unsigned char>(text[at]));
  }
  *length = c.length;
  if (!unprintable(c.code_point)) return std::string(text.substr(at, c.length));
  switch (c.code_point) {
    case '\n':
      return "\\n";
    case '\t':
      return "\\t";
    case '\r':
      return "\\r";
    case 0:
      return "\\0";
    default:
      return c.code_point < 0x80 ? hex_escape("\\x%02x", static_cast<unsigned>(c.code_point))
                                 : hex_escape("\\u%04x", static_cast<unsigned>(c.code_point));
  }
}

std::string quoted_text(std::string_view text, std::size_t max_characters) {
  std::string out = "\"";
  std::size_t shown = 0;
  std::size_t i = 0;
  for (; i < text.size() && shown < max_characters; ++shown) {
    if (text[i] == '"' || text[i] == '\\') {
      out += '\\';
      out += text[i++];
      continue;
    }
    std::size_t length = 0;
    out += show_character(text, i, &length);
    i += length;
  }
  if (i < text.size()) out += "...";
  return out + "\"";
}

}  // namespace nines
