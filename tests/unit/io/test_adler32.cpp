#include <zlib.h>

#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "nines/io/adler32.hpp"

TEST_CASE("adler32 equals zlib's on every length, offset and starting value", "[adler32]") {
  std::mt19937_64 rng(17);
  std::vector<unsigned char> random(70'000), ones(70'000, 0xff);
  for (auto& b : random) b = static_cast<unsigned char>(rng());
  for (const auto* data : {&random, &ones}) {
    // Lengths around the 32-byte pieces and the 5552-byte reduction runs, at odd offsets.
    for (const std::size_t size :
         {0u, 1u, 31u, 32u, 33u, 100u, 5551u, 5552u, 5553u, 5584u, 11104u, 65536u, 69'990u})
      for (const std::size_t offset : {0u, 1u, 7u}) {
        INFO("size " << size << " offset " << offset);
        const unsigned char* p = data->data() + offset;
        const auto expected = static_cast<std::uint32_t>(adler32_z(1, p, size));
        CHECK(nines::adler32(p, size) == expected);
        CHECK(nines::adler32_portable(p, size) == expected);
      }
  }
  // Continuing a checksum, as a stream split across calls would.
  const std::uint32_t head = nines::adler32(random.data(), 1000);
  CHECK(nines::adler32(random.data() + 1000, 60'000, head) ==
        static_cast<std::uint32_t>(adler32_z(1, random.data(), 61'000)));
}
