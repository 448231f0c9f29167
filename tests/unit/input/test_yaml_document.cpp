// The checks every input text passes before yaml-cpp builds it (yaml_document.hpp): encodings,
// the runaway inputs of yaml-cpp 0.7 (issue 1040), alias cycles, and the value, depth and size
// limits, each just under and just over. Messages are exact.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "nines/base/error.hpp"
#include "nines/input/input_limits.hpp"
#include "nines/input/yaml_document.hpp"

using namespace std::string_literals;

namespace {

constexpr std::string_view kSyntaxHint =
    "; check the indentation, colons and quotes on this line and the one before it";

std::string error_of(const std::string& text) {
  try {
    nines::single_document(text, "t.yaml");
  } catch (const nines::InputError& e) {
    return e.what();
  }
  return "<no error>";
}

struct Case {
  std::string text;
  std::string expected;
};

}  // namespace

TEST_CASE("only UTF-8 text is read, with the encoding or the bad byte named", "[yaml_document]") {
  const std::string chain = "format_version: 1\nname: x\n";
  std::string utf16le, utf16be, utf32le, utf32be;
  for (const char c : chain) {
    utf16le += {c, '\0'};
    utf16be += {'\0', c};
    utf32le += {c, '\0', '\0', '\0'};
    utf32be += {'\0', '\0', '\0', c};
  }
  const std::string convert =
      " text; nines reads UTF-8 only: convert it, e.g. with iconv -t UTF-8, and save it as UTF-8";
  const std::vector<Case> cases = {
      {utf16le, "t.yaml: the file is UTF-16 (little-endian)" + convert},
      {utf16be, "t.yaml: the file is UTF-16 (big-endian)" + convert},
      {"\xff\xfe"s + utf16le,
       "t.yaml: the file is UTF-16 (little-endian, with a byte-order mark)" + convert},
      {"\xfe\xff"s + utf16be,
       "t.yaml: the file is UTF-16 (big-endian, with a byte-order mark)" + convert},
      {utf32le, "t.yaml: the file is UTF-32 (little-endian)" + convert},
      {utf32be, "t.yaml: the file is UTF-32 (big-endian)" + convert},
      {"\xff\xfe\0\0"s + utf32le,
       "t.yaml: the file is UTF-32 (little-endian, with a byte-order mark)" + convert},
      {"\0\0\xfe\xff"s + utf32be,
       "t.yaml: the file is UTF-32 (big-endian, with a byte-order mark)" + convert},
      {"name: x\xff\n",
       "t.yaml:1:8: the byte \\xff is not UTF-8; nines reads UTF-8 text only: "
       "save the file as UTF-8"},
      {"a: 1\nname: na\xefve\n",  // Latin-1 "naïve"
       "t.yaml:2:9: the byte \\xef is not UTF-8; nines reads UTF-8 text only: save the file as "
       "UTF-8"},
      {"name: \xed\xa0\x80\n",  // a UTF-16 surrogate written as UTF-8
       "t.yaml:1:7: the byte \\xed is not UTF-8; nines reads UTF-8 text only: save the file as "
       "UTF-8"},
      {"name: \"x\"\0\n"s,
       "t.yaml:1:10: a NUL byte (\\0) is not allowed in a YAML file; remove it, or write it as an "
       "escape such as \"\\t\" inside double quotes"},
      {"name: x\x1b[2J\n",
       "t.yaml:1:8: the control character \\x1b is not allowed in a YAML file; remove it, or "
       "write it as an escape such as \"\\t\" inside double quotes"},
      {"name: x\xc2\x9b\n",
       "t.yaml:1:8: the control character \\u009b is not allowed in a YAML file; remove it, or "
       "write it as an escape such as \"\\t\" inside double quotes"},
  };
  for (const Case& c : cases) {
    INFO(c.expected);
    CHECK(error_of(c.text) == c.expected);
  }
}

