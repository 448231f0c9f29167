#pragma once
// Test helper: a strict JSON parser (RFC 8259) into a small tree, so report tests can check
// that the output parses, which keys it has and what their values are, instead of searching
// the text. Numbers keep their text as written (to pin formatting) beside their value.
#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nines::test {

struct JsonValue {
  enum class Type { null, boolean, number, string, array, object };
  Type type = Type::null;
  bool boolean = false;
  double number = 0;
  std::string text;  // a string's decoded value, or a number as written
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;  // in document order

  bool is_null() const { return type == Type::null; }
  bool has(const std::string& key) const {
    for (const auto& [k, v] : members)
      if (k == key) return true;
    return false;
  }
  const JsonValue& operator[](const std::string& key) const {
    if (type != Type::object) throw std::logic_error("not an object (looking up " + key + ")");
    for (const auto& [k, v] : members)
      if (k == key) return v;
    throw std::logic_error("no key " + key);
  }
  const JsonValue& operator[](std::size_t i) const {
    if (type != Type::array || i >= items.size()) throw std::logic_error("no such array item");
    return items[i];
  }
  std::size_t size() const { return type == Type::array ? items.size() : members.size(); }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : members) out.push_back(k);
    return out;
  }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : s_(text) {}

  // The document, or nullopt when it is not exactly one valid JSON value.
  std::optional<JsonValue> parse() {
    JsonValue out;
    skip_ws();
    if (!value(out, 0)) return std::nullopt;
    skip_ws();
    if (i_ != s_.size()) return std::nullopt;
    return out;
  }

 private:
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t'))
      ++i_;
  }
  bool literal(const char* word) {
    const std::string w(word);
    if (s_.compare(i_, w.size(), w) != 0) return false;
    i_ += w.size();
    return true;
  }
  bool digits() {
    const std::size_t start = i_;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
    return i_ > start;
  }
  bool number(JsonValue& out) {
    const std::size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (!digits()) {
      return false;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digits()) return false;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return false;
    }
    out.type = JsonValue::Type::number;
    out.text = s_.substr(start, i_ - start);
    out.number = std::strtod(out.text.c_str(), nullptr);
    return true;
  }
  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }
  bool string(std::string& out) {
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;
      if (c != '\\') {
        out += static_cast<char>(c);
        ++i_;
        continue;
      }
      if (++i_ >= s_.size()) return false;
      const char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          if (i_ + 4 > s_.size()) return false;
          unsigned code = 0;
          for (int k = 0; k < 4; ++k) {
            const char h = s_[i_++];
            if (!std::isxdigit(static_cast<unsigned char>(h))) return false;
            code = code * 16 + static_cast<unsigned>(std::stoi(std::string(1, h), nullptr, 16));
          }
          append_utf8(out, code);  // no surrogate pairs: nines never writes them
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  bool value(JsonValue& out, int depth) {
    if (depth > 200 || i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{') {
      out.type = JsonValue::Type::object;
      ++i_;
      skip_ws();
      if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
      while (true) {
        skip_ws();
        std::string key;
        if (!string(key)) return false;
        skip_ws();
        if (i_ >= s_.size() || s_[i_] != ':') return false;
        ++i_;
        skip_ws();
        JsonValue member;
        if (!value(member, depth + 1)) return false;
        out.members.emplace_back(std::move(key), std::move(member));
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
        return false;
      }
    }
    if (c == '[') {
      out.type = JsonValue::Type::array;
      ++i_;
      skip_ws();
      if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
      while (true) {
        skip_ws();
        JsonValue item;
        if (!value(item, depth + 1)) return false;
        out.items.push_back(std::move(item));
        skip_ws();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
        return false;
      }
    }
    if (c == '"') {
      out.type = JsonValue::Type::string;
      return string(out.text);
    }
    if (c == 't' || c == 'f') {
      out.type = JsonValue::Type::boolean;
      out.boolean = c == 't';
      return literal(c == 't' ? "true" : "false");
    }
    if (c == 'n') {
      out.type = JsonValue::Type::null;
      return literal("null");
    }
    return number(out);
  }

  const std::string& s_;
  std::size_t i_ = 0;
};

inline std::optional<JsonValue> parse_json(const std::string& text) {
  return JsonParser(text).parse();
}

inline bool valid_json(const std::string& text) {
  return parse_json(text).has_value();
}

}  // namespace nines::test
