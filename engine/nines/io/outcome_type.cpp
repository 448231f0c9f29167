#include "nines/io/outcome_type.hpp"

namespace nines {

OutcomeType outcome_type_for(std::size_t component_count) noexcept {
  if (component_count <= 127) return OutcomeType::int8;
  if (component_count <= 32767) return OutcomeType::int16;
  return OutcomeType::int32;
}

std::size_t outcome_bytes(OutcomeType type) noexcept {
  switch (type) {
    case OutcomeType::int8:
      return 1;
    case OutcomeType::int16:
      return 2;
    case OutcomeType::int32:
      return 4;
  }
  return 4;
}

}  // namespace nines
