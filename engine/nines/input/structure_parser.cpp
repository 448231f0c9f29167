#include "nines/input/structure_parser.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/base/spelling.hpp"
#include "nines/input/scenario_parser.hpp"
#include "nines/input/time_fields.hpp"
#include "nines/input/yaml_fields.hpp"

// Format 3 (outages over time) is format 2 plus the keys time_fields.hpp reads: `time`, a
// component's `outages` and `detection`, and an event's `every` and `lasts`. This file adds
// what refers to components: `needs`, resolved once every component is known and checked for
// self-references and cycles.
//
// Messages have the shape yaml_fields.hpp describes, as in scenario_parser.cpp, so users meet
// one style whatever the version:
//   <file>:<line>:<column>: <key path>: <what is wrong>; <what would be valid>

namespace nines {
namespace {

constexpr std::string_view kProbabilityHint =
    "write a probability such as 0.0001 or a percentage such as \"0.01%\"";
constexpr std::string_view kWeightHint =
    "write a non-negative number such as 70 or 0.25 (weights are relative shares)";
constexpr std::string_view kBlockHint =
    "write a component or block name, a list (a series), or a mapping with one key: series, "
    "parallel or k_of_n";

const std::vector<YamlKey> kTopKeys = {
    {"format_version", true}, {"name", true},    {"description", false},   {"run", false},
    {"components", true},     {"blocks", false}, {"request_kinds", false}, {"common_cause", false}};
const std::vector<YamlKey> kComponentKeys = {
    {"name", true},      {"reliability", true}, {"improvement_cost", false}, {"replicas", false},
    {"required", false}, {"retries", false},    {"description", false},      {"population", false}};
const std::vector<YamlKey> kKindKeys = {
    {"name", true}, {"path", false}, {"weight", false}, {"retries", false}, {"description", false}};
const std::vector<YamlKey> kCommonCauseKeys = {
    {"name", true}, {"probability", true}, {"takes_down", true}, {"description", false}};
// Format 3: the same sections with their time keys (an event has `probability` or `every` and
// `lasts`, checked by the parser).
const std::vector<YamlKey> kTopKeysV3 = {
    {"format_version", true}, {"name", true},           {"description", false},
    {"run", false},           {"time", true},           {"components", true},
    {"blocks", false},        {"request_kinds", false}, {"common_cause", false}};
const std::vector<YamlKey> kComponentKeysV3 = {
    {"name", true},       {"reliability", true},  {"replicas", false},
    {"required", false},  {"retries", false},     {"outages", false},
    {"detection", false}, {"description", false}, {"improvement_cost", false},
    {"population", false}};
const std::vector<YamlKey> kCommonCauseKeysV3 = {{"name", true},       {"probability", false},
                                                 {"every", false},     {"lasts", false},
                                                 {"takes_down", true}, {"description", false}};
// What a format-2 file may not hold, by section.
const std::vector<std::string_view> kTopKeysOnlyV3 = {"time"};
const std::vector<std::string_view> kComponentKeysOnlyV3 = {"outages", "detection"};
const std::vector<std::string_view> kCommonCauseKeysOnlyV3 = {"every", "lasts"};

const std::vector<YamlKey> kBlockKeys = {{"series", false}, {"parallel", false}, {"k_of_n", false}};
const std::vector<YamlKey> kKOfNKeys = {{"k", true}, {"of", true}};

class Parser : private TimeFieldReader {
 public:
  using TimeFieldReader::TimeFieldReader;

  StructureModel parse(const YAML::Node& root) {
    StructureModel m;
    model_ = &m;
    if (const auto version = top_level_version(root)) parse_version(*version);
    if (!v3()) refuse_v3_keys(root, "", kTopKeysOnlyV3);
    // Keys are checked in file order; the sections that refer to components are read once
    // the components are known, whatever order the file lists them in.
    std::optional<YamlEntry> blocks, kinds, causes;
    walk(root, "", v3() ? kTopKeysV3 : kTopKeys,
         [&](const std::string& key, const YamlEntry& entry) {
           if (key == "name") m.name = parse_name(entry, "name");
           if (key == "description") m.description = parse_text(entry, "description");
           if (key == "run") {
             if (v3()) refuse_requests(entry);
             m.defaults = parse_run(entry);
           }
           if (key == "time") time_section_ = parse_time(entry);
           if (key == "components") parse_components(entry, m);
           if (key == "blocks") blocks = entry;
           if (key == "request_kinds") kinds = entry;
           if (key == "common_cause") causes = entry;
         });
    // Named blocks are read first, each once, in file order (so that one no kind uses is still
    // checked), and measured before any kind's path expands them.
    if (blocks) {
      read_block_names(*blocks);
      parse_named_blocks();
      measure_named_blocks();
    }
    m.kinds_declared = kinds.has_value();
    if (kinds) {
      parse_kinds(*kinds, m);
    } else {
      RequestKind kind;
      kind.name = "request";
      kind.path = every_declaration();
      m.kinds.push_back(std::move(kind));
    }
    if (causes) parse_common_causes(*causes, m);
    if (v3()) {
      m.format_version = kTimeFormatVersion;
      m.time = resolve_time(m);
    }
    return m;
  }

 private:
  bool v3() const noexcept { return version_ == kTimeFormatVersion; }

  void parse_version(const YamlEntry& entry) {
    const std::string& text = scalar(entry, "format_version", kVersionHint);
    if (text == "1") {
      fail(entry.second.Mark(), "format_version",
           "\"1\" is a chain scenario, not a structure (format 2)",
           "read it with load_scenario (nines run and nines validate read both)");
    }
    if (text == std::to_string(kTimeFormatVersion)) {
      version_ = kTimeFormatVersion;
      return;
    }
    if (text != std::to_string(kStructureFormatVersion)) {
      fail(entry.second.Mark(), "format_version", quoted(text) + " is not supported", kVersionHint);
    }
  }

