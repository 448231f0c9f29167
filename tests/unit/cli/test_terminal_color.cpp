// The one decision whether to colour: --color, NO_COLOR, TERM=dumb, terminals and MPI ranks.
#include "cli/terminal_color.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <string>

using namespace nines::cli;

namespace {
TerminalFacts interactive() {
  TerminalFacts facts;
  facts.is_terminal = true;
  return facts;
}

// Sets (or, with nullptr, unsets) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};
}  // namespace

TEST_CASE("parse_color_mode", "[terminal_color]") {
  CHECK(parse_color_mode("auto") == ColorMode::automatic);
  CHECK(parse_color_mode("always") == ColorMode::always);
  CHECK(parse_color_mode("never") == ColorMode::never);
  CHECK_FALSE(parse_color_mode("yes"));
  CHECK_FALSE(parse_color_mode(""));
  CHECK_FALSE(parse_color_mode("Always"));
}

TEST_CASE("auto colours only an interactive, capable terminal outside MPI", "[terminal_color]") {
  CHECK(decide_color(ColorMode::automatic, interactive()));
  TerminalFacts pipe;
  CHECK_FALSE(decide_color(ColorMode::automatic, pipe));
  auto no_color = interactive();
  no_color.no_color = true;
  CHECK_FALSE(decide_color(ColorMode::automatic, no_color));
  auto dumb = interactive();
  dumb.dumb_terminal = true;
  CHECK_FALSE(decide_color(ColorMode::automatic, dumb));
  auto rank = interactive();
  rank.under_mpi = true;
  CHECK_FALSE(decide_color(ColorMode::automatic, rank));
}

TEST_CASE("always and never override everything", "[terminal_color]") {
  TerminalFacts worst;
  worst.no_color = worst.dumb_terminal = worst.under_mpi = true;
  CHECK(decide_color(ColorMode::always, worst));
  CHECK_FALSE(decide_color(ColorMode::never, interactive()));
}

TEST_CASE("terminal_facts reads NO_COLOR, TERM and the MPI launchers' variables",
          "[terminal_color]") {
  const ScopedEnv a("NO_COLOR", nullptr), b("TERM", "xterm-256color"),
      c("OMPI_COMM_WORLD_SIZE", nullptr), d("PMI_RANK", nullptr), e("PMI_SIZE", nullptr),
      f("PMIX_RANK", nullptr);
  TerminalFacts facts = terminal_facts(-1);  // not a descriptor: never a terminal
  CHECK_FALSE(facts.is_terminal);
  CHECK_FALSE((facts.no_color || facts.dumb_terminal || facts.under_mpi));
  CHECK(terminal_facts(-1, 4).under_mpi);  // an MPI world of 4 ranks
  {
    const ScopedEnv empty("NO_COLOR", "");  // empty means unset (no-color.org)
    CHECK_FALSE(terminal_facts(-1).no_color);
  }
  {
    const ScopedEnv set("NO_COLOR", "1");
    CHECK(terminal_facts(-1).no_color);
  }
  {
    const ScopedEnv dumb("TERM", "dumb");
    CHECK(terminal_facts(-1).dumb_terminal);
  }
  for (const char* launcher : {"OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE", "PMIX_RANK"}) {
    const ScopedEnv rank(launcher, "2");
    CHECK(terminal_facts(-1).under_mpi);
  }
  CHECK_FALSE(terminal_facts(-1).under_mpi);
}
