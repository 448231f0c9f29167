#include "nines/input/sweep_parser.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>

#include "nines/base/error.hpp"
#include "nines/base/sha256.hpp"
#include "nines/base/spelling.hpp"
#include "nines/input/count_parser.hpp"
#include "nines/input/scenario_parser.hpp"
#include "nines/input/yaml_fields.hpp"

// Messages have the shape yaml_fields.hpp describes, shared with the scenario parsers:
//   <file>:<line>:<column>: <key path>: <what is wrong>; <what would be valid>
// They are pinned by tests/sweeps/invalid/.

namespace nines {
namespace {

constexpr std::string_view kCountHint = "write a whole number of components from 1 to 100000";
constexpr std::string_view kTopLevelSweepHint =
    "a sweep is a mapping with format_version, kind: sweep, name, a base and the parameters to "
    "vary";
constexpr std::string_view kPathForms =
    "components[NAME].reliability, components[INDEX].reliability, components[*].reliability, "
    "run.requests, run.seed, and with a chain generator chain.count and chain.reliability";

const std::vector<YamlKey> kTopKeys = {
    {"format_version", true}, {"kind", true},      {"name", true},          {"description", false},
    {"base", false},          {"scenario", false}, {"chain", false},        {"run", false},
    {"grid", false},          {"zip", false},      {"replications", false}, {"seeds", false}};
const std::vector<YamlKey> kChainKeys = {{"count", false}, {"reliability", false}};
const std::vector<YamlKey> kRangeKeys = {{"from", true}, {"to", true}, {"step", false}};

// The inline `scenario:` block as a text of its own (its lines, unindented), as the sweep
// output stores the base scenario's text.
struct Block {
  std::string text;
};

std::optional<Block> extract_block(std::string_view text, const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return std::nullopt;
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  const auto first = static_cast<std::size_t>(mark.line);
  const auto column = static_cast<std::size_t>(mark.column);
  if (first >= lines.size() || column >= lines[first].size()) return std::nullopt;
  const char opener = lines[first][column];
  if (opener == '{' || opener == '[') return std::nullopt;  // flow style: no line mapping

  Block block;
  block.text = std::string(lines[first].substr(column)) + "\n";
  for (std::size_t i = first + 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos) {
      block.text += "\n";
    } else if (line[indent] == '#') {
      block.text += std::string(line.substr(indent)) + "\n";
    } else if (indent >= column) {
      block.text += std::string(line.substr(column)) + "\n";
    } else {
      break;
    }
  }
  return block;
}

class Parser : private FieldReader {
 public:
  Parser(std::string file, std::string_view text) : FieldReader(std::move(file)), text_(text) {}

  // The plan with its points, or with `measure_only` the plan without them (size_ holds what
  // they would be).
  SweepPlan parse(const YAML::Node& root, bool measure_only = false) {
    const auto version = top_level_version(root, kTopLevelSweepHint);
    if (!root["kind"] && root["components"]) {
      fail(root.Mark(), "", "this is a scenario file, not a sweep",
           "run it with 'nines run', or write a sweep file with kind: sweep and base: <this "
           "file> (see README, Sweeps)");
    }
    if (version) parse_version(*version);

    std::map<std::string, Entry> entries;
    walk(root, "", kTopKeys, [&](const std::string& key, const Entry& entry) {
      entries.emplace(key, entry);
      if (key == "kind") parse_kind(entry);
      if (key == "name") plan_.name = parse_name(entry, "name");
      if (key == "description") plan_.description = parse_text(entry, "description");
      if (key == "seeds") plan_.per_point_seeds = parse_seeds(entry);
    });

    // Exactly one base.
    const Entry* base = nullptr;
    for (const char* kind : {"base", "scenario", "chain"}) {
      const auto it = entries.find(kind);
      if (it == entries.end()) continue;
      if (base != nullptr) {
        fail(it->second.first.Mark(), kind,
             "a second base (the sweep already has " + nines::quoted(plan_.base_kind) + ")",
             "keep exactly one of base: FILE, scenario: {...} and chain: {count, reliability}");
      }
      base = &it->second;
      plan_.base_kind = kind;
    }
    if (base == nullptr) {
      fail(root.Mark(), "", "missing the base chain",
           "add one of base: FILE (a scenario file, relative to this sweep), scenario: {...} "
           "(an inline scenario) or chain: {count: N, reliability: R}");
    }
    if (plan_.base_kind == "base") load_base_file(*base);
    if (plan_.base_kind == "scenario") parse_inline_scenario(*base);
    if (plan_.base_kind == "chain") parse_chain(*base);

    if (const auto it = entries.find("run"); it != entries.end()) parse_run(it->second);
    // Replications first: every list of values is checked against the points it would make
    // before its values are built.
    if (const auto it = entries.find("replications"); it != entries.end())
      plan_.replications = parse_replications(it->second);
    if (const auto it = entries.find("grid"); it != entries.end()) parse_axes(it->second, false);
    if (const auto it = entries.find("zip"); it != entries.end()) parse_axes(it->second, true);
    check_chain_complete(root);
    size_ = measure();
    if (!measure_only) expand(size_.points);
    return std::move(plan_);
  }

