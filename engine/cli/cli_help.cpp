#include "cli_help.hpp"

#include "cli_options.hpp"

namespace nines::cli {

namespace {

constexpr std::size_t kWidth = 96;        // of every help line
constexpr std::size_t kDescription = 21;  // the column option descriptions start in

// "  -n, --requests N", "      --record MODE": long names aligned whether or not there is a
// short one, as GNU tools print them.
std::string option_column(const CLI::Option& option) {
  std::string names;
  for (const std::string& s : option.get_snames()) names += "-" + s + ", ";
  if (names.empty()) names = "    ";
  for (const std::string& l : option.get_lnames()) names += "--" + l + ", ";
  names.resize(names.size() - 2);
  if (takes_value(option)) names += " " + option.get_type_name();
  return "  " + names;
}

std::string options_section(const CLI::App& app) {
  std::string out;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional() || option->get_group().empty()) continue;  // FILE; hidden
    std::string line = option_column(*option);
    // At least two spaces: help2man (and readers) tell the names from the description by them.
    line += line.size() + 2 <= kDescription ? std::string(kDescription - line.size(), ' ') : "  ";
    out += line + wrap_text(option->get_description(), kDescription, kWidth - line.size()) + "\n";
  }
  return out;
}

}  // namespace

std::string wrap_text(std::string_view text, std::size_t indent, std::size_t width) {
  std::string out;
  std::size_t line = 0;  // characters on the current line
  std::size_t limit = width;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t end = std::min(text.find(' ', i), text.size());
    const std::string_view word = text.substr(i, end - i);
    if (line > 0 && line + 1 + word.size() > limit) {
      out += "\n" + std::string(indent, ' ');
      line = 0;
      limit = kWidth - indent;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out += word;
    line += word.size();
    i = end + 1;
  }
  return out;
}

std::string render_command_help(const CLI::App& app, const CommandDoc& doc) {
  std::string out = "Usage: nines " + std::string(doc.name) + " " + std::string(doc.synopsis) +
                    "\n\n" + wrap_text(doc.details, 0, kWidth) + "\n\nOptions:\n" +
                    options_section(app);
  if (!doc.footer.empty()) out += "\n" + wrap_text(doc.footer, 0, kWidth) + "\n";
  return out;
}

std::string command_help(std::string_view command) {
  const auto nines = make_nines_app();
  return render_command_help(*nines->app->get_subcommand(std::string(command)),
                             command_doc(command));
}

std::string main_help() {
  std::string out =
      "Usage: nines COMMAND FILE [options]\n"
      "  or:  nines --version\n\n"
      "nines - Monte Carlo failure simulation of service component chains.\n\n"
      "Commands:\n";
  for (const CommandDoc& doc : command_docs()) {
    std::string line = "  nines " + std::string(doc.name) + " " + std::string(doc.synopsis);
    line += line.size() < 31 ? std::string(31 - line.size(), ' ') : "\n" + std::string(31, ' ');
    out += line + wrap_text(doc.summary, 31, kWidth - 31) + "\n";
  }
  const auto nines = make_nines_app();
  out += "\nOptions:\n" + options_section(*nines->app) +
         "\nnines COMMAND --help prints the options of a command.\n\n"
         "Exit codes: 0 success, 1 runtime or I/O error, 2 invalid input or usage, 130 "
         "interrupted.\n";
  return out;
}

std::string help_all() {
  std::string out = main_help();
  const auto nines = make_nines_app();
  for (const CommandDoc& doc : command_docs()) {
    const CLI::App& sub = *nines->app->get_subcommand(std::string(doc.name));
    // A heading followed by indented lines: a subsection of the man page's OPTIONS.
    out += "\nnines " + std::string(doc.name) + " " + std::string(doc.synopsis) + ":\n  " +
           wrap_text(doc.details, 2, kWidth - 2) + "\n\n" + options_section(sub);
    if (!doc.footer.empty()) out += "\n" + wrap_text(doc.footer, 0, kWidth) + "\n";
  }
  return out;
}

}  // namespace nines::cli
