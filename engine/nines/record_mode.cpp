#include "nines/record_mode.hpp"

namespace nines {

std::string_view to_string(RecordMode mode) noexcept {
  switch (mode) {
    case RecordMode::dense:
      return "dense";
    case RecordMode::failures:
      return "failures";
    case RecordMode::none:
      return "none";
  }
  return "?";
}

std::optional<RecordMode> parse_record_mode(std::string_view text) noexcept {
  if (text == "dense") return RecordMode::dense;
  if (text == "failures") return RecordMode::failures;
  if (text == "none") return RecordMode::none;
  return std::nullopt;
}

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