  const SweepSize& size() const noexcept { return size_; }

 private:
  using Entry = YamlEntry;

  void parse_version(const Entry& entry) const {
    constexpr std::string_view hint =
        "write format_version: 1 (the only sweep version this nines reads)";
    const std::string& text = scalar(entry, "format_version", hint);
    if (text != std::to_string(kSweepFormatVersion))
      fail(entry.second.Mark(), "format_version", nines::quoted(text) + " is not supported", hint);
  }

  void parse_kind(const Entry& entry) const {
    constexpr std::string_view hint = "write kind: sweep";
    const std::string& text = scalar(entry, "kind", hint);
    if (text != "sweep")
      fail(entry.second.Mark(), "kind", nines::quoted(text) + " is not a sweep", hint);
  }

  // --- the base chain ----------------------------------------------------------------------

  void adopt(const Scenario& s) {
    base_components_ = s.components;
    if (s.defaults.requests) requests_ = *s.defaults.requests;
    if (s.defaults.seed) seed_ = *s.defaults.seed;
    plan_.base_text = s.source_text;
  }

  void load_base_file(const Entry& entry) {
    constexpr std::string_view hint = "write the path of a scenario file, relative to this sweep";
    const std::string& text = scalar(entry, "base", hint);
    if (text.empty()) fail(entry.second.Mark(), "base", "\"\" is empty", hint);
    std::filesystem::path path(text);
    if (path.is_relative()) path = std::filesystem::path(file()).parent_path() / path;
    plan_.base_path = path.lexically_normal().string();
    try {
      adopt(load_scenario(plan_.base_path));
    } catch (const UnreadableFile& e) {
      fail(entry.second.Mark(), "base",
           nines::quoted(text) + " cannot be read: " + e.reason() + " (looked for " +
               nines::quoted(plan_.base_path) + ")",
           hint);
    } catch (const IOError& e) {
      fail(entry.second.Mark(), "base", nines::quoted(text) + " cannot be read (" + e.what() + ")",
           hint);
    }
  }

  void parse_inline_scenario(const Entry& entry) {
    const YAML::Node& node = entry.second;
    if (!node.IsMap()) {
      fail(node.IsNull() ? entry.first.Mark() : node.Mark(), "scenario", "found " + describe(node),
           "write an inline scenario: a mapping with components (and optionally name, run)");
    }
    Scenario s = nines::parse_inline_scenario(node, file(), "scenario",
                                              plan_.name.empty() ? "inline" : plan_.name);
    // The base text kept with the results (and in the fingerprint): the block as written, or
    // for a flow mapping, which has no lines of its own, its YAML form.
    if (const std::optional<Block> block = extract_block(text_, node.Mark())) {
      s.source_text = block->text;
    } else {
      YAML::Emitter out;
      out << node;
      s.source_text = std::string(out.c_str()) + "\n";
    }
    adopt(s);
  }

