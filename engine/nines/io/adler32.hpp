#pragma once
// The Adler-32 checksum that ends every zlib stream (RFC 1950 section 8.2), with AVX2 where
// the CPU has it: zlib's own loop costs about a third of a nanosecond per byte, as much as
// Huffman-coding a reliable chain's whole dense chunk. Elsewhere it is zlib's adler32_z.
// tests/unit/io/test_adler32.cpp holds both to zlib's on every length and alignment.
#include <cstddef>
#include <cstdint>

namespace nines {

// adler32(bytes[0, size)), continuing from `adler` (1 for a new stream), as zlib computes it.
std::uint32_t adler32(const unsigned char* bytes, std::size_t size, std::uint32_t adler = 1);

// The portable version, always zlib's; for the tests.
std::uint32_t adler32_portable(const unsigned char* bytes, std::size_t size,
                               std::uint32_t adler = 1);

}  // namespace nines
