#pragma once
// A minimal streaming JSON writer for the machine-readable summary: no dependency, compact
// output on one line, commas and nesting tracked for the caller. Strings are escaped per
// RFC 8259 and invalid UTF-8 is replaced by U+FFFD so the output always parses. Doubles use
// %.17g, which round-trips every finite double; NaN and infinities become null.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // Inside an object, the next value belongs to this key.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();

  // key(name).value(v) in one call.
  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  const std::string& str() const noexcept { return out_; }

 private:
  void before_value();

  std::string out_;
  // One entry per open container: true while it has no element yet.
  std::vector<bool> first_;
  bool after_key_ = false;
};

// `text` as a quoted, escaped JSON string.
std::string json_quote(std::string_view text);

}  // namespace nines
