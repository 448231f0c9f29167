#include "nines/input/scenario_parser.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <utility>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/input/yaml_fields.hpp"

// Messages have the shape yaml_fields.hpp describes:
//   <file>:<line>:<column>: <key path>: <what is wrong>; <what would be valid>

namespace nines {
namespace {

const std::vector<YamlKey> kTopKeys = {{"format_version", true},
                                       {"name", true},
                                       {"description", false},
                                       {"run", false},
                                       {"components", true}};
// An inline scenario (a sweep's `scenario:`) may leave out format_version and name.
const std::vector<YamlKey> kInlineTopKeys = {{"format_version", false},
                                             {"name", false},
                                             {"description", false},
                                             {"run", false},
                                             {"components", true}};
const std::vector<YamlKey> kComponentKeys = {
    {"name", true}, {"reliability", true}, {"description", false}, {"improvement_cost", false}};

class Parser : private FieldReader {
 public:
  using FieldReader::FieldReader;

  // Reads the scenario of `root`; with `inline_name`, an inline scenario whose name defaults to it.
  Scenario parse(const YAML::Node& root, const std::string* inline_name = nullptr) {
    Scenario s;
    if (inline_name != nullptr) s.name = *inline_name;
    if (const auto version = top_level_version(root)) parse_version(*version);
    const auto& keys = inline_name != nullptr ? kInlineTopKeys : kTopKeys;
    walk(root, "", keys, [&](const std::string& key, const YamlEntry& entry) {
      if (key == "name") s.name = parse_name(entry, "name");
      if (key == "description") s.description = parse_text(entry, "description");
      if (key == "run") s.defaults = parse_run(entry);
      if (key == "components") s.components = parse_components(entry);
    });
    return s;
  }

  // The declared version, checked like parse_version but accepting 1 and 2. A file without one
  // is left to the chain parser, which reports it after any earlier problem, as it always has.
  int peek_version(const YAML::Node& root) const {
    const auto version = top_level_version(root);
    if (!version) return kScenarioFormatVersion;  // the chain parser reports it in its turn
    if (version->second.IsScalar() && version->second.Scalar() == "2") return 2;
    if (version->second.IsScalar() && version->second.Scalar() == "3") return 3;
    return parse_version(*version);
  }

 private:
  int parse_version(const YamlEntry& entry) const {
    const std::string& text = scalar(entry, "format_version", kVersionHint);
    if (text == "2") {
      fail(entry.second.Mark(), "format_version", "\"2\" is a structure scenario, not a chain",
           "read it with load_structure_model (nines run and nines validate read both)");
    }
    if (text == "3") {
      fail(entry.second.Mark(), "format_version",
           "\"3\" is a scenario of outages over time, not a chain",
           "read it with load_structure_model (nines validate reads every format)");
    }
    if (text != std::to_string(kScenarioFormatVersion)) {
      fail(entry.second.Mark(), "format_version", quoted(text) + " is not supported", kVersionHint);
    }
    return kScenarioFormatVersion;
  }

  std::vector<Component> parse_components(const YamlEntry& entry) const {
    constexpr std::string_view hint =
        "list at least one component, each an item such as \"- name: api\" with a reliability";
    const YAML::Node& list = nonempty_list(entry, "components", hint);
    if (list.size() > kMaxChainComponents) {
      fail(list.Mark(), "components", std::to_string(list.size()) + " components are listed",
           "list at most " + std::to_string(kMaxChainComponents));
    }

    std::vector<Component> out;
    std::map<std::string, int> first_line;  // component name -> line it was first used on
    for_each_mapping(
        list, "components", "write each component as a mapping with name and reliability keys",
        [&](const YAML::Node& item, const std::string& path) {
          Component c;
          YAML::Mark name_mark;
          walk(item, path, kComponentKeys, [&](const std::string& key, const YamlEntry& field) {
            if (key == "name") {
              c.name = parse_name(field, path + ".name");
              name_mark = field.second.Mark();
            }
            if (key == "reliability")
              c.reliability = parse_reliability(field, path + ".reliability");
            if (key == "description") c.description = parse_text(field, path + ".description");
            if (key == "improvement_cost")
              c.improvement_cost = parse_improvement_cost(field, path + ".improvement_cost");
          });
          claim_name(c.name, name_mark, path + ".name", first_line, "component");
          out.push_back(std::move(c));
        });
    return out;
  }
};

}  // namespace

int peek_document_version(const YAML::Node& root, const std::string& source_path) {
  return Parser(source_path).peek_version(root);
}

Scenario parse_scenario_document(const YAML::Node& root, std::string_view text,
                                 const std::string& source_path) {
  return with_source(Parser(source_path).parse(root), text, source_path);
}

int peek_format_version(std::string_view yaml_text, const std::string& source_path) {
  return peek_document_version(single_document(yaml_text, source_path), source_path);
}

Scenario parse_scenario(std::string_view yaml_text, const std::string& source_path) {
  return parse_input_text<Scenario>(yaml_text, source_path, parse_scenario_document);
}

Scenario parse_inline_scenario(const YAML::Node& node, const std::string& source_path,
                               const std::string& path, const std::string& default_name) {
  Scenario s = Parser(source_path, path).parse(node, &default_name);
  s.source_path = source_path;
  return s;
}

Scenario load_scenario(const std::string& path) {
  return parse_scenario(read_scenario_file(path), path);
}

std::string read_scenario_file(const std::string& path) {
  return read_input_file(path, "scenario");
}

}  // namespace nines
