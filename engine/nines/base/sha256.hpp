#pragma once
// SHA-256 (FIPS 180-4), used to fingerprint the scenario text stored in every run file.
// Our own small implementation so the engine needs no crypto library.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace nines {

// Incremental hashing; feed bytes with update(), then call digest() once.
class Sha256 {
 public:
  Sha256() noexcept;
  void update(std::string_view bytes) noexcept;
  std::array<std::uint8_t, 32> digest() noexcept;

 private:
  void compress(const std::uint8_t* block) noexcept;

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes hashed so far
};

// Lower-case hexadecimal SHA-256 of `bytes` (64 characters).
std::string sha256_hex(std::string_view bytes);

}  // namespace nines
