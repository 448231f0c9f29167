#include "nines/model/record_mode.hpp"

namespace nines {

std::string_view to_string(RecordMode mode) noexcept {
  switch (mode) {
    case RecordMode::dense:
      return "dense";
    case RecordMode::failures:
      return "failures";
    case RecordMode::none:
      return "none";
    case RecordMode::outages:
      return "outages";
    case RecordMode::requests:
      return "requests";
  }
  return "?";
}

std::optional<RecordMode> parse_record_mode(std::string_view text) noexcept {
  if (text == "dense") return RecordMode::dense;
  if (text == "failures") return RecordMode::failures;
  if (text == "none") return RecordMode::none;
  if (text == "outages") return RecordMode::outages;
  if (text == "requests") return RecordMode::requests;
  return std::nullopt;
}

}  // namespace nines
