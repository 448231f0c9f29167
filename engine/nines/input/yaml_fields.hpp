#pragma once
// The YAML field readers the input parsers share: scenario_parser.cpp (format 1),
// structure_parser.cpp (format 2) and sweep_parser.cpp. Internal to the parsers.
// Sharing them keeps one set of rules for keys, names, numbers and run defaults, and one
// message shape, whatever the format version:
//   <file>:<line>:<column>: <key path>: <what is wrong>; <what would be valid>
// where <what is wrong> starts with the offending value in double quotes when there is one.
// The location is the value node for bad values and the key node for bad keys. The messages
// are pinned by tests/invalid/, tests/invalid_v2/ and tests/sweeps/invalid/.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/input/yaml_document.hpp"
#include "nines/model/scenario.hpp"
#include "nines/model/structure_model.hpp"

namespace nines {

inline constexpr std::size_t kMaxNameLength = 100;

inline constexpr std::string_view kReliabilityHint =
    "write a probability such as 0.999 or a percentage such as \"99.9%\"";
inline constexpr std::string_view kNameHint =
    "use only letters, digits, '_', '.' and '-', at most 100 characters";
inline constexpr std::string_view kVersionHint =
    "write format_version: 1 (a chain of components), 2 (request kinds over structures) or 3 "
    "(outages over time)";
inline constexpr std::string_view kRequestsHint =
    "write a positive whole number such as 10000000, 1e7 or 10M";
inline constexpr std::string_view kSeedHint =
    "write a whole number from 0 to 18446744073709551615, in decimal or as 0x hexadecimal";
inline constexpr std::string_view kTopLevelHint =
    "a scenario is a mapping with format_version, name and components keys";

// A key a mapping may hold.
struct YamlKey {
  std::string_view name;
  bool required;
};

using YamlEntry = std::pair<YAML::Node, YAML::Node>;  // key node, value node

// yaml-cpp marks are 0-based and -1 when unknown; ours are 1-based and 0 when unknown.
SourceLocation yaml_location(const std::string& file, const YAML::Mark& mark);

// A value as it appears in a message: quoted, escaped, and short enough to read
// (quoted_text in utf8_text.hpp).
std::string quoted(std::string_view text);

// What a node is, for "found ...": "a list", "a mapping", "the text \"...\"" or "no value".
std::string describe(const YAML::Node& node);

// The names of `keys`, comma-separated, in their order.
std::string join_keys(const std::vector<YamlKey>& keys);

// 1 to 100 of [A-Za-z0-9_.-]: component, block, kind and event names.
bool valid_name(std::string_view text);

// A file nines cannot open or read for a reason its user can fix (it does not exist, is a
// directory, is not readable, ...): an input problem, exit code 2. what() is
// "<path>: cannot read the <what> file: <reason>".
class UnreadableFile : public InputError {
 public:
  UnreadableFile(const std::string& path, std::string_view what, std::string reason);
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string reason_;
};

// A whole input file's bytes, at most kMaxInputBytes + 1 of them (checked_input_text refuses
// more). UnreadableFile as above; IOError for a failure of the system (EIO and the like).
std::string read_input_file(const std::string& path, std::string_view what);

// Whether a number read by FieldReader::parse_number must lie in [0, 1] or only be >= 0.
enum class NumberRange { probability, non_negative };

// A number as people write probabilities and weights: digits with an optional "%", NaN,
// infinities and trailing garbage refused, and `range` enforced. Returns nullopt with
// `problem` set to what is wrong, starting with the quoted text (for example
// "\"1.5\" is outside [0, 1]").
std::optional<double> parse_number_text(std::string_view text, NumberRange range,
                                        std::string* problem);
// A whole number in [low, high], written as plain digits. Returns nullopt with `problem` set
// (starting with the quoted text) to "is not a whole number", "is less than <low>" or
// "is more than <high>" (also for numbers too large for 64 bits).
std::optional<std::uint64_t> parse_whole_text(std::string_view text, std::uint64_t low,
                                              std::uint64_t high, std::string* problem);

// A reliability exactly as a scenario file reads one (hint: kReliabilityHint).
inline std::optional<double> parse_reliability_text(std::string_view text, std::string* problem) {
  return parse_number_text(text, NumberRange::probability, problem);
}

// Reads fields of one scenario file, throwing InputError in the shape above. The parsers
// inherit from it privately, so their own readers call these as if they were their own.
class FieldReader {
 public:
  explicit FieldReader(std::string file) : file_(std::move(file)) {}
  // For a section of another file (a sweep's inline scenario): every key path in a message
  // starts with `prefix` ("scenario: ...", "scenario.components[0]: ...").
  FieldReader(std::string file, std::string prefix)
      : file_(std::move(file)), prefix_(std::move(prefix)) {}

