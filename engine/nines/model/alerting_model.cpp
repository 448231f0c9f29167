#include "nines/model/alerting_model.hpp"

namespace nines {

const char* to_string(AlertSeverity severity) noexcept {
  return severity == AlertSeverity::page ? "page" : "ticket";
}

}  // namespace nines