  void parse_chain(const Entry& entry) {
    const YAML::Node& map = entry.second;
    if (!map.IsMap()) {
      fail(map.IsNull() ? entry.first.Mark() : map.Mark(), "chain", "found " + describe(map),
           "write chain: {count: N, reliability: R} for N identical components c1..cN");
    }
    walk(map, "chain", kChainKeys, [&](const std::string& key, const Entry& field) {
      if (key == "count")
        chain_count_ = parse_integer(SweepTarget::chain_count, field, "chain.count");
      if (key == "reliability") chain_reliability_ = parse_reliability(field, "chain.reliability");
    });
    chain_mark_ = entry.first.Mark();
  }

  void parse_run(const Entry& entry) {
    const RunDefaults run = FieldReader::parse_run(entry);
    if (run.requests) requests_ = *run.requests;
    if (run.seed) seed_ = *run.seed;
  }

  // --- values --------------------------------------------------------------------------------

  // Reliabilities are read by FieldReader::parse_reliability, so they mean exactly what they
  // mean in a scenario file (parse_reliability_text); whole numbers are read here.
  std::uint64_t parse_integer(SweepTarget target, const Entry& entry,
                              const std::string& path) const {
    const std::string_view hint = target == SweepTarget::seed          ? kSeedHint
                                  : target == SweepTarget::chain_count ? kCountHint
                                                                       : kRequestsHint;
    const std::string& text = scalar(entry, path, hint);
    const YAML::Mark value = entry.second.Mark();
    std::string why;
    const auto parsed =
        target == SweepTarget::seed ? parse_seed(text, &why) : parse_request_count(text, &why);
    if (!parsed) fail(value, path, nines::quoted(text) + " " + why, hint);
    if (target == SweepTarget::chain_count && *parsed > kMaxChainCount)
      fail(value, path, nines::quoted(text) + " is more than 100000 components", hint);
    return *parsed;
  }

  SweepValue parse_value(const SweepParameter& p, const Entry& entry,
                         const std::string& path) const {
    SweepValue v;
    if (p.is_integer()) {
      v.integer = parse_integer(p.target, entry, path);
      v.real = static_cast<double>(v.integer);
    } else {
      v.real = parse_reliability(entry, path);
    }
    return v;
  }

  // A list of values, or {from, to, step} for whole-number parameters.
  // The points the axes read so far make (replications included), and how many values the
  // next axis may have before the sweep passes kMaxSweepPoints.
  std::uint64_t points_so_far() const {
    std::uint64_t points = plan_.replications;
    for (const auto& axis : plan_.axes) points *= axis.length;  // each step checked: no overflow
    return points;
  }

  // A list of values, or {from, to, step} for whole-number parameters, at most `most` of them
  // (counted before a range is built).
  std::vector<SweepValue> parse_values(const SweepParameter& p, const YAML::Node& key,
                                       const YAML::Node& list, const std::string& path,
                                       std::uint64_t most) const {
    const auto too_many = [&](const YAML::Mark& mark) {
      if (most == kMaxSweepPoints) {
        fail(mark, path,
             std::string(list.IsMap() ? "the range" : "the list") + " has more than " +
                 std::to_string(kMaxSweepPoints) + " values",
             list.IsMap() ? "use a larger step" : "use fewer values");
      }
      fail(mark, path,
           "with these values the sweep has more than " + std::to_string(kMaxSweepPoints) +
               " points (" + std::to_string(points_so_far()) + " before them)",
           "split it into several sweeps or use fewer values");
    };
    const std::string hint =
        p.is_integer()
            ? "write a list of values such as [1, 2, 5] or a range such as {from: 1, to: 100}"
            : "write a list of values such as [0.99, \"99.9%\"]";
    std::vector<SweepValue> out;
    if (list.IsNull()) fail(key.Mark(), path, "no values given", hint);
    if (list.IsMap()) {
      if (!p.is_integer()) {
        fail(list.Mark(), path, "found a mapping (a range)",
             "ranges are for whole-number parameters; " + hint);
      }
      std::uint64_t from = 0, to = 0, step = 1;
      walk(list, path, kRangeKeys, [&](const std::string& k, const Entry& field) {
        if (k == "step") {
          step = parse_integer(SweepTarget::requests, field, path + ".step");
        } else {
          (k == "from" ? from : to) = parse_integer(p.target, field, path + "." + k);
        }
      });
      if (to < from) {
        fail(list.Mark(), path,
             "the range runs backwards (from " + std::to_string(from) + " to " +
                 std::to_string(to) + ")",
             "write from <= to");
      }
      if ((to - from) / step >= most) too_many(list.Mark());
      for (std::uint64_t v = from;; v += step) {
        out.push_back(SweepValue{static_cast<double>(v), v});
        if (to - v < step) break;
      }
      return out;
    }
    if (!list.IsSequence()) fail(list.Mark(), path, "found " + describe(list), hint);
    if (list.size() == 0) fail(list.Mark(), path, "the list is empty", hint);
    if (list.size() > most) too_many(list.Mark());
    std::size_t i = 0;
    for (const YAML::Node& item : list) {
      const std::string item_path = path + "[" + std::to_string(i++) + "]";
      if (item.IsNull()) fail(item.Mark(), item_path, "no value given", hint);
      out.push_back(parse_value(p, Entry{item, item}, item_path));
    }
    return out;
  }