  const std::string& file() const noexcept { return file_; }
  // The 1-based line of a mark (0 when unknown), for "first at line N".
  static int line(const YAML::Mark& mark) noexcept { return mark.line >= 0 ? mark.line + 1 : 0; }

  // "<path>: <problem>; <hint>" at the mark (no "<path>: " when path is empty).
  [[noreturn]] void fail(const YAML::Mark& mark, std::string_view path, std::string_view problem,
                         std::string_view hint) const;
  // "key \"name\" appears twice (first at line N)" at the second key.
  [[noreturn]] void duplicate_key(const YAML::Node& key, std::string_view path,
                                  int first_line) const;

  // Fails unless the document root is a mapping (saying `hint`); returns its format_version
  // entry, if any. The version decides how everything else reads, so callers check it before
  // walking the keys: a newer file's unfamiliar keys would only distract from the real problem.
  std::optional<YamlEntry> top_level_version(const YAML::Node& root,
                                             std::string_view hint = kTopLevelHint) const;

  // Visits a mapping's entries in file order, so the first problem reported is the first one a
  // reader meets; each key is checked for shape, spelling and repetition before its value is
  // handed to `handle` (yaml-cpp 0.7 silently accepts duplicate keys, so we walk the pairs
  // ourselves). Missing required keys are reported once everything present has been read.
  void walk(
      const YAML::Node& map, std::string_view path, const std::vector<YamlKey>& keys,
      const std::function<void(const std::string& key, const YamlEntry& entry)>& handle) const;

  // The scalar text of a value, or an error saying what was found instead. An empty value
  // ("key:" with nothing after it) is reported at the key: yaml-cpp marks it at the next token.
  const std::string& scalar(const YamlEntry& entry, const std::string& path,
                            std::string_view hint) const;

  // A list value; an absent or empty list is refused with `hint`.
  const YAML::Node& nonempty_list(const YamlEntry& entry, const std::string& path,
                                  std::string_view hint) const;

  // Calls `read(item, path)` for each item of `list`, path being "<name>[i]", failing at the
  // first item that is not a mapping with "found ...; <hint>".
  void for_each_mapping(
      const YAML::Node& list, std::string_view name, std::string_view hint,
      const std::function<void(const YAML::Node& item, const std::string& path)>& read) const;

  // A name (valid_name), with a message saying which rule it breaks.
  std::string parse_name(const YamlEntry& entry, const std::string& path) const;
  // Free text; "" for an empty value, trailing newlines and spaces dropped.
  std::string parse_text(const YamlEntry& entry, const std::string& path) const;
  // The optional run: mapping (requests, seed); empty defaults when it is absent or empty.
  RunDefaults parse_run(const YamlEntry& entry) const;

  // parse_number_text of the scalar, failing at the value with `hint`.
  double parse_number(const YamlEntry& entry, const std::string& path, std::string_view hint,
                      NumberRange range) const;
  double parse_reliability(const YamlEntry& entry, const std::string& path) const {
    return parse_number(entry, path, kReliabilityHint, NumberRange::probability);
  }
  // A component's improvement_cost (model/scenario.hpp): a positive, finite number, no "%".
  double parse_improvement_cost(const YamlEntry& entry, const std::string& path) const;
  // A whole number in [low, high], with a message saying whether it is too small or too large.
  std::uint32_t parse_whole(const YamlEntry& entry, const std::string& path, std::uint32_t low,
                            std::uint32_t high) const;

  // Records `name` in `seen` (name -> line); fails if it is there already, saying
  // "<what> names must be unique".
  void claim_name(const std::string& name, const YAML::Mark& mark, const std::string& path,
                  std::map<std::string, int>& seen, std::string_view what) const;

 private:
  [[noreturn]] void missing(const YAML::Node& map, std::string_view path, std::string_view key,
                            const std::vector<YamlKey>& keys) const;

  std::string file_;
  std::string prefix_;
};

// The parsers' entry points for a document single_document has already loaded from `text`
// (checked_input_text's result), so that a file is loaded once whatever its version:
// peek_format_version, parse_scenario and parse_structure_model are these after one load.
int peek_document_version(const YAML::Node& root, const std::string& source_path);
Scenario parse_scenario_document(const YAML::Node& root, std::string_view text,
                                 const std::string& source_path);
StructureModel parse_structure_document(const YAML::Node& root, std::string_view text,
                                        const std::string& source_path);

// An inline scenario (format 1) that is part of another file, such as a sweep's `scenario:`
// mapping: read from its node, so that messages point into that file, with every key path
// starting with `path` ("scenario.components[1].reliability: ..."). format_version and name
// may be left out; the name then is `default_name`. source_text is left empty.
Scenario parse_inline_scenario(const YAML::Node& node, const std::string& source_path,
                               const std::string& path, const std::string& default_name);

}  // namespace nines
