#include "nines/input/sweep_parser.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <system_error>
#include <utility>
#include <variant>

#include "nines/base/error.hpp"
#include "nines/base/number_format.hpp"
#include "nines/base/sha256.hpp"
#include "nines/base/spelling.hpp"
#include "nines/input/any_scenario.hpp"
#include "nines/input/count_parser.hpp"
#include "nines/input/duration_parser.hpp"
#include "nines/input/scenario_parser.hpp"
#include "nines/input/sweep_structure.hpp"
#include "nines/input/time_fields.hpp"
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
    "run.requests, run.seed, with a chain generator chain.count and chain.reliability, and "
    "with a structure (format 2 or 3) base also components[NAME].replicas, .required, "
    ".retries, request_kinds[NAME].weight, .retries and common_cause[NAME].probability, and "
    "with a time (format 3) base also components[NAME].every, .repair, .detection.delay, "
    "common_cause[NAME].every, .lasts, time.crews, time.traffic.rate, time.histories and "
    "time.horizon";

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

class Parser : private TimeFieldReader {
 public:
  Parser(std::string file, std::string_view text) : TimeFieldReader(std::move(file)), text_(text) {}

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
    if (!measure_only) {
      build_grid();
      check_structural_points(root);
    }
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

  void adopt(StructureModel s) {
    plan_.base_format = s.time ? kTimeFormatVersion : kStructureFormatVersion;
    if (s.defaults.requests) requests_ = *s.defaults.requests;
    if (s.time) requests_ = s.time->histories;  // a time point's "requests" are its histories
    if (s.defaults.seed) seed_ = *s.defaults.seed;
    plan_.base_text = s.source_text;
    for (const ComponentDeclaration& d : s.declarations) {
      Component c;
      c.name = d.name;
      c.reliability = s.components[d.first].reliability;
      base_components_.push_back(c);  // declarations: what components[NAME] can address
    }
    structure_ = std::move(s);
  }

