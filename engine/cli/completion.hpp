#pragma once
// Shell completion for nines, generated from the option table (cli_app.hpp), so that it cannot
// drift from what the parser accepts.
#include <CLI/CLI.hpp>
#include <string>

namespace nines::cli {

// A bash completion script for `nines` (source it, or install it as
// share/bash-completion/completions/nines): commands, each command's options, the words an
// option's value can be, and file names for FILE operands and file-valued options.
std::string bash_completion(const CLI::App& nines);

}  // namespace nines::cli
