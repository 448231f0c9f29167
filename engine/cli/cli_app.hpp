#pragma once
// The option table of every nines command, defined once with CLI11: parsing (cli_options.cpp),
// --help (cli_help.cpp), the man page and the bash completion (completion.cpp) all read it.
#include <CLI/CLI.hpp>
#include <memory>
#include <string_view>
#include <vector>

#include "cli_options.hpp"
#include "cli_parse.hpp"

namespace nines::cli {

// What --help says about a command besides its options.
struct CommandDoc {
  std::string_view name;      // "run"
  std::string_view synopsis;  // after "nines run": "FILE [options]"
  std::string_view summary;   // one line, for nines --help
  std::string_view details;   // paragraphs between the usage line and the options
  std::string_view footer;    // after the options (may be empty)
  std::string_view operand;   // what FILE is: "scenario file"
};

// In the order nines --help lists them.
const std::vector<CommandDoc>& command_docs();
const CommandDoc& command_doc(std::string_view name);  // throws std::out_of_range

// Each defines one command's options and its FILE operand on `app`, writing into `o`; value
// errors are reported through `context`.
void define_run_options(CLI::App& app, RunOptions& o, const ParseContext& context);
void define_validate_options(CLI::App& app, ValidateOptions& o, const ParseContext& context);
void define_sweep_options(CLI::App& app, SweepOptions& o, const ParseContext& context);
void define_allocate_options(CLI::App& app, AllocateOptions& o, const ParseContext& context);
void define_uncertainty_options(CLI::App& app, UncertaintyOptions& o, const ParseContext& context);

// The words the value of `option` can be ("dense", "failures", ...), for completion; null for
// an option whose value is a number or a file name. Kept next to the definitions that parse
// the same words.
const std::vector<std::string>* completion_choices(const CLI::Option& option);

// A CLI11 app for one command, set up as every nines command is (no CLI11 help flag, extras
// left to parse_command, the last of repeated options wins).
std::unique_ptr<CLI::App> make_command_app(std::string_view command);

// nines with every command as a subcommand, for documentation: the man page and completion.
// The options structs it writes into live in the returned object.
struct NinesApp {
  RunOptions run;
  ValidateOptions validate;
  SweepOptions sweep;
  AllocateOptions allocate;
  UncertaintyOptions uncertainty;
  std::vector<std::unique_ptr<ParseContext>> contexts;
  std::unique_ptr<CLI::App> app;
};
std::unique_ptr<NinesApp> make_nines_app();

}  // namespace nines::cli
