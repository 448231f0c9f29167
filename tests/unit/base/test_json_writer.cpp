// The JSON writer behind --json: escaping (RFC 8259, invalid UTF-8 replaced), separators and
// nesting, and numbers that round-trip (doubles) or are exact (integers), non-finite as null.
#include "nines/base/json_writer.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "support/json_value.hpp"

using nines::json_quote;
using nines::JsonWriter;
using nines::test::parse_json;
using nines::test::valid_json;

TEST_CASE("json_quote escapes what RFC 8259 requires", "[json_writer]") {
  CHECK(json_quote("plain") == "\"plain\"");
  CHECK(json_quote("") == "\"\"");
  CHECK(json_quote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_quote("line\nnext\ttab") == "\"line\\nnext\\ttab\"");
  CHECK(json_quote("\b\f\r") == "\"\\b\\f\\r\"");
  CHECK(json_quote(std::string("nul\0x", 5)) == "\"nul\\u0000x\"");
  // The other control characters and DEL as \u escapes; '/' needs none.
  CHECK(json_quote("\x01\x1f\x7f/") == "\"\\u0001\\u001f\\u007f/\"");
  CHECK(json_quote("caf\xC3\xA9 \xE2\x97\x80") == "\"caf\xC3\xA9 \xE2\x97\x80\"");
  // Four-byte sequences up to U+10FFFF pass through.
  CHECK(json_quote("\xF0\x9F\x98\x80") == "\"\xF0\x9F\x98\x80\"");
  CHECK(json_quote("\xF4\x8F\xBF\xBF") == "\"\xF4\x8F\xBF\xBF\"");
}

TEST_CASE("json_quote replaces each invalid UTF-8 byte by U+FFFD", "[json_writer]") {
  const std::string fffd = "\xEF\xBF\xBD";
  // A stray continuation byte and a truncated sequence.
  CHECK(json_quote("a\x80z") == "\"a" + fffd + "z\"");
  CHECK(json_quote("a\xE2\x97") == "\"a" + fffd + fffd + "\"");
  // Overlong forms (C0/C1 leads, E0 80.., F0 80..), a UTF-16 surrogate (ED A0 80), a code
  // point above U+10FFFF (F4 90 ..) and bytes that never lead (F5..FF).
  CHECK(json_quote("\xC0\x80") == "\"" + fffd + fffd + "\"");
  CHECK(json_quote("\xE0\x80\x80") == "\"" + fffd + fffd + fffd + "\"");
  CHECK(json_quote("\xF0\x80\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");
  CHECK(json_quote("\xED\xA0\x80") == "\"" + fffd + fffd + fffd + "\"");
  CHECK(json_quote("\xF4\x90\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");
  CHECK(json_quote("\xF5\xFF") == "\"" + fffd + fffd + "\"");
  // A valid sequence right after an invalid byte is kept.
  CHECK(json_quote("\xFF\xC3\xA9") == "\"" + fffd + "\xC3\xA9\"");
  // Whatever the bytes, the result parses and decodes to valid text.
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  CHECK(valid_json(json_quote(every_byte)));
}

TEST_CASE("JsonWriter nests and separates and nulls non-finite numbers", "[json_writer]") {
  JsonWriter json;
  json.begin_object();
  json.field("a", 1);
  json.key("b").begin_array().value(0.1).value(std::nan("")).null().value(true).end_array();
  json.key("c").begin_object().end_object();
  json.field("d", std::uint64_t{18446744073709551615u});
  json.end_object();
  CHECK(json.str() ==
        "{\"a\":1,\"b\":[0.10000000000000001,null,null,true],\"c\":{},\"d\":18446744073709551615}");
  CHECK(valid_json(json.str()));
}

TEST_CASE("JsonWriter separates elements at every depth", "[json_writer]") {
  JsonWriter json;
  json.begin_array();
  json.begin_object().field("x", "1").field("y", false).end_object();
  json.begin_object().end_object();
  json.begin_array().begin_array().end_array().value(2).end_array();
  json.value("tail");
  json.end_array();
  CHECK(json.str() == "[{\"x\":\"1\",\"y\":false},{},[[],2],\"tail\"]");
  CHECK(valid_json(json.str()));

  // A key's value may be a container; the next key still gets its comma.
  JsonWriter nested;
  nested.begin_object();
  nested.key("list").begin_array().value(1).end_array();
  nested.key("object").begin_object().field("k", "v").end_object();
  nested.key("after").null();
  nested.end_object();
  CHECK(nested.str() == "{\"list\":[1],\"object\":{\"k\":\"v\"},\"after\":null}");

  // Keys are escaped like values.
  JsonWriter keys;
  keys.begin_object().field("a\"b", 0).end_object();
  CHECK(keys.str() == "{\"a\\\"b\":0}");

  // A bare top-level value.
  JsonWriter scalar;
  scalar.value(std::int64_t{-7});
  CHECK(scalar.str() == "-7");
}

TEST_CASE("JsonWriter writes integers exactly and doubles so they round-trip", "[json_writer]") {
  JsonWriter json;
  json.begin_array();
  json.value(std::numeric_limits<std::int64_t>::min());
  json.value(std::numeric_limits<std::int64_t>::max());
  json.value(std::uint64_t{0});
  json.value(-0.0);
  json.value(4e6);
  json.value(1e300);
  json.value(5e-324);
  json.value(-std::numeric_limits<double>::infinity());
  json.value(std::numeric_limits<double>::infinity());
  json.end_array();
  CHECK(json.str() ==
        "[-9223372036854775808,9223372036854775807,0,-0,4000000,1.0000000000000001e+300,"
        "4.9406564584124654e-324,null,null]");
  CHECK(valid_json(json.str()));

  // %.17g round-trips every finite double: print, parse back, compare bits.
  for (const double x : {0.1, 1.0 / 3, 0.9995, 1 - 1e-15, 2.2250738585072014e-308,
                         std::numeric_limits<double>::max(), -123456789.123456789}) {
    JsonWriter one;
    one.value(x);
    CHECK(std::strtod(one.str().c_str(), nullptr) == x);
  }
}

TEST_CASE("JsonWriter's output parses to what was written", "[json_writer]") {
  JsonWriter json;
  json.begin_object();
  json.field("name", "zone \"a\"\n");
  json.field("count", std::uint64_t{42});
  json.field("share", 0.25);
  json.field("ok", true);
  json.key("none").null();
  json.end_object();
  const auto doc = parse_json(json.str());
  REQUIRE(doc);
  CHECK(doc->keys() == std::vector<std::string>{"name", "count", "share", "ok", "none"});
  CHECK((*doc)["name"].text == "zone \"a\"\n");
  CHECK((*doc)["count"].text == "42");
  CHECK((*doc)["share"].number == 0.25);
  CHECK((*doc)["ok"].boolean);
  CHECK((*doc)["none"].is_null());
}