  // A format-2 mapping holding a key of format 3: the version, not the key, is what to fix
  // first, so this is reported before anything else in the mapping.
  void refuse_v3_keys(const YAML::Node& map, const std::string& path,
                      const std::vector<std::string_view>& keys) const {
    if (!map.IsMap()) return;
    for (const auto& pair : map) {
      if (!pair.first.IsScalar()) continue;
      const std::string& name = pair.first.Scalar();
      if (std::find(keys.begin(), keys.end(), name) == keys.end()) continue;
      fail(pair.first.Mark(), path,
           "key " + quoted(name) + " needs format_version 3 (outages over time)",
           "write format_version: 3, or remove " + quoted(name));
    }
  }

  // Histories, not requests, are what a format-3 run counts.
  void refuse_requests(const YamlEntry& entry) const {
    if (!entry.second.IsMap()) return;
    for (const auto& pair : entry.second) {
      if (pair.first.IsScalar() && pair.first.Scalar() == "requests") {
        fail(pair.first.Mark(), "run",
             "key \"requests\" does not apply to format 3 (a run simulates histories over time)",
             "remove it and set time.histories instead");
      }
    }
  }

  // --- components --------------------------------------------------------------------------

  void parse_components(const YamlEntry& entry, StructureModel& m) {
    constexpr std::string_view hint =
        "list at least one component, each an item such as \"- name: api\" with a reliability";
    const YAML::Node& list = nonempty_list(entry, "components", hint);
    for_each_mapping(
        list, "components", "write each component as a mapping with name and reliability keys",
        [&](const YAML::Node& item, const std::string& path) {
          StructureComponent c;
          ComponentDeclaration d;
          YAML::Mark name_mark, required_mark, population_mark;
          std::optional<std::uint32_t> required;
          std::string population;
          DeclarationTiming timing;
          timing.path = path;
          if (!v3()) refuse_v3_keys(item, path, kComponentKeysOnlyV3);
          const auto& keys = v3() ? kComponentKeysV3 : kComponentKeys;
          walk(item, path, keys, [&](const std::string& key, const YamlEntry& field) {
            const std::string sub = path + "." + key;
            if (key == "name") {
              c.name = parse_name(field, sub);
              name_mark = field.second.Mark();
            }
            if (key == "outages") timing.outages = parse_outages(field, sub);
            if (key == "detection") {
              timing.detection = parse_detection(field, sub);
              timing.detection_key = field.first;
            }
            if (key == "reliability")
              c.reliability = parse_component_reliability(field, sub, c.reliability_input);
            if (key == "population") {
              population = parse_name(field, sub);
              population_mark = field.first.Mark();
            }
            if (key == "replicas") d.replicas = parse_whole(field, sub, 1, kMaxReplicas);
            if (key == "required") {
              required = parse_whole(field, sub, 1, kMaxReplicas);
              required_mark = field.second.Mark();
            }
            if (key == "retries") c.retries = parse_whole(field, sub, 0, kMaxRetries);
            if (key == "description") c.description = parse_text(field, sub);
            if (key == "improvement_cost") c.improvement_cost = parse_improvement_cost(field, sub);
          });
          claim_name(c.name, name_mark, path + ".name", names_, "component");
          if (!population.empty()) {
            const bool rate = timing.outages && timing.outages->rate_input;
            if (!c.reliability_input && !rate) {
              fail(population_mark, path + ".population",
                   quoted(population) + " groups uncertain inputs, and this component has none",
                   "give it an uncertain reliability (such as {observed: {failures: 3, "
                   "requests: 1M}}) or outages.every (such as {observed: {outages: 4, over: "
                   "365d}}), or remove population");
            }
            if (c.reliability_input) c.reliability_input->population = population;
            if (rate) timing.outages->rate_input->population = population;
          }
          if (required) {
            if (d.replicas == 0) {
              fail(required_mark, path + ".required",
                   quoted(std::to_string(*required)) + " needs replicas",
                   "add replicas: N (N >= required) or remove required");
            }
            if (*required > d.replicas) {
              fail(required_mark, path + ".required",
                   quoted(std::to_string(*required)) + " is larger than replicas (" +
                       std::to_string(d.replicas) + ")",
                   "write a number from 1 to " + std::to_string(d.replicas));
            }
            d.required = *required;
          }
          d.name = c.name;
          d.first = static_cast<std::uint32_t>(m.components.size());
          const std::uint32_t copies = std::max<std::uint32_t>(d.replicas, 1);
          if (m.components.size() + copies > kMaxStructureComponents) {
            fail(name_mark, path + ".name",
                 quoted(c.name) + " brings the component count (replicas included) above " +
                     std::to_string(kMaxStructureComponents),
                 "use fewer components or replicas");
          }
          for (std::uint32_t r = 0; r < copies; ++r) {
            StructureComponent copy = c;
            copy.declaration = c.name;
            if (d.replicas > 0) {
              copy.replica = r + 1;
              copy.name = c.name + "[" + std::to_string(r + 1) + "]";
            }
            m.components.push_back(std::move(copy));
          }
          declaration_index_[d.name] = m.declarations.size();
          m.declarations.push_back(d);
          timing.name_mark = name_mark;
          timings_.push_back(std::move(timing));
        });
  }

