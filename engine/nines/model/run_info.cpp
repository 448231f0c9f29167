#include "nines/model/run_info.hpp"

namespace nines {

std::string_view to_string(ImportanceMode mode) noexcept {
  return mode == ImportanceMode::exact ? "exact" : "simulated";
}

std::optional<ImportanceMode> parse_importance_mode(std::string_view text) noexcept {
  if (text == "exact") return ImportanceMode::exact;
  if (text == "simulated") return ImportanceMode::simulated;
  return std::nullopt;
}

}  // namespace nines