  // --- parameter paths -----------------------------------------------------------------------

  bool is_chain() const { return plan_.base_kind == "chain"; }

  [[noreturn]] void unknown_path(const YAML::Node& key, const std::string& section,
                                 const std::string& text) const {
    std::vector<std::string> known = {"run.requests", "run.seed"};
    if (is_chain()) {
      known.insert(known.end(), {"chain.count", "chain.reliability"});
    } else {
      known.push_back("components[*].reliability");
      for (const auto& c : base_components_)
        known.push_back("components[" + c.name + "].reliability");
    }
    const std::vector<std::string_view> candidates(known.begin(), known.end());
    const std::string_view guess = closest_spelling(text, candidates);
    const std::string problem = "unknown parameter " + nines::quoted(text);
    if (!guess.empty()) {
      fail(key.Mark(), section, problem,
           "did you mean \"" + std::string(guess) + "\"? (parameters are " +
               std::string(kPathForms) + ")");
    }
    fail(key.Mark(), section, problem, "parameters are " + std::string(kPathForms));
  }

  SweepParameter resolve_path(const YAML::Node& key, const std::string& section) const {
    const std::string& text = key.Scalar();
    SweepParameter p;
    p.path = text;
    if (text == "run.requests") {
      p.target = SweepTarget::requests;
      return p;
    }
    if (text == "run.seed") {
      p.target = SweepTarget::seed;
      return p;
    }
    if (text == "chain.count" || text == "chain.reliability") {
      if (!is_chain()) {
        fail(key.Mark(), section, nines::quoted(text) + " needs a chain generator base",
             "write chain: {count: N, reliability: R} instead of base or scenario, or vary "
             "components[*].reliability");
      }
      p.target = text == "chain.count" ? SweepTarget::chain_count : SweepTarget::chain_reliability;
      return p;
    }
    constexpr std::string_view kOpen = "components[";
    const std::size_t close = text.find(']');
    if (!text.starts_with(kOpen) || close == std::string::npos) unknown_path(key, section, text);
    const std::string selector = text.substr(kOpen.size(), close - kOpen.size());
    const std::string field = text.substr(close + 1);
    if (field != ".reliability") {
      if (field.size() > 1 && field[0] == '.' &&
          edit_distance(field.substr(1), "reliability") > 3) {
        fail(key.Mark(), section, nines::quoted(text) + " varies " + nines::quoted(field.substr(1)),
             "a component's reliability is the only component value a sweep can vary");
      }
      unknown_path(key, section, text);
    }
    if (is_chain()) {
      fail(key.Mark(), section, nines::quoted(text) + " names a component of a chain generator",
           "vary chain.reliability (every component) or chain.count");
    }
    if (selector == "*") {
      p.target = SweepTarget::all_reliabilities;
      return p;
    }
    p.target = SweepTarget::component_reliability;
    const bool numeric =
        !selector.empty() &&
        std::all_of(selector.begin(), selector.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) {
      const std::size_t index = selector.size() > 6
                                    ? base_components_.size()
                                    : static_cast<std::size_t>(std::stoul(selector));
      if (index >= base_components_.size()) {
        fail(key.Mark(), section,
             nines::quoted(text) + ": there is no component " + selector + " (the base has " +
                 std::to_string(base_components_.size()) + ")",
             "component indices count from 0 to " + std::to_string(base_components_.size() - 1));
      }
      p.component = index;
      return p;
    }
    for (std::size_t i = 0; i < base_components_.size(); ++i) {
      if (base_components_[i].name == selector) {
        p.component = i;
        return p;
      }
    }
    std::vector<std::string_view> names;
    std::string all;
    for (const auto& c : base_components_) {
      names.push_back(c.name);
      all += (all.empty() ? "" : ", ") + c.name;
    }
    const std::string_view guess = closest_spelling(selector, names);
    fail(key.Mark(), section,
         nines::quoted(text) + ": the base has no component " + nines::quoted(selector),
         guess.empty()
             ? "components are " + all
             : "did you mean \"" + std::string(guess) + "\"? (components are " + all + ")");
  }

