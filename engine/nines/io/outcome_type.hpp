#pragma once
// Per-request outcomes on disk (/requests/failed_component, /failures/component) use the
// narrowest signed integer that holds every component index and -1.
#include <cstddef>

namespace nines {

enum class OutcomeType { int8, int16, int32 };
OutcomeType outcome_type_for(std::size_t component_count) noexcept;
std::size_t outcome_bytes(OutcomeType type) noexcept;

}  // namespace nines