  Block declaration_block(std::size_t d) const {
    const ComponentDeclaration& decl = model_->declarations[d];
    if (decl.replicas == 0) return Block::component_ref(decl.first);
    std::vector<Block> replicas;
    for (std::uint32_t r = 0; r < decl.replicas; ++r)
      replicas.push_back(Block::component_ref(decl.first + r));
    if (decl.replicas == 1) return std::move(replicas.front());
    if (decl.required == 1) return Block::parallel(std::move(replicas));
    if (decl.required == decl.replicas) return Block::series(std::move(replicas));
    return Block::k_of_n(decl.required, std::move(replicas));
  }

  // The path of a kind that names none: every declared component, in series.
  Block every_declaration() const {
    std::vector<Block> all;
    for (std::size_t d = 0; d < model_->declarations.size(); ++d)
      all.push_back(declaration_block(d));
    return all.size() == 1 ? std::move(all.front()) : Block::series(std::move(all));
  }

  // "api[2]" -> the component index of replica 2 of api, when api has that replica.
  std::optional<std::uint32_t> replica_index(const std::string& text, const YAML::Mark& mark,
                                             const std::string& path) const {
    const auto open = text.find('[');
    if (open == std::string::npos || text.back() != ']') return std::nullopt;
    const std::string base = text.substr(0, open);
    const std::string number = text.substr(open + 1, text.size() - open - 2);
    const auto it = declaration_index_.find(base);
    if (it == declaration_index_.end()) return std::nullopt;
    const ComponentDeclaration& decl = model_->declarations[it->second];
    if (decl.replicas == 0) {
      fail(mark, path, quoted(text) + " names a replica, but " + quoted(base) + " has none",
           "write " + quoted(base) + ", or give it replicas: N");
    }
    std::uint32_t r = 0;
    const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), r);
    if (number.empty() || ec != std::errc() || ptr != number.data() + number.size() || r < 1 ||
        r > decl.replicas) {
      fail(mark, path, quoted(text) + " is not a replica of " + quoted(base),
           "replicas are numbered " + base + "[1] to " + base + "[" +
               std::to_string(decl.replicas) + "]");
    }
    return decl.first + r - 1;
  }

  [[noreturn]] void unknown_name(const std::string& text, const YAML::Mark& mark,
                                 const std::string& path, bool blocks_allowed) const {
    std::vector<std::string_view> candidates;
    for (const auto& d : model_->declarations) candidates.push_back(d.name);
    if (blocks_allowed)
      for (const auto& name : block_names_) candidates.push_back(name);
    const std::string_view guess = closest_spelling(text, candidates);
    const std::string problem = "unknown " +
                                std::string(blocks_allowed ? "component or block " : "component ") +
                                quoted(text);
    if (!guess.empty()) fail(mark, path, problem, "did you mean \"" + std::string(guess) + "\"?");
    std::string known;
    for (const auto& d : model_->declarations) known += (known.empty() ? "" : ", ") + d.name;
    fail(mark, path, problem, "components are " + known);
  }

  // --- blocks ------------------------------------------------------------------------------
  //
  // A named block is parsed once into a tree in which a reference to another named block is a
  // placeholder: a component reference with index kNamedBlock + the block's number. So no parse
  // recurses through a name, and the names form a graph that is checked without recursion for
  // cycles, depth (kMaxBlockDepth) and size (kMaxBlockNodes) before a request kind's path is
  // expanded into the plain Block tree the model holds.

  static constexpr std::uint32_t kNamedBlock = 0x8000'0000;  // far above kMaxStructureComponents

  struct Measure {
    std::uint64_t nodes = 0;  // nodes once expanded (saturating)
    std::size_t depth = 0;    // levels once expanded
  };
  // Where a named block first refers to another, for the cycle message.
  struct Reference {
    std::size_t target;
    YAML::Mark mark;
    std::string path;
  };

  static bool is_named(const Block& b) noexcept {
    return b.kind == BlockKind::component && b.component >= kNamedBlock;
  }

  void read_block_names(const YamlEntry& entry) {
    const YAML::Node& map = entry.second;
    if (map.IsNull()) return;
    if (!map.IsMap()) {
      fail(map.Mark(), "blocks", "found " + describe(map),
           "write a mapping from block names to block expressions, e.g. \"backend: [api, db]\"");
    }
    for (const auto& pair : map) {
      const YAML::Node& key = pair.first;
      if (!key.IsScalar()) fail(key.Mark(), "blocks", "a key is " + describe(key), kNameHint);
      const std::string& name = key.Scalar();
      const std::string path = "blocks." + name;
      if (!valid_name(name))
        fail(key.Mark(), "blocks", quoted(name) + " is not a valid name", kNameHint);
      if (declaration_index_.contains(name)) {
        fail(key.Mark(), path, quoted(name) + " is already a component name",
             "give the block a name of its own");
      }
      const auto [it, inserted] = block_index_.try_emplace(name, block_entries_.size());
      if (!inserted) duplicate_key(key, "blocks", line(block_entries_[it->second].first.Mark()));
      block_names_.push_back(name);
      block_entries_.push_back(YamlEntry{pair.first, pair.second});
    }
  }

  void parse_named_blocks() {
    named_.resize(block_entries_.size());
    references_.resize(block_entries_.size());
    for (std::size_t b = 0; b < block_entries_.size(); ++b) {
      parsing_ = b;
      first_reference_.clear();
      named_[b] = parse_block(block_entries_[b], "blocks." + block_names_[b]);
    }
    parsing_.reset();
  }

