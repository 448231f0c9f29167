#include "cli_parse.hpp"

#include <algorithm>

#include "nines/base/error.hpp"
#include "nines/base/spelling.hpp"

namespace nines::cli {

namespace {

// The option CLI11 names in a message such as "--output: 1 required FILE missing" or
// "force was given a disallowed flag override".
const CLI::Option* option_in_message(const CLI::App& app, const std::string& message) {
  const std::string name = message.substr(0, message.find_first_of(": "));
  for (const std::string& candidate : {name, "--" + name, "-" + name})
    if (const CLI::Option* option = app.get_option_no_throw(candidate)) return option;
  return nullptr;
}

std::string names_of(const CLI::Option& option) {
  std::string names;
  for (const std::string& s : option.get_snames()) names += "-" + s + ",";
  for (const std::string& l : option.get_lnames()) names += "--" + l + ",";
  if (!names.empty()) names.pop_back();
  return names;
}

}  // namespace

std::string ParseContext::spelled(std::string_view names) const {
  std::vector<std::string> shorts;
  std::vector<std::string> longs;
  for (std::size_t start = 0; start <= names.size();) {
    const std::size_t end = std::min(names.find(',', start), names.size());
    const std::string_view name = names.substr(start, end - start);
    if (name.rfind("--", 0) == 0)
      longs.emplace_back(name.substr(2));
    else if (name.size() == 2 && name[0] == '-')
      shorts.emplace_back(name.substr(1));
    start = end + 1;
  }
  std::string found = !longs.empty() ? "--" + longs.front() : "-" + shorts.front();
  for (const std::string& a : args_) {
    if (a == "--") break;  // the rest are operands
    if (a.rfind("--", 0) == 0) {
      const std::string name =
          a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2);
      if (std::find(longs.begin(), longs.end(), name) != longs.end()) found = "--" + name;
    } else if (a.size() > 1 && a[0] == '-') {
      // A cluster such as -qfn5: flags, then at most one option that takes the rest as value.
      for (std::size_t j = 1; j < a.size(); ++j) {
        const std::string letter(1, a[j]);
        if (std::find(shorts.begin(), shorts.end(), letter) != shorts.end()) {
          found = "-" + letter;
          break;
        }
        const CLI::Option* option = app_ ? app_->get_option_no_throw("-" + letter) : nullptr;
        if (option == nullptr || takes_value(*option)) break;
      }
    }
  }
  return found;
}

void ParseContext::fail(const std::string& message) const {
  throw InputError(message + " (see 'nines " + command_ + " --help')");
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& s : option->get_snames()) names.push_back("-" + s);
    for (const std::string& l : option->get_lnames()) names.push_back("--" + l);
  }
  return names;
}

void parse_command(CLI::App& app, ParseContext& context, const std::vector<std::string>& args) {
  context.app_ = &app;
  context.args_ = args;
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
  try {
    app.parse(reversed);
  } catch (const CLI::ArgumentMismatch& e) {
    const std::string message = e.what();
    const CLI::Option* option = option_in_message(app, message);
    if (option == nullptr) context.fail(message);
    const std::string name = context.spelled(names_of(*option));
    if (!takes_value(*option)) context.fail("option " + name + " takes no value");
    context.fail("option " + name + " needs a value");
  } catch (const CLI::ParseError& e) {
    context.fail(e.what());
  }
  // Allowed extras (app.allow_extras()) are what CLI11 could not place: report them as
  // today's parser did, an unknown option with the closest known name.
  bool operands_only = false;  // after "--"
  for (const std::string& extra : app.remaining()) {
    if (extra == "--" && !operands_only) {
      operands_only = true;
      continue;
    }
    if (!operands_only && extra.size() > 1 && extra[0] == '-') {
      const std::string flag = extra.substr(0, extra.find('='));
      const std::vector<std::string> known = option_names(app);
      const std::vector<std::string_view> candidates(known.begin(), known.end());
      const std::string suggestion(closest_spelling(flag, candidates));
      context.fail("unknown option '" + flag + "'" +
                   (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?"));
    }
    context.fail("unexpected argument '" + extra + "': nines " + context.command() + " takes one " +
                 context.operand());
  }
}

}  // namespace nines::cli
