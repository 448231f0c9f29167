#include "nines/input/sweep_structure.hpp"

#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <string>

#include "nines/base/number_format.hpp"
#include "nines/input/yaml_document.hpp"
#include "nines/input/yaml_fields.hpp"

namespace nines {
namespace {

std::string text_of(const SweepParameter& p, const SweepValue& v) {
  // %.17g round-trips every double; the parser reads it back to the same value.
  return p.is_integer() ? std::to_string(v.integer) : number_format::printf_string("%.17g", v.real);
}

// The entry of `list` (a YAML sequence of mappings) whose name is `name`.
YAML::Node entry_named(YAML::Node list, const std::string& name) {
  for (YAML::Node item : list)
    if (item.IsMap() && item["name"] && item["name"].Scalar() == name) return item;
  throw std::logic_error("sweep_point_structure: the base has no entry " + name);
}

}  // namespace

StructureModel sweep_point_structure(const SweepPlan& plan, const SweepPoint& point) {
  if (plan.base_format != kStructureFormatVersion)
    throw std::logic_error("sweep_point_structure: the sweep's base is not a structure");
  const std::string& path = plan.base_path.empty() ? plan.source_path : plan.base_path;
  YAML::Node root = single_document(plan.base_text, path);
  for (std::size_t p = 0; p < plan.parameters.size(); ++p) {
    const SweepParameter& param = plan.parameters[p];
    const std::string value = text_of(param, point.values[p]);
    switch (param.target) {
      case SweepTarget::component_reliability:
        entry_named(root["components"], param.name)["reliability"] = value;
        break;
      case SweepTarget::all_reliabilities:
        for (YAML::Node item : root["components"])
          if (item.IsMap()) item["reliability"] = value;
        break;
      case SweepTarget::component_replicas:
        entry_named(root["components"], param.name)["replicas"] = value;
        break;
      case SweepTarget::component_required:
        entry_named(root["components"], param.name)["required"] = value;
        break;
      case SweepTarget::component_retries:
        entry_named(root["components"], param.name)["retries"] = value;
        break;
      case SweepTarget::kind_weight:
        entry_named(root["request_kinds"], param.name)["weight"] = value;
        break;
      case SweepTarget::kind_retries:
        entry_named(root["request_kinds"], param.name)["retries"] = value;
        break;
      case SweepTarget::cause_probability:
        entry_named(root["common_cause"], param.name)["probability"] = value;
        break;
      default:
        break;  // run.* live in the point itself
    }
  }
  StructureModel model = parse_structure_document(root, plan.base_text, path);
  model.source_text = plan.base_text;
  return model;
}

}  // namespace nines
