#pragma once
// Runs CLI11 on one command's arguments and turns its complaints into nines' own usage errors
// (nines::InputError, exit 2), each naming the option as the user spelled it and pointing at
// the command's --help.
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace nines::cli {

// What a command's option callbacks need to word their errors. Built before the CLI11 app, so
// that the app's definitions can capture it; parse_command() fills in the arguments.
class ParseContext {
 public:
  // `operand`: what the command's one argument is ("scenario file").
  ParseContext(std::string command, std::string operand)
      : command_(std::move(command)), operand_(std::move(operand)) {}

  const std::string& command() const { return command_; }
  const std::string& operand() const { return operand_; }

  // How the arguments spelled the option named `names` ("-n,--requests"): "-n" after `-n 5`
  // or `-qn5`, "--requests" after `--requests=5`; the last spelling when there are several,
  // the long name when none is found.
  std::string spelled(std::string_view names) const;

  // Throws InputError(message + " (see 'nines COMMAND --help')").
  [[noreturn]] void fail(const std::string& message) const;

 private:
  friend void parse_command(CLI::App& app, ParseContext& context,
                            const std::vector<std::string>& args);
  std::string command_;
  std::string operand_;
  const CLI::App* app_ = nullptr;
  std::vector<std::string> args_;
};

// Parses `args` (after the command's name) into the options `app` defines. Unknown options
// (with a "did you mean" suggestion), a second operand, a missing value and a value given to a
// flag are reported as usage errors, as are the errors the option callbacks raise.
void parse_command(CLI::App& app, ParseContext& context, const std::vector<std::string>& args);

// False for a flag (-q), true for an option with a value (-n N).
inline bool takes_value(const CLI::Option& option) {
  return option.get_items_expected_max() > 0;
}

// Every name of every option of `app`, "-n" and "--requests" alike.
std::vector<std::string> option_names(const CLI::App& app);

}  // namespace nines::cli
