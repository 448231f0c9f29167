// The help, man page and bash completion come from the option table: every command and every
// option of cli_app.cpp appears in each of them.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/cli_app.hpp"
#include "cli/cli_help.hpp"
#include "cli/cli_options.hpp"
#include "cli/completion.hpp"

using namespace nines::cli;

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// roff escapes every '-' of an option as "\-".
std::string unroff(std::string text) {
  for (std::size_t at = 0; (at = text.find("\\-", at)) != std::string::npos;) text.erase(at, 1);
  return text;
}

// Checks that `text` names every command, and every option of every command (`in_command`
// gives the part of `text` about one command; the whole text by default).
template <class Part>
void check_mentions_everything(const std::string& text, Part in_command) {
  const auto nines = make_nines_app();
  for (const std::string& name : option_names(*nines->app)) CHECK_THAT(text, Catch::Contains(name));
  for (const CommandDoc& doc : command_docs()) {
    const std::string command(doc.name);
    CHECK_THAT(text, Catch::Contains(command));
    const std::string part = in_command(command);
    const CLI::App& sub = *nines->app->get_subcommand(command);
    for (const std::string& name : option_names(sub)) {
      INFO("nines " << command << " " << name);
      CHECK_THAT(part, Catch::Contains(name));
    }
  }
}
}  // namespace

TEST_CASE("every command's --help lists its options", "[cli_docs]") {
  check_mentions_everything(help_all(),
                            [](const std::string& command) { return command_help(command); });
  CHECK_THAT(command_help("run"), Catch::StartsWith("Usage: nines run FILE [options]\n"));
  CHECK_THAT(main_help(), Catch::StartsWith("Usage: nines COMMAND FILE [options]\n"));
}

TEST_CASE("help lines fit 96 columns and leave two spaces before a description", "[cli_docs]") {
  std::istringstream lines(help_all());
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(line.size() <= 96);
    if (line.rfind("  -", 0) == 0 && line.find("  ", 2) != std::string::npos)
      CHECK(line.find("  ", 2) > 3);
  }
}

TEST_CASE("the bash completion offers every command, option and value word", "[cli_docs]") {
  const auto nines = make_nines_app();
  const std::string script = bash_completion(*nines->app);
  // Each command's branch of the script, from "    run)" to its ";;".
  const auto branch = [&script](const std::string& command) {
    const std::size_t start = script.find("\n    " + command + ")\n");
    REQUIRE(start != std::string::npos);
    return script.substr(start, script.find("\n      ;;", start) - start);
  };
  check_mentions_everything(script, branch);
  for (const CommandDoc& doc : command_docs())
    for (const CLI::Option* option :
         nines->app->get_subcommand(std::string(doc.name))->get_options())
      if (const auto* words = completion_choices(*option))
        for (const std::string& word : *words)
          CHECK_THAT(branch(std::string(doc.name)), Catch::Contains(word));
  CHECK_THAT(script, Catch::EndsWith("complete -o filenames -F _nines nines\n"));
}

TEST_CASE("the built completion file is the binary's", "[cli_docs]") {
  const auto nines = make_nines_app();
  CHECK(read_file(NINES_COMPLETION_FILE) == bash_completion(*nines->app));
}

#ifdef NINES_MAN_PAGE
TEST_CASE("the man page names every command and option", "[cli_docs]") {
  const std::string page = unroff(read_file(NINES_MAN_PAGE));
  CHECK_THAT(page, Catch::Contains(".TH NINES \"1\""));
  // Each command's subsection runs from its heading to the next one.
  const auto section = [&page](const std::string& command) {
    const std::size_t start = page.find(".SS \"nines " + command);
    REQUIRE(start != std::string::npos);
    return page.substr(start, page.find(".SS", start + 1) - start);
  };
  check_mentions_everything(page, section);
}
#endif