  // Cycles, then each block's size and depth, by a depth-first walk of the name graph with its
  // own stack (a chain of 10,000 names is 10,000 entries there, not 10,000 calls). A block is
  // measured once everything it names is; the first one past a limit is reported at its name.
  void measure_named_blocks() {
    enum class State : std::uint8_t { unvisited, open, done };
    std::vector<State> state(named_.size(), State::unvisited);
    measures_.resize(named_.size());
    struct Frame {
      std::size_t block;
      std::size_t next = 0;  // the next of its references to follow
    };
    std::vector<Frame> stack;
    for (std::size_t root = 0; root < named_.size(); ++root) {
      if (state[root] != State::unvisited) continue;
      stack.push_back(Frame{root});
      state[root] = State::open;
      while (!stack.empty()) {
        Frame& frame = stack.back();
        if (frame.next < references_[frame.block].size()) {
          const Reference& ref = references_[frame.block][frame.next++];
          if (state[ref.target] == State::open) cycle(stack, ref);
          if (state[ref.target] == State::unvisited) {
            state[ref.target] = State::open;
            stack.push_back(Frame{ref.target});
          }
          continue;
        }
        const std::size_t b = frame.block;
        stack.pop_back();
        measures_[b] = measure(named_[b]);
        state[b] = State::done;
        check_measure(measures_[b], block_entries_[b].first.Mark(), "blocks." + block_names_[b],
                      "this block");
      }
    }
  }

