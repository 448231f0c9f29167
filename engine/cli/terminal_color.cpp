#include "terminal_color.hpp"

#include "nines/run/launched_by_mpi.hpp"

#include <unistd.h>

#include <cstdlib>

namespace nines::cli {

namespace {
bool set_and_not_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0';
}
}  // namespace

std::optional<ColorMode> parse_color_mode(std::string_view text) noexcept {
  if (text == "auto") return ColorMode::automatic;
  if (text == "always") return ColorMode::always;
  if (text == "never") return ColorMode::never;
  return std::nullopt;
}

bool decide_color(ColorMode mode, const TerminalFacts& facts) noexcept {
  switch (mode) {
    case ColorMode::always:
      return true;
    case ColorMode::never:
      return false;
    case ColorMode::automatic:
      break;
  }
  return facts.is_terminal && !facts.no_color && !facts.dumb_terminal && !facts.under_mpi;
}

TerminalFacts terminal_facts(int fd, int mpi_ranks) {
  TerminalFacts facts;
  facts.is_terminal = isatty(fd) != 0;
  facts.no_color = set_and_not_empty("NO_COLOR");
  const char* term = std::getenv("TERM");
  facts.dumb_terminal = term != nullptr && std::string_view(term) == "dumb";
  facts.under_mpi = mpi_ranks > 1 || launched_by_mpi();
  return facts;
}

}  // namespace nines::cli