  // Two parameters that set the same value would make the result depend on their order.
  void check_conflict(const SweepParameter& p, const YAML::Node& key,
                      const std::string& section) const {
    for (const auto& [q, line] : seen_) {
      const bool same_target =
          p.target == q.target &&
          (p.target != SweepTarget::component_reliability || p.component == q.component);
      const bool overlap = (p.target == SweepTarget::all_reliabilities &&
                            q.target == SweepTarget::component_reliability) ||
                           (q.target == SweepTarget::all_reliabilities &&
                            p.target == SweepTarget::component_reliability);
      if (same_target || overlap) {
        fail(key.Mark(), section,
             nines::quoted(p.path) + " sets the same value as " + nines::quoted(q.path) +
                 " (line " + std::to_string(line) + ")",
             "vary each value in one place only");
      }
    }
  }

  void parse_axes(const Entry& entry, bool zip) {
    const std::string section = zip ? "zip" : "grid";
    const YAML::Node& map = entry.second;
    const std::string hint = "write a mapping from parameters to lists of values, such as " +
                             section + ": {run.seed: [1, 2, 3]}";
    if (map.IsNull()) return;
    if (!map.IsMap()) fail(map.Mark(), section, "found " + describe(map), hint);
    SweepAxis zipped;
    YAML::Mark first_mark;
    std::string first_path;
    for (const auto& pair : map) {
      const YAML::Node& key = pair.first;
      if (!key.IsScalar()) fail(key.Mark(), section, "a key is " + describe(key), hint);
      SweepParameter p = resolve_path(key, section);
      check_conflict(p, key, section);
      seen_.emplace_back(p, line(key.Mark()));
      // The zip axis joins plan_.axes only at the end, so each zipped list has the same bound.
      std::vector<SweepValue> values = parse_values(p, key, pair.second, section + "." + p.path,
                                                    kMaxSweepPoints / points_so_far());
      const std::size_t index = plan_.parameters.size();
      plan_.parameters.push_back(std::move(p));
      values_.push_back(std::move(values));
      if (!zip) {
        plan_.axes.push_back(SweepAxis{{index}, values_.back().size()});
        continue;
      }
      if (zipped.parameters.empty()) {
        zipped.length = values_.back().size();
        first_path = plan_.parameters.back().path;
      } else if (values_.back().size() != zipped.length) {
        fail(pair.second.Mark(), section + "." + plan_.parameters.back().path,
             "has " + std::to_string(values_.back().size()) + " values but " +
                 nines::quoted(first_path) + " has " + std::to_string(zipped.length),
             "zipped lists must have the same length");
      }
      zipped.parameters.push_back(index);
    }
    if (!zipped.parameters.empty()) plan_.axes.push_back(std::move(zipped));
  }