  // "a -> b -> a"; a long cycle shows its first and last few names.
  template <class Stack>
  [[noreturn]] void cycle(const Stack& stack, const Reference& ref) const {
    std::vector<std::string_view> names;
    for (const auto& frame : stack) {
      if (frame.block == ref.target || !names.empty()) names.push_back(block_names_[frame.block]);
    }
    const std::string& name = block_names_[ref.target];
    names.push_back(name);
    constexpr std::size_t kShown = 4;
    std::string shown;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names.size() > 3 * kShown && i == kShown) {
        shown += "... " + std::to_string(names.size() - 2 * kShown) + " more -> ";
        i = names.size() - kShown;
      }
      shown += std::string(names[i]) + (i + 1 < names.size() ? " -> " : "");
    }
    fail(ref.mark, ref.path, quoted(name) + " refers back to itself (" + shown + ")",
         "a block cannot contain itself; break the cycle");
  }

  // The size and depth of a tree once its placeholders are expanded (their blocks measured).
  Measure measure(const Block& root) const {
    Measure m;
    std::vector<std::pair<const Block*, std::size_t>> stack{{&root, 1}};
    while (!stack.empty()) {
      const auto [block, depth] = stack.back();
      stack.pop_back();
      if (is_named(*block)) {
        const Measure& named = measures_[block->component - kNamedBlock];
        m.nodes = std::min(m.nodes + named.nodes, std::uint64_t{1} << 62);
        m.depth = std::max(m.depth, depth - 1 + named.depth);
        continue;
      }
      m.nodes = std::min(m.nodes + 1, std::uint64_t{1} << 62);
      m.depth = std::max(m.depth, depth);
      for (const Block& child : block->children) stack.emplace_back(&child, depth + 1);
    }
    return m;
  }

  void check_measure(const Measure& m, const YAML::Mark& mark, const std::string& path,
                     std::string_view what) const {
    if (m.depth > kMaxBlockDepth) {
      fail(mark, path,
           std::string(what) + " nests " + std::to_string(m.depth) +
               " levels deep once its named blocks and replicas are expanded",
           "nest at most " + std::to_string(kMaxBlockDepth) +
               " levels (a series inside a series is the same series: flatten them)");
    }
    if (m.nodes > kMaxBlockNodes) {
      fail(mark, path,
           std::string(what) + " expands to " + std::to_string(m.nodes) +
               " blocks and component references once its named blocks and replicas are "
               "expanded",
           "the paths of all request kinds may hold at most " + std::to_string(kMaxBlockNodes) +
               " together; refer to large blocks fewer times");
    }
  }

  // A request kind's path as the model holds it: checked, counted into the total over all
  // kinds, then expanded.
  Block expanded_path(const Block& tree, const YAML::Mark& mark, const std::string& path) {
    const Measure m = measure(tree);
    check_measure(m, mark, path, "the path");
    path_nodes_ += m.nodes;
    if (path_nodes_ > kMaxBlockNodes) {
      fail(mark, path,
           "with this path, the request kinds' paths hold " + std::to_string(path_nodes_) +
               " blocks and component references in all once named blocks and replicas are "
               "expanded",
           "the paths of all request kinds may hold at most " + std::to_string(kMaxBlockNodes) +
               " together; refer to large blocks fewer times");
    }
    return expand(tree);
  }

  // Recursion here follows the expanded tree's levels (at most kMaxBlockDepth, checked by
  // expanded_path); a chain of names that only rename each other is followed by the loop.
  Block expand(const Block& tree) const {
    const Block* block = &tree;
    while (is_named(*block)) block = &named_[block->component - kNamedBlock];
    if (block->kind == BlockKind::component) return *block;
    Block out;
    out.kind = block->kind;
    out.k = block->k;
    out.children.reserve(block->children.size());
    for (const Block& child : block->children) out.children.push_back(expand(child));
    return out;
  }

  // A named block used in the block being parsed (or in a kind's path).
  Block named_reference(std::size_t target, const YAML::Mark& mark, const std::string& path) {
    if (parsing_ && first_reference_.insert(target).second)
      references_[*parsing_].push_back(Reference{target, mark, path});
    return Block::component_ref(kNamedBlock + static_cast<std::uint32_t>(target));
  }

  Block parse_block(const YamlEntry& entry, const std::string& path) {
    const YAML::Node& node = entry.second;
    if (node.IsNull()) fail(entry.first.Mark(), path, "no block given", kBlockHint);
    if (node.IsScalar()) {
      const std::string& text = node.Scalar();
      if (const auto replica = replica_index(text, node.Mark(), path))
        return Block::component_ref(*replica);
      if (const auto d = declaration_index_.find(text); d != declaration_index_.end())
        return declaration_block(d->second);
      if (const auto b = block_index_.find(text); b != block_index_.end())
        return named_reference(b->second, node.Mark(), path);
      unknown_name(text, node.Mark(), path, true);
    }
    if (node.IsSequence()) return Block::series(parse_children(entry, path));
    if (!node.IsMap()) fail(node.Mark(), path, "found " + describe(node), kBlockHint);
    if (node.size() != 1) {
      fail(node.Mark(), path, "a block mapping has " + std::to_string(node.size()) + " keys",
           "give it exactly one of series, parallel or k_of_n");
    }
    Block out;
    walk(node, path, kBlockKeys, [&](const std::string& key, const YamlEntry& field) {
      const std::string sub = path + "." + key;
      if (key == "series") out = Block::series(parse_children(field, sub));
      if (key == "parallel") out = Block::parallel(parse_children(field, sub));
      if (key == "k_of_n") out = parse_k_of_n(field, sub);
    });
    return out;
  }

  std::vector<Block> parse_children(const YamlEntry& entry, const std::string& path) {
    const YAML::Node& list =
        nonempty_list(entry, path, "list at least one block (a component or block name)");
    std::vector<Block> children;
    std::size_t i = 0;
    for (const YAML::Node& item : list) {
      children.push_back(parse_block(YamlEntry{item, item}, path + "[" + std::to_string(i) + "]"));
      ++i;
    }
    return children;
  }

  Block parse_k_of_n(const YamlEntry& entry, const std::string& path) {
    const YAML::Node& map = entry.second;
    constexpr std::string_view hint = "write k_of_n: {k: 2, of: [db-a, db-b, db-c]}";
    if (map.IsNull()) fail(entry.first.Mark(), path, "no value given", hint);
    if (!map.IsMap()) fail(map.Mark(), path, "found " + describe(map), hint);
    std::optional<YamlEntry> k_entry;
    std::vector<Block> children;
    walk(map, path, kKOfNKeys, [&](const std::string& key, const YamlEntry& field) {
      if (key == "k") k_entry = field;
      if (key == "of") children = parse_children(field, path + ".of");
    });
    const std::uint32_t n = static_cast<std::uint32_t>(children.size());
    const std::string sub = path + ".k";
    const std::string& text =
        scalar(*k_entry, sub, "write a whole number from 1 to " + std::to_string(n));
    std::uint64_t k = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), k);
    if (text.empty() || ec == std::errc::invalid_argument || ptr != text.data() + text.size()) {
      fail(k_entry->second.Mark(), sub, quoted(text) + " is not a whole number",
           "write a whole number from 1 to " + std::to_string(n));
    }
    // Too large first: from_chars leaves k at 0 when the number does not fit in 64 bits.
    if (ec == std::errc::result_out_of_range || k > n) {
      fail(k_entry->second.Mark(), sub,
           quoted(text) + " is larger than the " + std::to_string(n) + " blocks listed in of",
           "write a whole number from 1 to " + std::to_string(n));
    }
    if (k == 0) {
      fail(k_entry->second.Mark(), sub, quoted(text) + " is less than 1",
           "write a whole number from 1 to " + std::to_string(n) + " (k = 0 would always work)");
    }
    return Block::k_of_n(static_cast<std::uint32_t>(k), std::move(children));
  }

  // --- request kinds -----------------------------------------------------------------------

  void parse_kinds(const YamlEntry& entry, StructureModel& m) {
    constexpr std::string_view hint =
        "list at least one request kind, each an item such as \"- name: browse\" with a path";
    const YAML::Node& list = nonempty_list(entry, "request_kinds", hint);
    if (list.size() > kMaxRequestKinds) {
      fail(list.Mark(), "request_kinds", std::to_string(list.size()) + " kinds are listed",
           "list at most " + std::to_string(kMaxRequestKinds));
    }
    std::map<std::string, int> names;
    for_each_mapping(
        list, "request_kinds", "write each kind as a mapping with name, path and weight keys",
        [&](const YAML::Node& item, const std::string& path) {
          RequestKind kind;
          bool has_path = false;
          walk(item, path, kKindKeys, [&](const std::string& key, const YamlEntry& field) {
            const std::string sub = path + "." + key;
            if (key == "name") {
              kind.name = parse_name(field, sub);
              claim_name(kind.name, field.second.Mark(), sub, names, "request kind");
            }
            if (key == "path") {
              kind.path = expanded_path(parse_block(field, sub), field.second.Mark(), sub);
              has_path = true;
            }
            if (key == "weight")
              kind.weight = parse_number(field, sub, kWeightHint, NumberRange::non_negative);
            if (key == "retries") kind.retries = parse_whole(field, sub, 0, kMaxRetries);
            if (key == "description") kind.description = parse_text(field, sub);
          });
          if (!has_path) kind.path = expanded_path(every_declaration(), item.Mark(), path);
          m.kinds.push_back(std::move(kind));
        });
    double total = 0;
    for (const auto& k : m.kinds) total += k.weight;
    if (!(total > 0) || !std::isfinite(total)) {
      fail(entry.first.Mark(), "request_kinds",
           std::isfinite(total) ? "the weights sum to 0" : "the weights sum to infinity",
           "give at least one kind a positive, finite weight (weights are relative shares)");
    }
  }

  // --- common-cause events -----------------------------------------------------------------

  void parse_common_causes(const YamlEntry& entry, StructureModel& m) {
    if (entry.second.IsNull()) return;
    constexpr std::string_view hint =
        "list events such as \"- name: zone-a\" with probability and takes_down";
    const YAML::Node& list = nonempty_list(entry, "common_cause", hint);
    if (list.size() > kMaxCommonCauses) {
      fail(list.Mark(), "common_cause", std::to_string(list.size()) + " events are listed",
           "list at most " + std::to_string(kMaxCommonCauses));
    }
    std::map<std::string, int> names;
    for_each_mapping(
        list, "common_cause",
        "write each event as a mapping with name, probability and takes_down keys",
        [&](const YAML::Node& item, const std::string& path) {
          CommonCauseEvent event;
          std::optional<YAML::Node> probability, every, lasts;
          OutageProcess process;
          if (!v3()) refuse_v3_keys(item, path, kCommonCauseKeysOnlyV3);
          const auto& keys = v3() ? kCommonCauseKeysV3 : kCommonCauseKeys;
          walk(item, path, keys, [&](const std::string& key, const YamlEntry& field) {
            const std::string sub = path + "." + key;
            if (key == "name") {
              event.name = parse_name(field, sub);
              claim_name(event.name, field.second.Mark(), sub, names, "common-cause event");
            }
            if (key == "probability") {
              event.probability =
                  parse_number(field, sub, kProbabilityHint, NumberRange::probability);
              probability = field.first;
            }
            if (key == "every") {
              process.failure = parse_distribution(field, sub, ScalarDuration::exponential_mean);
              every = field.first;
            }
            if (key == "lasts") {
              process.repair = parse_distribution(field, sub, ScalarDuration::exponential_mean);
              lasts = field.first;
            }
            if (key == "takes_down") event.takes_down = parse_targets(field, sub);
            if (key == "description") event.description = parse_text(field, sub);
          });
          if (v3())
            events_.push_back(event_process(item, path, probability, every, lasts, process));
          m.common_causes.push_back(std::move(event));
        });
  }

  // Format 3: an event fires per request (`probability`) or over time (`every` and `lasts`).
  std::optional<OutageProcess> event_process(const YAML::Node& item, const std::string& path,
                                             const std::optional<YAML::Node>& probability,
                                             const std::optional<YAML::Node>& every,
                                             const std::optional<YAML::Node>& lasts,
                                             const OutageProcess& process) const {
    constexpr std::string_view hint =
        "give an event either probability (per request) or every and lasts (over time)";
    if (probability && (every || lasts)) {
      const YAML::Node& second = every ? *every : *lasts;
      fail(second.Mark(), path,
           "key " + quoted(second.Scalar()) + " is given together with \"probability\"", hint);
    }
    if (probability) return std::nullopt;
    if (!every && !lasts) {
      fail(item.Mark(), path, "missing key \"probability\", or \"every\" and \"lasts\"", hint);
    }
    if (!every)
      fail(item.Mark(), path, "missing key \"every\" (how often the event happens)", hint);
    if (!lasts) fail(item.Mark(), path, "missing key \"lasts\" (how long the event lasts)", hint);
    return process;
  }

  std::vector<std::uint32_t> parse_targets(const YamlEntry& entry, const std::string& path) const {
    const YAML::Node& list = nonempty_list(
        entry, path, "list the components it takes down, e.g. [api[1], db[1]] or [cache]");
    std::set<std::uint32_t> targets;
    std::size_t i = 0;
    for (const YAML::Node& item : list) {
      const std::string sub = path + "[" + std::to_string(i) + "]";
      if (!item.IsScalar()) {
        fail(item.Mark(), sub, "found " + describe(item),
             "write a component name such as api, or a replica such as api[1]");
      }
      const std::string& text = item.Scalar();
      if (const auto replica = replica_index(text, item.Mark(), sub)) {
        targets.insert(*replica);
      } else if (const auto d = declaration_index_.find(text); d != declaration_index_.end()) {
        const ComponentDeclaration& decl = model_->declarations[d->second];
        for (std::uint32_t r = 0; r < std::max<std::uint32_t>(decl.replicas, 1); ++r)
          targets.insert(decl.first + r);
      } else {
        unknown_name(text, item.Mark(), sub, false);
      }
      ++i;
    }
    return {targets.begin(), targets.end()};
  }

  // --- time (format 3) ----------------------------------------------------------------------
  //
  // A declaration's timing applies to each of its replicas. Detection `needs` names components
  // or replicas (a replicated declaration contributes its k-of-n block, as in paths); it may
  // not name the component itself or its own replicas, and the declarations' needs may not form
  // a cycle (then no outage on the cycle could ever be detected while the others are down).

  struct DeclarationTiming {
    std::string path;  // "components[i]"
    YAML::Mark name_mark;
    std::optional<OutageProcess> outages;
    std::optional<DetectionDraft> detection;
    YAML::Node detection_key;
  };

  // One name in a `needs` list, resolved.
  struct NeedsReference {
    std::size_t declaration;
    YAML::Mark mark;
    std::string path;
    std::string text;
  };

  struct ResolvedNeeds {
    Detection detection;
    std::vector<NeedsReference> references;
  };

  // `key`: "needs" for a detection or a policy's metrics, "delivery" for a policy's pages.
  ResolvedNeeds resolve_detection(const DetectionDraft& draft, const std::string& path,
                                  const std::string& key = "needs") const {
    ResolvedNeeds out{draft.detection, {}};
    if (draft.alert) {
      const std::string& text = draft.alert->second.Scalar();
      std::string names;
      const auto& policies = time_section_->alerting;
      for (std::size_t i = 0; i < policies.size(); ++i) {
        if (policies[i].policy.name == text) out.detection.alert = static_cast<std::int32_t>(i);
        names += (i > 0 ? ", " : "") + policies[i].policy.name;
      }
      if (!out.detection.by_alert())
        fail(draft.alert->second.Mark(), path + ".alert", quoted(text) + " is not an alert policy",
             policies.empty() ? std::string("declare the policy in time.alerting")
                              : "write one of " + names);
      const AlertPolicy& policy = policies[static_cast<std::size_t>(out.detection.alert)].policy;
      if (std::none_of(policy.rules.begin(), policy.rules.end(),
                       [](const AlertRule& r) { return r.severity == AlertSeverity::page; }))
        fail(draft.alert->second.Mark(), path + ".alert",
             quoted(text) + " has no page rule, and only pages detect outages",
             "give the policy a rule with severity: page");
      if (time_section_->time.start == StartState::steady)
        fail(draft.alert->first.Mark(), path + ".alert",
             "a detection by alert needs the history's requests from its start, and the run "
             "starts steady",
             "use start: fresh");
      out.detection.immediate = false;
      return out;
    }
    if (!draft.needs) return out;
    const std::string sub = path + "." + key;
    const bool detection = path.ends_with("detection");
    const YAML::Node& list = nonempty_list(
        *draft.needs, sub,
        detection ? "list the components detection needs up, e.g. [monitoring, alerting]"
                  : "list the components that must be up, e.g. [monitoring]");
    std::vector<Block> children;
    std::set<std::uint32_t> components;
    std::size_t i = 0;
    for (const YAML::Node& item : list) {
      const std::string at = sub + "[" + std::to_string(i++) + "]";
      if (!item.IsScalar()) {
        fail(item.Mark(), at, "found " + describe(item),
             "write a component name such as monitoring, or a replica such as probe[1]");
      }
      const std::string& text = item.Scalar();
      Block block;
      std::size_t declaration = 0;
      if (const auto replica = replica_index(text, item.Mark(), at)) {
        block = Block::component_ref(*replica);
        components.insert(*replica);
        declaration = declaration_index_.at(model_->components[*replica].declaration);
      } else if (const auto d = declaration_index_.find(text); d != declaration_index_.end()) {
        block = declaration_block(d->second);
        declaration = d->second;
        const ComponentDeclaration& decl = model_->declarations[declaration];
        for (std::uint32_t r = 0; r < std::max<std::uint32_t>(decl.replicas, 1); ++r)
          components.insert(decl.first + r);
      } else if (block_index_.contains(text)) {
        fail(item.Mark(), at, quoted(text) + " is a block, not a component",
             detection ? "list components or replicas; detection needs each of them up"
                       : "list components or replicas; each of them must be up");
      } else {
        unknown_name(text, item.Mark(), at, false);
      }
      out.references.push_back(NeedsReference{declaration, item.Mark(), at, text});
      children.push_back(std::move(block));
    }
    out.detection.needs = Block::series(std::move(children));
    out.detection.needs_components.assign(components.begin(), components.end());
    return out;
  }

  TimeModel resolve_time(const StructureModel& m) {
    TimeModel time = time_section_->time;
    const DetectionDraft& default_draft = time_section_->detection;
    const ResolvedNeeds default_needs = resolve_detection(default_draft, "time.detection");
    std::vector<ResolvedNeeds> resolved(timings_.size());
    for (std::size_t d = 0; d < timings_.size(); ++d) {
      const DeclarationTiming& t = timings_[d];
      const std::string& name = m.declarations[d].name;
      if (!t.outages) {
        if (t.detection) {
          fail(t.detection_key.Mark(), t.path,
               quoted(name) + " has detection but no outages to detect",
               "add outages: {every: ..., repair: ...}, or remove detection");
        }
        continue;
      }
      if (t.detection) {
        resolved[d] = resolve_detection(*t.detection, t.path + ".detection");
        for (const NeedsReference& ref : resolved[d].references) {
          if (ref.declaration != d) continue;
          fail(ref.mark, ref.path,
               quoted(ref.text) + (ref.text == name ? " is the component itself"
                                                    : " is a replica of the component itself"),
               "detection cannot wait for the component whose outage it detects; list others, "
               "such as monitoring");
        }
      } else {
        resolved[d] = default_needs;
        for (const NeedsReference& ref : resolved[d].references) {
          if (ref.declaration != d) continue;
          fail(t.name_mark, t.path + ".name",
               quoted(name) +
                   " has outages and takes the default time.detection, whose needs "
                   "include it (" +
                   quoted(ref.text) + ")",
               "give " + name + " a detection of its own, such as detection: immediate");
        }
      }
    }
    check_detection_cycles(m, resolved);
    for (std::size_t d = 0; d < timings_.size(); ++d) {
      ComponentTiming timing;
      timing.outages = timings_[d].outages;
      if (timing.outages) timing.detection = resolved[d].detection;
      for (std::uint32_t r = 0; r < std::max<std::uint32_t>(m.declarations[d].replicas, 1); ++r)
        time.components.push_back(timing);
    }
    time.events = events_;
    for (const AlertPolicyDraft& draft : time_section_->alerting)
      time.alerting.push_back(resolve_policy(m, draft));
    for (const SloDraft& draft : time_section_->slos) time.slos.push_back(resolve_slo(m, draft));
    // An outage detected by alert must be able to page: its component is on a path of the
    // policy's scope (else it would stay down, undetected, forever).
    for (std::size_t d = 0; d < timings_.size(); ++d) {
      const Detection& detection = resolved[d].detection;
      if (!timings_[d].outages || !detection.by_alert()) continue;
      const AlertPolicy& policy = time.alerting[static_cast<std::size_t>(detection.alert)];
      const std::uint32_t c = m.declarations[d].first;
      bool seen = false;
      for (std::uint32_t k = 0; k < m.kinds.size(); ++k) {
        if (policy.kind && *policy.kind != k) continue;
        const auto on = components_in_path_order(m.kinds[k].path);
        seen = seen || std::find(on.begin(), on.end(), c) != on.end();
      }
      if (!seen)
        fail(timings_[d].name_mark, timings_[d].path + ".name",
             quoted(m.declarations[d].name) + " is detected by alert " + quoted(policy.name) +
                 ", but no request of its scope uses it, so its outages never page",
             "give it a detection of its own (a delay, or immediate), or put it on a path");
    }
    return time;
  }

  AlertPolicy resolve_policy(const StructureModel& m, const AlertPolicyDraft& draft) const {
    AlertPolicy policy = draft.policy;
    const auto components = [&](const std::optional<YamlEntry>& entry, const std::string& key,
                                Block& block, std::vector<std::uint32_t>& list) {
      if (!entry) return;
      DetectionDraft d;
      d.needs = entry;
      ResolvedNeeds r = resolve_detection(d, draft.path, key);
      block = std::move(r.detection.needs);
      list = std::move(r.detection.needs_components);
    };
    components(draft.needs, "needs", policy.needs, policy.needs_components);
    components(draft.delivery, "delivery", policy.delivery, policy.delivery_components);
    if (draft.kind) policy.kind = resolve_kind(m, *draft.kind, draft.path + ".kind");
    return policy;
  }

  SloObjective resolve_slo(const StructureModel& m, const SloDraft& draft) const {
    SloObjective slo = draft.slo;
    if (draft.kind) slo.kind = resolve_kind(m, *draft.kind, draft.path + ".kind");
    return slo;
  }

  // A scope's `kind`: the index of the request kind it names.
  std::uint32_t resolve_kind(const StructureModel& m, const YamlEntry& entry,
                             const std::string& path) const {
    const std::string& text = scalar(entry, path, "write the name of a request kind");
    std::string names;
    for (std::uint32_t k = 0; k < m.kinds.size(); ++k) {
      if (m.kinds[k].name == text) return k;
      names += (k > 0 ? ", " : "") + m.kinds[k].name;
    }
    fail(entry.second.Mark(), path, quoted(text) + " is not a request kind",
         "write one of " + names + ", or leave kind out for the whole traffic mix");
  }

  // A depth-first walk of the declarations' needs with its own stack, as for named blocks.
  void check_detection_cycles(const StructureModel& m,
                              const std::vector<ResolvedNeeds>& resolved) const {
    enum class State : std::uint8_t { unvisited, open, done };
    std::vector<State> state(resolved.size(), State::unvisited);
    struct Frame {
      std::size_t declaration;
      std::size_t next = 0;
    };
    std::vector<Frame> stack;
    for (std::size_t root = 0; root < resolved.size(); ++root) {
      if (state[root] != State::unvisited) continue;
      stack.push_back(Frame{root});
      state[root] = State::open;
      while (!stack.empty()) {
        Frame& frame = stack.back();
        const auto& refs = resolved[frame.declaration].references;
        if (frame.next == refs.size()) {
          state[frame.declaration] = State::done;
          stack.pop_back();
          continue;
        }
        const NeedsReference& ref = refs[frame.next++];
        if (state[ref.declaration] == State::unvisited) {
          state[ref.declaration] = State::open;
          stack.push_back(Frame{ref.declaration});
        } else if (state[ref.declaration] == State::open) {
          std::string shown;
          bool on_cycle = false;
          for (const Frame& f : stack) {
            on_cycle = on_cycle || f.declaration == ref.declaration;
            if (on_cycle) shown += m.declarations[f.declaration].name + " -> ";
          }
          shown += m.declarations[ref.declaration].name;
          fail(ref.mark, ref.path, quoted(ref.text) + " closes a detection cycle (" + shown + ")",
               "an outage's detection cannot wait for a component whose own detection waits for "
               "it; remove one of these needs");
        }
      }
    }
  }

  int version_ = kStructureFormatVersion;
  std::optional<TimeSection> time_section_;
  std::vector<DeclarationTiming> timings_;            // parallel to declarations
  std::vector<std::optional<OutageProcess>> events_;  // parallel to common causes
  const StructureModel* model_ = nullptr;
  std::map<std::string, int> names_;  // component declaration name -> line
  std::map<std::string, std::size_t> declaration_index_;
  // Named blocks, in file order.
  std::map<std::string, std::size_t> block_index_;
  std::vector<std::string> block_names_;
  std::vector<YamlEntry> block_entries_;
  std::vector<Block> named_;                        // parsed, with placeholders
  std::vector<std::vector<Reference>> references_;  // the first reference to each other block
  std::vector<Measure> measures_;
  std::optional<std::size_t> parsing_;  // the named block being parsed, if any
  std::set<std::size_t> first_reference_;
  std::uint64_t path_nodes_ = 0;  // nodes of the kinds' expanded paths so far
};

}  // namespace

StructureModel parse_structure_document(const YAML::Node& root, std::string_view text,
                                        const std::string& source_path) {
  return with_source(Parser(source_path).parse(root), text, source_path);
}

StructureModel parse_structure_model(std::string_view yaml_text, const std::string& source_path) {
  return parse_input_text<StructureModel>(yaml_text, source_path, parse_structure_document);
}

StructureModel load_structure_model(const std::string& path) {
  return parse_structure_model(read_scenario_file(path), path);
}

}  // namespace nines
