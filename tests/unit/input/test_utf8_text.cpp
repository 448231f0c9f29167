// UTF-8 decoding and the quoting of user text in messages: whole characters, every invalid
// byte and control character visible, never a raw NUL, newline or terminal escape.
#include <string>

#include <catch2/catch.hpp>

#include "nines/input/utf8_text.hpp"

using namespace std::string_literals;

TEST_CASE("decode_utf8 reads whole characters and refuses every invalid form", "[utf8]") {
  CHECK(nines::decode_utf8("a", 0).length == 1);
  CHECK(nines::decode_utf8("\xc3\xaf", 0).code_point == 0xEF);  // ï
  CHECK(nines::decode_utf8("\xe2\x80\xae", 0).code_point == 0x202E);
  CHECK(nines::decode_utf8("\xf0\x9f\x98\x80", 0).code_point == 0x1F600);
  CHECK(nines::decode_utf8("\xf0\x9f\x98\x80", 0).length == 4);
  for (const std::string& bad :
       {"\x80"s, "\xbf"s, "\xc0\xaf"s, "\xc1\xbf"s, "\xc3"s, "\xe0\x80\xaf"s, "\xed\xa0\x80"s,
        "\xf4\x90\x80\x80"s, "\xf5\x80\x80\x80"s, "\xff"s, "\xe2\x28\xa1"s}) {
    INFO(nines::quoted_text(bad));
    CHECK(nines::decode_utf8(bad, 0).length == 0);
  }
  CHECK(nines::first_invalid_utf8("na\xc3\xaf"
                                  "ve") == std::string::npos);
  CHECK(nines::first_invalid_utf8("ab\xc3") == 2);
  CHECK(nines::first_invalid_utf8("ab\xed\xbf\xbf") == 2);  // a surrogate
}

TEST_CASE("quoted_text shows characters whole and escapes what a terminal would act on", "[utf8]") {
  CHECK(nines::quoted_text("na\xc3\xaf"
                           "ve") ==
        "\"na\xc3\xaf"
        "ve\"");
  CHECK(nines::quoted_text("ab\0cd"s) == "\"ab\\0cd\"");
  CHECK(nines::quoted_text("a\nb\tc\rd") == "\"a\\nb\\tc\\rd\"");
  CHECK(nines::quoted_text("\x1b[31mred") == "\"\\x1b[31mred\"");
  CHECK(nines::quoted_text("\x7f") == "\"\\x7f\"");
  CHECK(nines::quoted_text("\xc2\x9b") == "\"\\u009b\"");  // C1 CSI
  CHECK(nines::quoted_text("a\xe2\x80\xae"
                           "b") == "\"a\\u202eb\"");  // right-to-left override
  CHECK(nines::quoted_text("x\xff") == "\"x\\xff\"");
  CHECK(nines::quoted_text("say \"hi\" \\o/") == "\"say \\\"hi\\\" \\\\o/\"");
}

TEST_CASE("quoted_text cuts long text at a character boundary", "[utf8]") {
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "\xc3\xaf";  // 100 two-byte characters
  const std::string shown = nines::quoted_text(long_text);
  std::string expected = "\"";
  for (int i = 0; i < 60; ++i) expected += "\xc3\xaf";
  CHECK(shown == expected + "...\"");
  CHECK(nines::quoted_text(std::string(60, 'a')) == "\"" + std::string(60, 'a') + "\"");
  CHECK(nines::quoted_text(std::string(61, 'a')) == "\"" + std::string(60, 'a') + "...\"");
}
