#include "nines/model/slo_model.hpp"

namespace nines {

std::string to_string(SloWindows windows) {
  switch (windows) {
    case SloWindows::rolling:
      return "rolling";
    case SloWindows::tumbling:
      return "tumbling";
    case SloWindows::calendar_months:
      return "calendar-months";
  }
  return "?";
}

const char* to_string(SloBudgeting budgeting) noexcept {
  return budgeting == SloBudgeting::timeslices ? "timeslices" : "occurrences";
}

}  // namespace nines
