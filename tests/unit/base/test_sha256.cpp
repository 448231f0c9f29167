#include "nines/base/sha256.hpp"

#include <string>

#include <catch2/catch.hpp>

// Known answers from NIST's "Cryptographic Algorithm Validation" examples for SHA-256
// (FIPS 180-4 examples SHA256.pdf and SHA2_Additional.pdf).
TEST_CASE("sha256 matches the NIST test vectors", "[sha256]") {
  CHECK(nines::sha256_hex("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(nines::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(nines::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(nines::sha256_hex(std::string(1'000'000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 gives the same digest however the input is split", "[sha256]") {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += static_cast<char>('!' + i % 90);
  const std::string whole = nines::sha256_hex(text);
  // Lengths around the 55/56/64-byte padding boundaries exercise every padding branch.
  for (std::size_t length : {55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u}) {
    nines::Sha256 once;
    once.update(std::string_view(text).substr(0, length));
    const auto expected = once.digest();
    for (std::size_t split = 0; split <= length; split += 7) {
      nines::Sha256 pieces;
      pieces.update(std::string_view(text).substr(0, split));
      pieces.update(std::string_view(text).substr(split, length - split));
      CHECK(pieces.digest() == expected);
    }
  }
  nines::Sha256 bytewise;
  for (char c : text) bytewise.update(std::string_view(&c, 1));
  const auto digest = bytewise.digest();
  std::string hex;
  static constexpr char kHex[] = "0123456789abcdef";
  for (auto byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0xf];
  }
  CHECK(hex == whole);
}