TEST_CASE("a UTF-8 byte-order mark is accepted and dropped", "[yaml_document]") {
  const std::string text = "\xEF\xBB\xBFname: x\n";
  CHECK(nines::checked_input_text(text, "t.yaml") == "name: x\n");
  CHECK(nines::single_document(text, "t.yaml")["name"].Scalar() == "x");
  // Positions are those of the text without the mark.
  CHECK(error_of("\xEF\xBB\xBFname: [x\n") ==
        "t.yaml:2:1: YAML syntax error: end of sequence flow not found"s +
            std::string(kSyntaxHint));
}

TEST_CASE("tokens yaml-cpp cannot place are syntax errors, not endless documents",
          "[yaml_document]") {
  // yaml-cpp issue 1040: each of these made LoadAll allocate without limit.
  const auto unexpected = [](const std::string& where, const std::string& token) {
    return "t.yaml:" + where + ": YAML syntax error: unexpected \"" + token + "\"" +
           std::string(kSyntaxHint);
  };
  const std::vector<Case> cases = {
      {",", unexpected("1:1", ",")},
      {",\n", unexpected("1:1", ",")},
      {"\"a\",", unexpected("1:4", ",")},
      {"'a',", unexpected("1:4", ",")},
      {"a,", "<no error>"},  // a plain scalar "a,"
      {"[a],", unexpected("1:4", ",")},
      {"{a: b},", unexpected("1:7", ",")},
      {"{format_version: 1, name: x, components: [{name: a, reliability: 0.9}]},",
       unexpected("1:72", ",")},
      {"{format_version: 1, name: x},\n", unexpected("1:29", ",")},
      {"- ,", unexpected("1:3", ",")},
      {"- ,\n- a\n", unexpected("1:3", ",")},
      {"a: b\n,\n", unexpected("2:1", ",")},
      {"[a]\n,\n,\n", unexpected("2:1", ",")},
      {"]", "t.yaml:1:1: YAML syntax error: illegal flow end"s + std::string(kSyntaxHint)},
      {"--- a\n--- ,\n",
       "t.yaml:2:1: a second YAML document starts here; put one scenario in "
       "each file"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(error_of(c.text) == c.expected);
  }
}

TEST_CASE("documents: none, one, two", "[yaml_document]") {
  CHECK(error_of("# nothing\n") ==
        "t.yaml: the file has no YAML content; a scenario needs format_version, name and "
        "components");
  CHECK(error_of("") ==
        "t.yaml: the file has no YAML content; a scenario needs format_version, name and "
        "components");
  CHECK(error_of("a: 1\n---\nb: 2\n") ==
        "t.yaml:2:1: a second YAML document starts here; put one scenario in each file");
  CHECK(error_of("a: 1\n...\n") == "<no error>");
  CHECK(nines::single_document("a: [1, 2]\n", "t.yaml")["a"].size() == 2);
}

TEST_CASE("yaml-cpp's messages are shown printable and whole", "[yaml_document]") {
  // An unknown escape: the whole character after the backslash, never half of it or a raw
  // control character.
  CHECK(error_of("name: \"a\\q\"\n") ==
        "t.yaml:1:11: YAML syntax error: \"\\\" followed by \"q\" is not a YAML escape sequence; "
        "inside double quotes write \\\\ for a backslash, or use single quotes");
  CHECK(error_of("name: \"a\\\xc3\xa9\"\n") ==
        "t.yaml:1:11: YAML syntax error: \"\\\" followed by \"\xc3\xa9\" is not a YAML escape "
        "sequence; inside double quotes write \\\\ for a backslash, or use single quotes");
  CHECK(error_of("name: \"a\\\xe2\x80\xae\"\n") ==
        "t.yaml:1:11: YAML syntax error: \"\\\" followed by \"\\u202e\" is not a YAML escape "
        "sequence; inside double quotes write \\\\ for a backslash, or use single quotes");
  // Escapes that make a control character are fine in the document; messages quote them.
  CHECK(nines::single_document("name: \"ab\\0cd\\e\"\n", "t.yaml")["name"].Scalar() ==
        "ab\0cd\x1b"s);
}

TEST_CASE("an alias inside the node it names is refused before anything is built",
          "[yaml_document]") {
  const std::string hint = "; an alias may only repeat a node that is complete before it";
  CHECK(error_of("path: &q [a, *q]\n") ==
        "t.yaml:1:14: the alias \"*q\" is inside the node it names (\"&q\" at line 1), so that "
        "node would contain itself without end" +
            hint);
  CHECK(error_of("blocks:\n  x: &q\n    - a\n    - [b, {c: *q}]\n") ==
        "t.yaml:4:15: the alias \"*q\" is inside the node it names (\"&q\" at line 2), so that "
        "node would contain itself without end" +
            hint);
  CHECK(error_of("a: &q {b: *q}\n").find("the alias \"*q\" is inside") != std::string::npos);
  // A finished node may be repeated, also inside a later node.
  CHECK(error_of("a: &q [x, y]\nb: [*q, [*q]]\n") == "<no error>");
}

TEST_CASE("values are limited, counting aliases as copies, just under and just over",
          "[yaml_document]") {
  // A list of 999 scalars (1,000 values with the list) repeated by 998 aliases, plus `extra`
  // scalars, in a top-level list: 1 + 1,000 + 998,000 + extra values.
  const auto document = [](int extra) {
    std::string text = "- &a [";
    for (int i = 0; i < 999; ++i) text += i == 0 ? "x" : ", x";
    text += "]\n";
    for (int i = 0; i < 998; ++i) text += "- *a\n";
    for (int i = 0; i < extra; ++i) text += "- y\n";
    return text;
  };
  static_assert(nines::kMaxYamlValues == 1'000'000);
  CHECK(error_of(document(999)) == "<no error>");  // exactly 1,000,000
  CHECK(error_of(document(1000)) ==
        "t.yaml:1999:3: the document holds more than 1000000 values by here, counting each alias "
        "as a copy of what it names; nines files need far fewer; use fewer aliases, or split a "
        "sweep into several files");
  // The "billion laughs": nine levels of ten aliases each.
  std::string laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 10; ++level) {
    const std::string prev = "*a" + std::to_string(level - 1);
    laughs += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) laughs += (i ? ", " : "") + prev;
    laughs += "]\n";
  }
  CHECK(error_of(laughs).starts_with("t.yaml:6:"));
  CHECK(error_of(laughs).find("more than 1000000 values") != std::string::npos);
}

