// The on-disk outcome type: the narrowest signed integer that holds every component index
// (0 .. count - 1) and the -1 of a success.
#include "nines/io/outcome_type.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>

using nines::OutcomeType;

TEST_CASE("outcome types widen above 127 and above 32767 components", "[outcome_type]") {
  // The boundaries are part of the run file format (pinned by the golden outputs): a chain of
  // 128 components is stored as int16 although its largest index, 127, would fit an int8.
  CHECK(nines::outcome_type_for(0) == OutcomeType::int8);
  CHECK(nines::outcome_type_for(1) == OutcomeType::int8);
  CHECK(nines::outcome_type_for(127) == OutcomeType::int8);
  CHECK(nines::outcome_type_for(128) == OutcomeType::int16);
  CHECK(nines::outcome_type_for(32767) == OutcomeType::int16);
  CHECK(nines::outcome_type_for(32768) == OutcomeType::int32);
  CHECK(nines::outcome_type_for(1'000'000) == OutcomeType::int32);
  CHECK(nines::outcome_type_for(std::numeric_limits<std::size_t>::max()) == OutcomeType::int32);
}

TEST_CASE("every component index fits the chosen outcome type", "[outcome_type]") {
  for (const std::size_t count : {1u, 100u, 127u, 128u, 200u, 32767u, 32768u, 40000u}) {
    INFO("components " << count);
    const std::size_t bytes = nines::outcome_bytes(nines::outcome_type_for(count));
    const std::uint64_t largest_index = count - 1;
    const std::uint64_t limit = (std::uint64_t{1} << (8 * bytes - 1)) - 1;
    CHECK(largest_index <= limit);
  }
}

TEST_CASE("outcome bytes are the widths of the signed integer types", "[outcome_type]") {
  CHECK(nines::outcome_bytes(OutcomeType::int8) == sizeof(std::int8_t));
  CHECK(nines::outcome_bytes(OutcomeType::int16) == sizeof(std::int16_t));
  CHECK(nines::outcome_bytes(OutcomeType::int32) == sizeof(std::int32_t));
}
