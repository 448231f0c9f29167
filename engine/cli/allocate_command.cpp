// nines allocate: per-team reliability targets that make the service meet a target
// (nines/allocate/allocation.hpp), checked by the exact engine, printed and written to HDF5.
#include <cstdio>
#include <string>
#include <variant>

#include "cli_options.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "nines/allocate/allocation.hpp"
#include "nines/allocate/allocation_report.hpp"
#include "nines/allocate/allocation_writer.hpp"
#include "nines/input/any_scenario.hpp"

namespace nines::cli {

int allocate_command(const std::vector<std::string>& args) {
  const AllocateOptions options = parse_allocate_options(args);
  if (options.help) {
    std::fputs(command_help("allocate").c_str(), stdout);
    return 0;
  }
  const AnyScenario scenario = load_any_scenario(options.scenario_path);
  const StructureModel model = std::holds_alternative<StructureModel>(scenario)
                                   ? std::get<StructureModel>(scenario)
                                   : structure_of_chain(std::get<Scenario>(scenario));
  const Allocation allocation = allocate(model, *options.target, &install_interrupt_handlers());
  const std::string output = options.output.value_or(model.name + ".allocation.h5");
  write_allocation_file(allocation, model.source_text, output, options.force);
  const std::string text =
      options.json ? allocation_json(allocation, model.source_path, model.source_text, output)
                   : allocation_text(allocation, output);
  std::fputs(text.c_str(), stdout);
  for (const MethodResult& m : allocation.methods)
    if (m.available && !m.met) return 1;  // never expected: the exact check disagrees
  return 0;
}

}  // namespace nines::cli