TEST_CASE("nesting is limited, counting aliases as copies, just under and just over",
          "[yaml_document]") {
  static_assert(nines::kMaxYamlDepth == 400);
  const auto nested = [](std::size_t levels, const std::string& inside) {
    return std::string(levels, '[') + inside + std::string(levels, ']');
  };
  const std::string too_deep =
      ": lists and mappings are nested more than 400 levels deep here, counting each alias as a "
      "copy of what it names; nines files need only a few levels; nest less deeply";
  CHECK(error_of(nested(400, "x")) == "<no error>");
  CHECK(error_of(nested(401, "x")) == "t.yaml:1:401" + too_deep);
  CHECK(error_of(nested(100000, "x")) == "t.yaml:1:401" + too_deep);
  // Block style counts the same way: 400 levels of mappings.
  std::string block;
  for (int i = 0; i < 400; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  CHECK(error_of(block + std::string(400, ' ') + "v\n") == "<no error>");
  CHECK(error_of(block + std::string(400, ' ') + "k: v\n") == "t.yaml:401:401" + too_deep);
  // An alias to 200 levels, used 200 levels deep (400 in all), then 201 levels deep.
  const std::string anchored = "- &a " + nested(200, "x") + "\n";
  CHECK(error_of(anchored + "- " + nested(199, "*a") + "\n") == "<no error>");
  CHECK(error_of(anchored + "- " + nested(200, "*a") + "\n") == "t.yaml:2:203" + too_deep);
}

TEST_CASE("input size is limited, just under and just over", "[yaml_document]") {
  static_assert(nines::kMaxInputBytes == 16 * 1024 * 1024);
  const std::string at_limit = "# " + std::string(nines::kMaxInputBytes - 3, 'x') + "\n";
  REQUIRE(at_limit.size() == nines::kMaxInputBytes);
  CHECK(error_of(at_limit).find("no YAML content") != std::string::npos);
  CHECK(error_of(at_limit + "\n") ==
        "t.yaml: the file is larger than 16777216 bytes (16 MiB), the most nines reads; a "
        "scenario or sweep file needs far less");
}