  bool parse_seeds(const Entry& entry) const {
    constexpr std::string_view hint =
        "write seeds: common (every point uses run.seed) or seeds: per-point (point i uses "
        "the i-th derived seed)";
    const std::string& text = scalar(entry, "seeds", hint);
    if (text != "common" && text != "per-point")
      fail(entry.second.Mark(), "seeds", nines::quoted(text) + " is not a seed mode", hint);
    return text == "per-point";
  }

  std::uint64_t parse_replications(const Entry& entry) const {
    constexpr std::string_view hint = "write a whole number of replications from 1 to 1000000";
    const std::string& text = scalar(entry, "replications", hint);
    std::string why;
    const auto value = parse_request_count(text, &why);
    if (!value) fail(entry.second.Mark(), "replications", nines::quoted(text) + " " + why, hint);
    if (*value > kMaxReplications)
      fail(entry.second.Mark(), "replications", nines::quoted(text) + " is more than 1000000",
           hint);
    return *value;
  }

  void check_chain_complete(const YAML::Node& root) const {
    if (!is_chain()) return;
    const auto swept = [&](SweepTarget t) {
      return std::any_of(plan_.parameters.begin(), plan_.parameters.end(),
                         [t](const SweepParameter& p) { return p.target == t; });
    };
    static_cast<void>(root);
    if (!chain_count_ && !swept(SweepTarget::chain_count)) {
      fail(chain_mark_, "chain", "the component count is not given",
           "write chain: {count: N, ...} or vary chain.count in grid or zip");
    }
    if (!chain_reliability_ && !swept(SweepTarget::chain_reliability)) {
      fail(chain_mark_, "chain", "the reliability is not given",
           "write chain: {reliability: R, ...} or vary chain.reliability in grid or zip");
    }
  }

  // --- expansion -----------------------------------------------------------------------------

  // Points and their components are counted before any is built: a typo in a range or a
  // replication count must be an error, not an allocation that never ends.
  SweepSize measure() const {
    const auto too_many = [&](const std::string& what, std::uint64_t limit) {
      throw InputError(SourceLocation{file(), 0, 0},
                       "the sweep has more than " + std::to_string(limit) + " " + what +
                           "; split it into several sweeps or use fewer values");
    };
    std::uint64_t total = plan_.replications;
    for (const auto& axis : plan_.axes) {
      if (total > kMaxSweepPoints / axis.length) too_many("points", kMaxSweepPoints);
      total *= axis.length;
    }
    if (total > kMaxSweepPoints) too_many("points", kMaxSweepPoints);
    // Every point holds its own list of components; with a chain generator the count may vary
    // along one axis, so the sum is (points / that axis's length) * (sum of its counts).
    std::uint64_t component_values = 0;
    const auto count_axis =
        std::find_if(plan_.axes.begin(), plan_.axes.end(), [&](const SweepAxis& axis) {
          return std::any_of(axis.parameters.begin(), axis.parameters.end(), [&](std::size_t p) {
            return plan_.parameters[p].target == SweepTarget::chain_count;
          });
        });
    if (count_axis != plan_.axes.end()) {
      std::size_t p = 0;
      for (const std::size_t q : count_axis->parameters)
        if (plan_.parameters[q].target == SweepTarget::chain_count) p = q;
      std::uint64_t sum = 0;  // at most 1e7 values of at most 1e5: no overflow
      for (const SweepValue& v : values_[p]) sum += v.integer;
      const std::uint64_t others = total / count_axis->length;
      component_values =
          sum > kMaxSweepComponentValues / others ? kMaxSweepComponentValues + 1 : sum * others;
    } else {
      const std::uint64_t per_point =
          is_chain() ? chain_count_.value_or(0) : base_components_.size();
      component_values = per_point > kMaxSweepComponentValues / total ? kMaxSweepComponentValues + 1
                                                                      : per_point * total;
    }
    if (component_values > kMaxSweepComponentValues)
      too_many("component values (points times components)", kMaxSweepComponentValues);
    return SweepSize{total, component_values};
  }

