#include "cli_options.hpp"

#include "cli_app.hpp"
#include "cli_parse.hpp"

namespace nines::cli {

namespace {

// Parses one command's arguments with its definitions from cli_app.cpp; `check` adds what a
// single option cannot know (a missing FILE, options that contradict each other).
template <class Options, class Define, class Check>
Options parse_options(std::string_view command, const std::vector<std::string>& args, Define define,
                      Check check) {
  Options options;
  ParseContext context(std::string(command), std::string(command_doc(command).operand));
  const auto app = make_command_app(command);
  define(*app, options, context);
  parse_command(*app, context, args);
  if (!options.help) check(options, context);
  return options;
}

}  // namespace

RunOptions parse_run_options(const std::vector<std::string>& args) {
  return parse_options<RunOptions>("run", args, define_run_options,
                                   [](const RunOptions& o, const ParseContext& c) {
                                     if (o.scenario_path.empty())
                                       c.fail("nines run needs a scenario file");
                                   });
}

ValidateOptions parse_validate_options(const std::vector<std::string>& args) {
  return parse_options<ValidateOptions>("validate", args, define_validate_options,
                                        [](const ValidateOptions& o, const ParseContext& c) {
                                          if (o.scenario_path.empty())
                                            c.fail("nines validate needs a scenario file");
                                        });
}

SweepOptions parse_sweep_options(const std::vector<std::string>& args) {
  return parse_options<SweepOptions>(
      "sweep", args, define_sweep_options, [](const SweepOptions& o, const ParseContext& c) {
        if (o.resume && o.restart) c.fail("--resume and --restart contradict each other; give one");
        if (o.sweep_path.empty()) c.fail("nines sweep needs a sweep file");
      });
}

AllocateOptions parse_allocate_options(const std::vector<std::string>& args) {
  return parse_options<AllocateOptions>(
      "allocate", args, define_allocate_options,
      [](const AllocateOptions& o, const ParseContext& c) {
        if (o.scenario_path.empty()) c.fail("nines allocate needs a scenario file");
        if (!o.target) c.fail("nines allocate needs --target, such as --target 99.95%");
      });
}

UncertaintyOptions parse_uncertainty_options(const std::vector<std::string>& args) {
  return parse_options<UncertaintyOptions>("uncertainty", args, define_uncertainty_options,
                                           [](const UncertaintyOptions& o, const ParseContext& c) {
                                             if (o.scenario_path.empty())
                                               c.fail("nines uncertainty needs a scenario file");
                                           });
}

}  // namespace nines::cli
