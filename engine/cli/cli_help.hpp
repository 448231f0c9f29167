#pragma once
// nines' help texts, rendered from the option table (cli_app.hpp) in the layout GNU tools and
// help2man expect: "Usage:", paragraphs, then "  -n, --requests N   description".
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

#include "cli_app.hpp"

namespace nines::cli {

// The help of one command, whose options `app` defines.
std::string render_command_help(const CLI::App& app, const CommandDoc& doc);

// nines --help-all: nines --help, then every command's help under a heading of its own; what
// the man page is made from.
std::string help_all();

// Word-wraps `text` to `width` columns, every line after the first indented by `indent` spaces.
std::string wrap_text(std::string_view text, std::size_t indent, std::size_t width);

}  // namespace nines::cli