  void expand(std::uint64_t total) {
    plan_.points.reserve(total);
    std::vector<std::size_t> digit(plan_.axes.size(), 0);
    for (std::uint64_t i = 0; i < total; ++i) {
      const std::uint64_t replication = i % plan_.replications;
      std::uint64_t rest = i / plan_.replications;
      for (std::size_t a = plan_.axes.size(); a-- > 0;) {
        digit[a] = rest % plan_.axes[a].length;
        rest /= plan_.axes[a].length;
      }
      SweepPoint point;
      point.values.resize(plan_.parameters.size());
      for (std::size_t a = 0; a < plan_.axes.size(); ++a)
        for (const std::size_t p : plan_.axes[a].parameters) point.values[p] = values_[p][digit[a]];
      point.replication = replication;
      point.requests = requests_;
      point.seed = seed_;
      point.components = base_components_;
      std::uint64_t count = chain_count_.value_or(0);
      double reliability = chain_reliability_.value_or(1);
      for (std::size_t p = 0; p < plan_.parameters.size(); ++p) {
        const SweepParameter& param = plan_.parameters[p];
        const SweepValue& v = point.values[p];
        switch (param.target) {
          case SweepTarget::component_reliability:
            point.components[param.component].reliability = v.real;
            break;
          case SweepTarget::all_reliabilities:
            for (auto& c : point.components) c.reliability = v.real;
            break;
          case SweepTarget::requests:
            point.requests = v.integer;
            break;
          case SweepTarget::seed:
            point.seed = v.integer;
            break;
          case SweepTarget::chain_count:
            count = v.integer;
            break;
          case SweepTarget::chain_reliability:
            reliability = v.real;
            break;
        }
      }
      if (is_chain()) {
        point.components.resize(count);
        for (std::uint64_t k = 0; k < count; ++k)
          point.components[k] = Component{"c" + std::to_string(k + 1), reliability, ""};
      }
      point.seed = plan_.per_point_seeds ? replication_seed(point.seed, i)
                                         : replication_seed(point.seed, replication);
      plan_.points.push_back(std::move(point));
    }
  }

  std::string_view text_;
  SweepPlan plan_;
  std::vector<Component> base_components_;
  std::uint64_t requests_ = 1'000'000;  // the fallbacks of `nines run`
  std::uint64_t seed_ = 1;
  std::optional<std::uint64_t> chain_count_;
  std::optional<double> chain_reliability_;
  YAML::Mark chain_mark_;
  std::vector<std::vector<SweepValue>> values_;  // per parameter
  std::vector<std::pair<SweepParameter, int>> seen_;
  SweepSize size_;
};

}  // namespace

std::vector<double> SweepPoint::reliabilities() const {
  std::vector<double> out;
  out.reserve(components.size());
  for (const auto& c : components) out.push_back(c.reliability);
  return out;
}

std::string SweepPlan::fingerprint() const {
  return "sweep-sha256=" + sha256_hex(source_text) + " base-sha256=" + sha256_hex(base_text);
}

std::uint64_t replication_seed(std::uint64_t seed, std::uint64_t replication) noexcept {
  if (replication == 0) return seed;
  std::uint64_t z = seed + replication * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

SweepPlan parse_sweep(std::string_view yaml_text, const std::string& source_path) {
  const std::string_view text = checked_input_text(yaml_text, source_path);
  const YAML::Node root =
      single_document(text, source_path, "sweep", "format_version, kind: sweep, name and a base");
  SweepPlan plan = Parser(source_path, text).parse(root);
  plan.source_path = source_path;
  plan.source_text = std::string(text);
  return plan;
}

SweepSize measure_sweep(std::string_view yaml_text, const std::string& source_path) {
  const std::string_view text = checked_input_text(yaml_text, source_path);
  const YAML::Node root =
      single_document(text, source_path, "sweep", "format_version, kind: sweep, name and a base");
  Parser parser(source_path, text);
  parser.parse(root, true);
  return parser.size();
}

SweepPlan load_sweep(const std::string& path) {
  return parse_sweep(read_input_file(path, "sweep"), path);
}

}  // namespace nines