  void load_base_file(const Entry& entry) {
    constexpr std::string_view hint = "write the path of a scenario file, relative to this sweep";
    const std::string& text = scalar(entry, "base", hint);
    if (text.empty()) fail(entry.second.Mark(), "base", "\"\" is empty", hint);
    std::filesystem::path path(text);
    if (path.is_relative()) path = std::filesystem::path(file()).parent_path() / path;
    plan_.base_path = path.lexically_normal().string();
    try {
      AnyScenario base = load_any_scenario(plan_.base_path);
      auto* structure = std::get_if<StructureModel>(&base);
      if (structure != nullptr)
        adopt(std::move(*structure));
      else
        adopt(std::get<Scenario>(base));
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
    // A time base counts histories, not requests (as `run: requests` in a format-3 file).
    if (is_time() && entry.second.IsMap() && entry.second["requests"]) {
      for (const auto& pair : entry.second) {
        if (pair.first.IsScalar() && pair.first.Scalar() == "requests") {
          fail(pair.first.Mark(), "run.requests",
               "the base has outages over time (format 3), whose runs count histories",
               "set time.histories in the base, or vary time.histories in grid or zip");
        }
      }
    }
    // run.target_precision is a sweep's own run setting (a scenario's run has requests and
    // seed only): read here, and the rest as a scenario's run.
    Entry rest = entry;
    if (entry.second.IsMap() && entry.second["target_precision"]) {
      for (const auto& pair : entry.second) {
        if (!pair.first.IsScalar() || pair.first.Scalar() != "target_precision") continue;
        constexpr std::string_view hint =
            "write the relative half-width of each point's 95% interval as a percentage such as "
            "1% or a fraction such as 0.01";
        if (is_time())
          fail(pair.first.Mark(), "run.target_precision",
               "applies to request runs (formats 1 and 2); the base has outages over time "
               "(format 3)",
               "leave it out, and set the points' histories with time.histories");
        const Entry field(pair.first, pair.second);
        const std::string& text = scalar(field, "run.target_precision", hint);
        std::string why;
        const auto target = parse_relative_precision(text, &why);
        if (!target)
          fail(pair.second.Mark(), "run.target_precision", nines::quoted(text) + " " + why, hint);
        plan_.target_precision = *target;
      }
      rest.second = YAML::Clone(entry.second);
      rest.second.remove("target_precision");
    }
    const RunDefaults run = FieldReader::parse_run(rest);
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

  // Replicas, required and retries: whole numbers in [low, high].
  std::uint64_t parse_small(const Entry& entry, const std::string& path, std::uint64_t low,
                            std::uint64_t high, std::string_view what) const {
    const std::string hint = "write a whole number of " + std::string(what) + " from " +
                             std::to_string(low) + " to " + std::to_string(high);
    const std::string& text = scalar(entry, path, hint);
    std::string why;
    const auto parsed = parse_seed(text, &why);  // any whole number 0 .. 2^64 - 1
    if (!parsed) fail(entry.second.Mark(), path, nines::quoted(text) + " " + why, hint);
    if (*parsed < low || *parsed > high)
      fail(entry.second.Mark(), path, nines::quoted(text) + " is outside that range", hint);
    return *parsed;
  }

  // The sweep's own hint: its examples suit a point's histories.
  std::uint64_t parse_point_histories(const Entry& entry, const std::string& path) const {
    constexpr std::string_view hint =
        "write a whole number of histories from 1 to 4294967296, such as 1000 or 10k";
    const std::string& text = scalar(entry, path, hint);
    std::string why;
    const auto parsed = parse_request_count(text, &why);
    if (!parsed) fail(entry.second.Mark(), path, nines::quoted(text) + " " + why, hint);
    if (*parsed > kMaxHistories)
      fail(entry.second.Mark(), path, nines::quoted(text) + " is more than 4294967296", hint);
    return *parsed;
  }

  // 1 to kMaxCrews, or "unlimited" (0: every outage repaired at once, as without crews).
  std::uint64_t parse_crews(const Entry& entry, const std::string& path) const {
    const std::string hint =
        "write a whole number of crews from 1 to " + std::to_string(kMaxCrews) + ", or unlimited";
    const std::string& text = scalar(entry, path, hint);
    if (text == "unlimited") return 0;
    std::string why;
    const auto parsed = parse_seed(text, &why);  // any whole number 0 .. 2^64 - 1
    if (!parsed) fail(entry.second.Mark(), path, nines::quoted(text) + " " + why, hint);
    if (*parsed < 1 || *parsed > kMaxCrews)
      fail(entry.second.Mark(), path, nines::quoted(text) + " is outside that range", hint);
    return *parsed;
  }

  double parse_weight(const Entry& entry, const std::string& path) const {
    constexpr std::string_view hint =
        "write a non-negative number such as 70 or 0.25 (weights are relative shares)";
    const std::string& text = scalar(entry, path, hint);
    double value = 0;
    const char* begin = text.data();
    const auto [end, error] = std::from_chars(begin, begin + text.size(), value);
    if (error != std::errc() || end != begin + text.size() || !std::isfinite(value) || value < 0)
      fail(entry.second.Mark(), path, nines::quoted(text) + " is not a non-negative number", hint);
    return value;
  }

  SweepValue parse_value(const SweepParameter& p, const Entry& entry,
                         const std::string& path) const {
    SweepValue v;
    switch (p.target) {
      case SweepTarget::component_replicas:
        v.integer = parse_small(entry, path, 1, kMaxReplicas, "replicas");
        break;
      case SweepTarget::component_required:
        v.integer = parse_small(entry, path, 1, kMaxReplicas, "required replicas");
        break;
      case SweepTarget::component_retries:
      case SweepTarget::kind_retries:
        v.integer = parse_small(entry, path, 0, kMaxRetries, "retries");
        break;
      case SweepTarget::kind_weight:
        v.real = parse_weight(entry, path);
        return v;
      case SweepTarget::component_every:
      case SweepTarget::component_repair:
      case SweepTarget::cause_every:
      case SweepTarget::cause_lasts:
        v.real = parse_duration(entry, path);
        return v;
      case SweepTarget::component_delay:
        v.real = parse_duration(entry, path, true);
        return v;
      case SweepTarget::horizon:
        v.real = parse_duration(entry, path);
        if (v.real > kMaxHorizonSeconds)
          fail(entry.second.Mark(), path, nines::quoted(entry.second.Scalar()) + " is above 1000y",
               "write a horizon of at most 1000y");
        return v;
      case SweepTarget::traffic_rate:
        v.real = parse_rate(entry, path);
        return v;
      case SweepTarget::crews:
        v.integer = parse_crews(entry, path);
        break;
      case SweepTarget::histories:
        v.integer = parse_point_histories(entry, path);
        break;
      default:
        if (!p.is_integer()) {
          v.real = parse_reliability(entry, path);
          return v;
        }
        v.integer = parse_integer(p.target, entry, path);
    }
    v.real = static_cast<double>(v.integer);
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
        p.is_integer()    ? "write a list of values such as [1, 2, 5] or a range such as {from: 1, "
                            "to: 100}"
        : p.is_duration() ? "write a list of durations such as [30d, 90d, 180d]"
        : p.target == SweepTarget::traffic_rate
            ? "write a list of rates such as [100/s, 300/s]"
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
          // A bound is a value of the parameter: its own range and hint (retries from 0).
          (k == "from" ? from : to) = parse_value(p, field, path + "." + k).integer;
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
      for (const auto& c : base_components_) {
        known.push_back("components[" + c.name + "].reliability");
        if (is_time()) {
          for (const char* field : {".every", ".repair", ".detection.delay"})
            known.push_back("components[" + c.name + "]" + field);
        }
      }
    }
    if (is_time()) {
      for (const char* path : kTimePaths) known.push_back(path);
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

  // A structure: format 2, or format 3 (a structure with outages over time).
  bool is_structure() const { return plan_.base_format >= kStructureFormatVersion; }
  bool is_time() const { return plan_.base_format == kTimeFormatVersion; }

  // time.crews, time.traffic.rate, time.histories, time.horizon: a time base's own settings.
  static constexpr std::array<const char*, 4> kTimePaths = {"time.crews", "time.traffic.rate",
                                                            "time.histories", "time.horizon"};
  static constexpr std::array<SweepTarget, 4> kTimeTargets = {
      SweepTarget::crews, SweepTarget::traffic_rate, SweepTarget::histories, SweepTarget::horizon};

  // The index of `selector` (a name, or an index from 0) among `names`; fails naming `what`.
  std::size_t select(const YAML::Node& key, const std::string& section, const std::string& text,
                     const std::string& selector, const std::vector<std::string>& names,
                     const std::string& what) const {
    const bool numeric =
        !selector.empty() &&
        std::all_of(selector.begin(), selector.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) {
      const std::size_t index =
          selector.size() > 6 ? names.size() : static_cast<std::size_t>(std::stoul(selector));
      if (index >= names.size()) {
        fail(key.Mark(), section,
             nines::quoted(text) + ": there is no " + what + " " + selector + " (the base has " +
                 std::to_string(names.size()) + ")",
             names.empty() ? "the base has none"
                           : what + " indices count from 0 to " + std::to_string(names.size() - 1));
      }
      return index;
    }
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == selector) return i;
    std::vector<std::string_view> candidates(names.begin(), names.end());
    std::string all;
    for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
    const std::string_view guess = closest_spelling(selector, candidates);
    fail(key.Mark(), section,
         nines::quoted(text) + ": the base has no " + what + " " + nines::quoted(selector),
         names.empty() ? "the base has none"
         : guess.empty()
             ? what + "s are " + all
             : "did you mean \"" + std::string(guess) + "\"? (" + what + "s are " + all + ")");
  }

  SweepParameter resolve_path(const YAML::Node& key, const std::string& section) const {
    const std::string& text = key.Scalar();
    SweepParameter p;
    p.path = text;
    if (text == "run.requests") {
      if (is_time()) {
        fail(key.Mark(), section,
             "\"run.requests\": the base has outages over time (format 3), whose runs count "
             "histories",
             "vary time.histories");
      }
      p.target = SweepTarget::requests;
      return p;
    }
    for (std::size_t t = 0; t < kTimePaths.size(); ++t) {
      if (text != kTimePaths[t]) continue;
      if (!is_time()) {
        fail(key.Mark(), section,
             nines::quoted(text) + " needs a base with outages over time (format 3)",
             "sweep a format-3 scenario (README, Outages over time), or vary this base's "
             "reliabilities and structure");
      }
      p.target = kTimeTargets[t];
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
    const std::size_t open = text.find('[');
    const std::size_t close = text.find(']');
    if (open == std::string::npos || close == std::string::npos || close < open)
      unknown_path(key, section, text);
    const std::string section_name = text.substr(0, open);
    const std::string selector = text.substr(open + 1, close - open - 1);
    const std::string field = text.substr(close + 1);
    if (section_name != "components" && section_name != "request_kinds" &&
        section_name != "common_cause")
      unknown_path(key, section, text);
    if (is_chain()) {
      fail(key.Mark(), section, nines::quoted(text) + " names a component of a chain generator",
           "vary chain.reliability (every component) or chain.count");
    }
    if (section_name != "components" && !is_structure()) {
      fail(key.Mark(), section, nines::quoted(text) + " needs a structure (format 2) base",
           "a chain (format 1) base has only components[NAME].reliability, run.requests and "
           "run.seed");
    }
    std::vector<std::string> names;
    std::string what;
    std::vector<std::pair<std::string, SweepTarget>> fields;
    if (section_name == "components") {
      for (const auto& c : base_components_) names.push_back(c.name);
      what = "component";
      fields = {{".reliability", SweepTarget::component_reliability}};
      if (is_structure())
        fields.insert(fields.end(), {{".replicas", SweepTarget::component_replicas},
                                     {".required", SweepTarget::component_required},
                                     {".retries", SweepTarget::component_retries}});
      if (is_time())
        fields.insert(fields.end(), {{".every", SweepTarget::component_every},
                                     {".repair", SweepTarget::component_repair},
                                     {".detection.delay", SweepTarget::component_delay}});
    } else if (section_name == "request_kinds") {
      if (!structure_->kinds_declared) {
        fail(key.Mark(), section,
             nines::quoted(text) +
                 ": the base lists no request_kinds (its one kind is every "
                 "component in order)",
             "add request_kinds to the base to vary a kind's weight or retries");
      }
      for (const auto& k : structure_->kinds) names.push_back(k.name);
      what = "request kind";
      fields = {{".weight", SweepTarget::kind_weight}, {".retries", SweepTarget::kind_retries}};
    } else {
      for (const auto& e : structure_->common_causes) names.push_back(e.name);
      what = "common-cause event";
      fields = {{".probability", SweepTarget::cause_probability}};
      if (is_time())
        fields.insert(fields.end(),
                      {{".every", SweepTarget::cause_every}, {".lasts", SweepTarget::cause_lasts}});
    }
    const auto found =
        std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == field; });
    if (found == fields.end() && !is_time() && is_time_field(field)) {
      fail(key.Mark(), section,
           nines::quoted(text) + " needs a base with outages over time (format 3)",
           "sweep a format-3 scenario (README, Outages over time), or vary this base's "
           "reliabilities and structure");
    }
    if (found == fields.end()) {
      std::string valid;
      for (const auto& f : fields) valid += (valid.empty() ? "" : ", ") + f.first.substr(1);
      fail(key.Mark(), section,
           nines::quoted(text) + " varies " + nines::quoted(field.empty() ? "" : field.substr(1)),
           is_structure() ? "a sweep can vary a " + what + "'s " + valid
                          : std::string("a component's reliability is the only component value "
                                        "a sweep can vary"));
    }
    p.target = found->second;
    if (selector == "*") {
      if (p.target != SweepTarget::component_reliability) {
        fail(key.Mark(), section, nines::quoted(text) + ": [*] selects every component",
             "only components[*].reliability takes [*]; name one " + what);
      }
      p.target = SweepTarget::all_reliabilities;
      return p;
    }
    p.component = select(key, section, text, selector, names, what);
    p.name = names[p.component];
    if (p.is_duration()) p.distribution = base_distribution(p, key, section, text);
    if (is_structure() && (p.target == SweepTarget::component_required) &&
        structure_->declarations[p.component].replicas == 0) {
      bool replicas_swept = false;
      for (const auto& [q, line] : seen_)
        replicas_swept = replicas_swept || (q.target == SweepTarget::component_replicas &&
                                            q.component == p.component);
      if (!replicas_swept) {
        fail(key.Mark(), section,
             nines::quoted(text) + ": " + nines::quoted(p.name) + " has no replicas in the base",
             "give it replicas in the base, or vary components[" + p.name +
                 "].replicas before this parameter");
      }
    }
    return p;
  }

  static bool is_time_field(const std::string& field) {
    return field == ".every" || field == ".repair" || field == ".detection.delay" ||
           field == ".lasts";
  }

  // The base's distribution that a swept mean rescales: it must exist (a component with
  // outages; for a delay, one whose detection is not immediate; an event with a process).
  DurationDistribution base_distribution(const SweepParameter& p, const YAML::Node& key,
                                         const std::string& section,
                                         const std::string& text) const {
    const TimeModel& time = *structure_->time;
    if (p.target == SweepTarget::cause_every || p.target == SweepTarget::cause_lasts) {
      const auto& process = time.events[p.component];
      if (!process) {
        fail(key.Mark(), section,
             nines::quoted(text) + ": the event " + nines::quoted(p.name) +
                 " has a per-request probability in the base, not a process over time",
             "give it every and lasts in the base to vary them");
      }
      return p.target == SweepTarget::cause_every ? process->failure : process->repair;
    }
    const ComponentTiming& timing = time.components[structure_->declarations[p.component].first];
    if (!timing.outages) {
      fail(key.Mark(), section,
           nines::quoted(text) + ": " + nines::quoted(p.name) + " has no outages in the base",
           "give it outages: {every: ..., repair: ...} in the base to vary them");
    }
    if (p.target == SweepTarget::component_every) return timing.outages->failure;
    if (p.target == SweepTarget::component_repair) return timing.outages->repair;
    if (timing.detection.immediate) {
      fail(key.Mark(), section,
           nines::quoted(text) + ": " + nines::quoted(p.name) +
               "'s detection is immediate in the base",
           "give it (or time.detection) a delay in the base to vary it");
    }
    return timing.detection.delay;
  }

  // Two parameters that set the same value would make the result depend on their order.
  void check_conflict(const SweepParameter& p, const YAML::Node& key,
                      const std::string& section) const {
    // Targets that address one component, kind or event conflict only for the same one:
    // components[api].replicas and components[db].replicas are two values.
    const bool addresses_one =
        p.target != SweepTarget::all_reliabilities && p.target != SweepTarget::requests &&
        p.target != SweepTarget::seed && p.target != SweepTarget::chain_count &&
        p.target != SweepTarget::chain_reliability && p.target != SweepTarget::crews &&
        p.target != SweepTarget::traffic_rate && p.target != SweepTarget::histories &&
        p.target != SweepTarget::horizon;
    for (const auto& [q, line] : seen_) {
      const bool same_target =
          p.target == q.target && (!addresses_one || p.component == q.component);
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
      const std::uint64_t per_point = is_chain()       ? chain_count_.value_or(0)
                                      : is_structure() ? structure_->components.size()
                                                       : base_components_.size();
      component_values = per_point > kMaxSweepComponentValues / total ? kMaxSweepComponentValues + 1
                                                                      : per_point * total;
    }
    if (component_values > kMaxSweepComponentValues)
      too_many("component values (points times components)", kMaxSweepComponentValues);
    return SweepSize{total, component_values};
  }

  // The points are computed from the grid on demand (model/sweep_plan.hpp), never stored.
  void build_grid() {
    SweepGrid grid;
    grid.parameters = plan_.parameters;
    grid.values = values_;
    grid.axes = plan_.axes;
    grid.replications = plan_.replications;
    grid.per_point_seeds = plan_.per_point_seeds;
    grid.requests = requests_;
    grid.seed = seed_;
    if (!is_structure()) grid.base_components = base_components_;
    grid.chain_generator = is_chain();
    grid.chain_count = chain_count_.value_or(0);
    grid.chain_reliability = chain_reliability_.value_or(1);
    plan_.points = SweepPointList(std::move(grid));
  }

  // Every combination of the values of the parameters that change a structure's shape
  // (replicas, required, retries, weights) is built and parsed now, so that a point that
  // would break the structure's rules (required above replicas, too many components, weights
  // summing to zero) is an error before any work, naming the point. Probabilities cannot
  // break them: each value was checked on its own. Up to kMaxStructuralCombinations
  // combinations; beyond, the remaining ones are checked as their points are reached.
  void check_structural_points(const YAML::Node& root) const {
    if (!is_structure()) return;
    std::vector<std::size_t> axes;
    for (std::size_t a = 0; a < plan_.axes.size(); ++a)
      for (const std::size_t p : plan_.axes[a].parameters)
        if (plan_.parameters[p].is_checked_in_combination()) {
          axes.push_back(a);
          break;
        }
    std::uint64_t combinations = 1;
    for (const std::size_t a : axes) {
      combinations *= plan_.axes[a].length;
      if (combinations > kMaxStructuralCombinations) return;
    }
    // Point indices that run through the structural axes' digits with the others at 0.
    std::uint64_t stride_after = plan_.replications;
    std::vector<std::uint64_t> stride(plan_.axes.size(), 0);
    for (std::size_t a = plan_.axes.size(); a-- > 0;) {
      stride[a] = stride_after;
      stride_after *= plan_.axes[a].length;
    }
    for (std::uint64_t c = 0; c < combinations; ++c) {
      std::uint64_t rest = c, index = 0;
      for (std::size_t i = axes.size(); i-- > 0;) {
        index += (rest % plan_.axes[axes[i]].length) * stride[axes[i]];
        rest /= plan_.axes[axes[i]].length;
      }
      const SweepPoint point = plan_.points[static_cast<std::size_t>(index)];
      try {
        sweep_point_structure(plan_, point);
      } catch (const InputError& e) {
        throw InputError(SourceLocation{file(), line(root.Mark()), 0},
                         "sweep point " + std::to_string(index) + " (" + describe_point(point) +
                             ") is not a valid structure: " + e.message());
      }
    }
  }

  std::string describe_point(const SweepPoint& point) const {
    std::string out;
    for (std::size_t p = 0; p < plan_.parameters.size(); ++p) {
      const SweepParameter& param = plan_.parameters[p];
      out += (out.empty() ? "" : ", ") + param.path + " = " +
             (param.is_integer()    ? std::to_string(point.values[p].integer)
              : param.is_duration() ? number_format::printf_string("%.17gs", point.values[p].real)
              : param.target == SweepTarget::traffic_rate
                  ? number_format::printf_string("%.17g/s", point.values[p].real)
                  : number_format::printf_string("%.17g", point.values[p].real));
    }
    return out;
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
  std::optional<StructureModel> structure_;  // a structure (format 2) base
};

}  // namespace

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

bool is_sweep_file(const std::string& path) {
  try {
    const YAML::Node root = YAML::Load(read_input_file(path, "sweep"));
    const YAML::Node kind = root.IsMap() ? root["kind"] : YAML::Node();
    return kind && kind.IsScalar() && kind.Scalar() == "sweep";
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace nines
