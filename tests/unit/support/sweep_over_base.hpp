#pragma once
// Test helper: a sweep file varying `grid` over a base scenario, both written to a temporary
// folder, read as `nines sweep` reads them: the plan, or the message of the InputError that
// refuses it; and a point's edited structure.
#include <fstream>
#include <string>

#include "nines/base/error.hpp"
#include "nines/input/sweep_parser.hpp"
#include "nines/input/sweep_structure.hpp"
#include "temp_dir.hpp"

namespace nines::test {

class SweepOverBase {
 public:
  SweepOverBase(const std::string& base_yaml, const std::string& grid, const char* folder)
      : dir_(folder) {
    std::ofstream(dir_.file("base.yaml")) << base_yaml;
    text_ = "format_version: 1\nkind: sweep\nname: s\nbase: base.yaml\ngrid:\n" + grid;
  }
  SweepPlan plan() const { return parse_sweep(text_, sweep_path()); }
  std::string sweep_path() const { return dir_.file("s.sweep.yaml"); }
  std::string base_path() const { return dir_.file("base.yaml"); }
  // The InputError parse_sweep throws ("" if none).
  std::string error() const {
    try {
      plan();
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

 private:
  TempDir dir_;
  std::string text_;
};

inline StructureModel sweep_point(const SweepPlan& plan, std::size_t i) {
  return sweep_point_structure(plan, plan.points[i]);
}

}  // namespace nines::test
