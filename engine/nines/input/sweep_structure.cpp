#include "nines/input/sweep_structure.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "nines/base/number_format.hpp"
#include "nines/input/yaml_document.hpp"
#include "nines/input/yaml_fields.hpp"

namespace nines {
namespace {

std::string text_of(const SweepParameter& p, const SweepValue& v) {
  // %.17g round-trips every double; the parser reads it back to the same value (a duration in
  // seconds, whose unit multiplies by 1, and a rate per second likewise).
  if (p.is_integer()) return std::to_string(v.integer);
  if (p.is_duration()) return seconds_text(v.real);
  if (p.target == SweepTarget::traffic_rate) return number_format::printf_string("%.17g/s", v.real);
  return number_format::printf_string("%.17g", v.real);
}

// The detection of component `name`, written into its entry: its own `detection` mapping, or
// a copy of the scenario default (time.detection) that the component takes otherwise.
YAML::Node own_detection(YAML::Node root, YAML::Node component) {
  if (component["detection"] && component["detection"].IsMap()) return component["detection"];
  YAML::Node copy = YAML::Clone(root["time"]["detection"]);
  component["detection"] = copy;
  return component["detection"];
}

// The entry of `list` (a YAML sequence of mappings) whose name is `name`.
YAML::Node entry_named(YAML::Node list, const std::string& name) {
  for (YAML::Node item : list)
    if (item.IsMap() && item["name"] && item["name"].Scalar() == name) return item;
  throw std::logic_error("sweep_point_structure: the base has no entry " + name);
}

}  // namespace

std::string seconds_text(double seconds) {
  return number_format::printf_string("%.17gs", seconds);
}

DurationDistribution with_mean(const DurationDistribution& d, double mean) {
  // Only a detection delay may be 0s: the one distribution with mean 0 is the point mass.
  if (mean == 0) return DurationDistribution::fixed(0);
  switch (d.shape) {
    case DurationShape::exponential:
      return DurationDistribution::exponential(mean);
    case DurationShape::fixed:
      return DurationDistribution::fixed(mean);
    case DurationShape::weibull:
      // mean = scale * Gamma(1 + 1/k)
      return DurationDistribution::weibull(d.a, mean / std::tgamma(1 + 1 / d.a));
    case DurationShape::lognormal:
      // mean = exp(mu + sigma^2 / 2): the median exp(mu) scales with the mean.
      return DurationDistribution::lognormal(std::log(mean) - d.b * d.b / 2, d.b);
    case DurationShape::gamma:
      // mean = shape * scale
      return DurationDistribution::gamma(d.a, mean / d.a);
  }
  throw std::logic_error("with_mean: unknown shape");
}

YAML::Node distribution_node(const DurationDistribution& d) {
  YAML::Node node;
  const auto number = [](double x) { return number_format::printf_string("%.17g", x); };
  switch (d.shape) {
    case DurationShape::exponential:
      node["exponential"] = seconds_text(d.a);
      break;
    case DurationShape::fixed:
      node["fixed"] = seconds_text(d.a);
      break;
    case DurationShape::weibull:
      node["weibull"]["shape"] = number(d.a);
      node["weibull"]["scale"] = seconds_text(d.b);
      break;
    case DurationShape::lognormal:
      node["lognormal"]["median"] = seconds_text(std::exp(d.a));
      node["lognormal"]["sigma"] = number(d.b);
      break;
    case DurationShape::gamma:
      node["gamma"]["shape"] = number(d.a);
      node["gamma"]["scale"] = seconds_text(d.b);
      break;
  }
  return node;
}

StructureModel sweep_point_structure(const SweepPlan& plan, const SweepPoint& point) {
  if (plan.base_format != kStructureFormatVersion && plan.base_format != kTimeFormatVersion)
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
      case SweepTarget::component_every:
        entry_named(root["components"], param.name)["outages"]["every"] =
            distribution_node(with_mean(param.distribution, point.values[p].real));
        break;
      case SweepTarget::component_repair:
        entry_named(root["components"], param.name)["outages"]["repair"] =
            distribution_node(with_mean(param.distribution, point.values[p].real));
        break;
      case SweepTarget::component_delay:
        own_detection(root, entry_named(root["components"], param.name))["delay"] =
            distribution_node(with_mean(param.distribution, point.values[p].real));
        break;
      case SweepTarget::cause_every:
        entry_named(root["common_cause"], param.name)["every"] =
            distribution_node(with_mean(param.distribution, point.values[p].real));
        break;
      case SweepTarget::cause_lasts:
        entry_named(root["common_cause"], param.name)["lasts"] =
            distribution_node(with_mean(param.distribution, point.values[p].real));
        break;
      case SweepTarget::crews:
        if (point.values[p].integer == 0)
          root["time"].remove("crews");  // unlimited: independent repair
        else
          root["time"]["crews"] = value;
        break;
      case SweepTarget::traffic_rate:
        root["time"]["traffic"]["rate"] = value;
        break;
      case SweepTarget::horizon:
        root["time"]["horizon"] = value;
        break;
      default:
        break;  // run.* live in the point itself
    }
  }
  // The point's histories (time.histories, or the base's): the file `nines run` of the point
  // reads says them too.
  if (plan.base_format == kTimeFormatVersion) root["time"]["histories"] = point.requests;
  StructureModel model = parse_structure_document(root, plan.base_text, path);
  model.source_text = plan.base_text;
  return model;
}

}  // namespace nines
