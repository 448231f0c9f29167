#include "nines/scenario_parser.hpp"
#include "nines/spelling.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "nines/count_parser.hpp"
#include "nines/error.hpp"

// Every message has one shape, so users (and the tests in tests/invalid/) can rely on it:
//   <file>:<line>:<column>: <key path>: <what is wrong>; <what would be valid>
// where <what is wrong> starts with the offending value in double quotes when there is one.
// The location is the value node for bad values and the key node for bad keys.

namespace nines {
namespace {

constexpr std::size_t kMaxNameLength = 100;

constexpr std::string_view kReliabilityHint =
    "write a probability such as 0.999 or a percentage such as \"99.9%\"";
constexpr std::string_view kRequestsHint =
    "write a positive whole number such as 10000000, 1e7 or 10M";
constexpr std::string_view kSeedHint =
    "write a whole number from 0 to 18446744073709551615, in decimal or as 0x hexadecimal";
constexpr std::string_view kNameHint =
    "use only letters, digits, '_', '.' and '-', at most 100 characters";
constexpr std::string_view kTextHint = "write plain text, quoted if it contains ': ' or ' #'";

struct Key {
  std::string_view name;
  bool required;
};

const std::vector<Key> kTopKeys = {{"format_version", true},
                                   {"name", true},
                                   {"description", false},
                                   {"run", false},
                                   {"components", true}};
const std::vector<Key> kRunKeys = {{"requests", false}, {"seed", false}};
const std::vector<Key> kComponentKeys = {
    {"name", true}, {"reliability", true}, {"description", false}};

// yaml-cpp marks are 0-based and -1 when unknown; ours are 1-based and 0 when unknown.
SourceLocation at(const std::string& file, const YAML::Mark& mark) {
  return SourceLocation{file, mark.line >= 0 ? mark.line + 1 : 0,
                        mark.column >= 0 ? mark.column + 1 : 0};
}

// A value as it appears in a message: quoted, escaped, and short enough to read.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMaxShown = 60;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    const char c = text[i];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  if (text.size() > kMaxShown) out += "...";
  return out + "\"";
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return "the text " + quoted(node.Scalar());
    default:
      return "no value";
  }
}

std::string join_keys(const std::vector<Key>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

std::string_view closest_key(std::string_view unknown, const std::vector<Key>& keys) {
  std::vector<std::string_view> names;
  for (const auto& k : keys) names.push_back(k.name);
  return closest_spelling(unknown, names);
}

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  Scenario parse(const YAML::Node& root) {
    Scenario s;
    if (!root.IsMap()) {
      fail(root.Mark(), "", "the top level is " + describe(root),
           "a scenario is a mapping with format_version, name and components keys");
    }
    // The version decides how everything else reads, so it is checked before anything else:
    // a newer file's unfamiliar keys would only distract from the real problem.
    for (const auto& pair : root) {
      if (pair.first.IsScalar() && pair.first.Scalar() == "format_version") {
        parse_version(Entry{pair.first, pair.second});
        break;
      }
    }
    walk(root, "", kTopKeys, [&](const std::string& key, const Entry& entry) {
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
    if (!root.IsMap()) {
      fail(root.Mark(), "", "the top level is " + describe(root),
           "a scenario is a mapping with format_version, name and components keys");
    }
    for (const auto& pair : root) {
      if (pair.first.IsScalar() && pair.first.Scalar() == "format_version") {
        const Entry entry{pair.first, pair.second};
        if (entry.second.IsScalar() && entry.second.Scalar() == "2") return 2;
        return parse_version(entry);
      }
    }
    return kScenarioFormatVersion;  // the chain parser reports the missing key in its turn
  }

 private:
  using Entry = std::pair<YAML::Node, YAML::Node>;  // key node, value node

  [[noreturn]] void fail(const YAML::Mark& mark, std::string_view path, std::string_view problem,
                         std::string_view hint) const {
    std::string message = path.empty() ? "" : std::string(path) + ": ";
    message += std::string(problem) + "; " + std::string(hint);
    throw InputError(at(file_, mark), std::move(message));
  }

  [[noreturn]] void missing(const YAML::Node& map, std::string_view path, std::string_view key,
                            const std::vector<Key>& keys) const {
    std::string required;
    for (const auto& k : keys) {
      if (k.required) required += (required.empty() ? "" : ", ") + std::string(k.name);
    }
    fail(map.Mark(), path, "missing required key \"" + std::string(key) + "\"",
         "required keys here are " + required);
  }

  // Visits a mapping's entries in file order, so the first problem reported is the first one a
  // reader meets; each key is checked for shape, spelling and repetition before its value is
  // handed to `handle` (yaml-cpp 0.7 silently accepts duplicate keys, so we walk the pairs
  // ourselves). Missing required keys are reported once everything present has been read.
  template <typename Handle>
  void walk(const YAML::Node& map, std::string_view path, const std::vector<Key>& keys,
            Handle&& handle) const {
    std::map<std::string, int> first_line;  // key -> line it was first seen on
    for (const auto& pair : map) {
      const YAML::Node& key = pair.first;
      if (!key.IsScalar()) {
        fail(key.Mark(), path, "a key is " + describe(key),
             "keys are plain names: " + join_keys(keys));
      }
      const std::string& name = key.Scalar();
      const auto known =
          std::find_if(keys.begin(), keys.end(), [&](const Key& k) { return k.name == name; });
      if (known == keys.end()) {
        const std::string_view guess = closest_key(name, keys);
        const std::string problem = "unknown key " + quoted(name);
        if (!guess.empty()) {
          fail(
              key.Mark(), path, problem,
              "did you mean \"" + std::string(guess) + "\"? (valid keys: " + join_keys(keys) + ")");
        }
        fail(key.Mark(), path, problem, "valid keys are " + join_keys(keys));
      }
      const auto [it, inserted] = first_line.try_emplace(name, at(file_, key.Mark()).line);
      if (!inserted) {
        fail(key.Mark(), path,
             "key " + quoted(name) + " appears twice (first at line " + std::to_string(it->second) +
                 ")",
             "keep only one of them");
      }
      handle(name, Entry{pair.first, pair.second});
    }
    for (const auto& k : keys) {
      if (k.required && !first_line.contains(std::string(k.name))) missing(map, path, k.name, keys);
    }
  }

  // The scalar text of a value, or an error saying what was found instead. An empty value
  // ("key:" with nothing after it) is reported at the key: yaml-cpp marks it at the next token.
  const std::string& scalar(const Entry& entry, const std::string& path,
                            std::string_view hint) const {
    const YAML::Node& value = entry.second;
    if (value.IsNull()) fail(entry.first.Mark(), path, "no value given", hint);
    if (!value.IsScalar()) fail(value.Mark(), path, "found " + describe(value), hint);
    return value.Scalar();
  }

  int parse_version(const Entry& entry) const {
    constexpr std::string_view hint =
        "write format_version: 1 (a chain of components) or 2 (request kinds over structures)";
    const std::string& text = scalar(entry, "format_version", hint);
    if (text == "2") {
      fail(entry.second.Mark(), "format_version", "\"2\" is a structure scenario, not a chain",
           "read it with load_structure_model (nines run and nines validate read both)");
    }
    if (text != std::to_string(kScenarioFormatVersion)) {
      fail(entry.second.Mark(), "format_version", quoted(text) + " is not supported", hint);
    }
    return kScenarioFormatVersion;
  }

  std::string parse_name(const Entry& entry, const std::string& path) const {
    const std::string& text = scalar(entry, path, kNameHint);
    const YAML::Mark mark = entry.second.Mark();
    if (text.empty()) fail(mark, path, "\"\" is empty", kNameHint);
    if (text.size() > kMaxNameLength) {
      fail(mark, path, quoted(text) + " is " + std::to_string(text.size()) + " characters long",
           kNameHint);
    }
    for (const char c : text) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-';
      if (!ok) {
        fail(mark, path, quoted(text) + " contains " + quoted(std::string(1, c)), kNameHint);
      }
    }
    return text;
  }

  std::string parse_text(const Entry& entry, const std::string& path) const {
    if (entry.second.IsNull()) return "";  // "description:" with nothing after it
    std::string text = scalar(entry, path, kTextHint);
    // Folded and literal blocks (">" and "|") keep a final newline that nobody means.
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }

  RunDefaults parse_run(const Entry& entry) const {
    RunDefaults run;
    const YAML::Node& map = entry.second;
    if (map.IsNull()) return run;
    if (!map.IsMap()) {
      fail(map.Mark(), "run", "found " + describe(map),
           "write a mapping with requests and/or seed, or leave run out");
    }
    walk(map, "run", kRunKeys, [&](const std::string& key, const Entry& field) {
      const std::string path = "run." + key;
      const bool is_seed = key == "seed";
      const std::string_view hint = is_seed ? kSeedHint : kRequestsHint;
      const std::string& text = scalar(field, path, hint);
      std::string why;
      const auto value = is_seed ? parse_seed(text, &why) : parse_request_count(text, &why);
      if (!value) fail(field.second.Mark(), path, quoted(text) + " " + why, hint);
      (is_seed ? run.seed : run.requests) = value;
    });
    return run;
  }

  std::vector<Component> parse_components(const Entry& entry) const {
    constexpr std::string_view hint =
        "list at least one component, each an item such as \"- name: api\" with a reliability";
    const YAML::Node& list = entry.second;
    if (list.IsNull()) fail(entry.first.Mark(), "components", "the list is empty", hint);
    if (!list.IsSequence()) fail(list.Mark(), "components", "found " + describe(list), hint);
    if (list.size() == 0) fail(list.Mark(), "components", "the list is empty", hint);

    std::vector<Component> out;
    std::map<std::string, int> first_line;  // component name -> line it was first used on
    std::size_t i = 0;
    for (const YAML::Node& item : list) {
      const std::string path = "components[" + std::to_string(i) + "]";
      if (!item.IsMap()) {
        fail(item.Mark(), path, "found " + describe(item),
             "write each component as a mapping with name and reliability keys");
      }
      Component c;
      YAML::Mark name_mark;
      walk(item, path, kComponentKeys, [&](const std::string& key, const Entry& field) {
        if (key == "name") {
          c.name = parse_name(field, path + ".name");
          name_mark = field.second.Mark();
        }
        if (key == "reliability") c.reliability = parse_reliability(field, path + ".reliability");
        if (key == "description") c.description = parse_text(field, path + ".description");
      });
      const auto [it, inserted] = first_line.try_emplace(c.name, at(file_, name_mark).line);
      if (!inserted) {
        fail(name_mark, path + ".name",
             quoted(c.name) + " is used twice (first at line " + std::to_string(it->second) + ")",
             "component names must be unique");
      }
      out.push_back(std::move(c));
      ++i;
    }
    return out;
  }

  // The scalar's own text, not yaml-cpp's conversion: we need to see "%", reject "nan" and
  // trailing garbage, and round "99.95%" once. Appending "e-2" to the digits divides by 100
  // inside from_chars, which rounds the exact decimal correctly; dividing a double by 100
  // afterwards would round twice and can miss by one ulp.
  double parse_reliability(const Entry& entry, const std::string& path) const {
    const std::string& text = scalar(entry, path, kReliabilityHint);
    const YAML::Mark mark = entry.second.Mark();
    const bool percent = !text.empty() && text.back() == '%';
    std::string number = percent ? text.substr(0, text.size() - 1) + "e-2" : text;
    if (percent && (number.empty() || number.front() == 'e')) number.clear();

    double value = 0;
    const char* last = number.data() + number.size();
    const auto [ptr, ec] = std::from_chars(number.data(), last, value);
    std::string word = text;
    std::erase_if(word, [](char c) { return c == '.' || c == '+' || c == '-'; });
    std::transform(word.begin(), word.end(), word.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    if (word == "nan") fail(mark, path, quoted(text) + " is not a number (NaN)", kReliabilityHint);
    if (word == "inf" || word == "infinity") {
      fail(mark, path, quoted(text) + " is infinite", kReliabilityHint);
    }
    if (text.empty()) fail(mark, path, "\"\" is empty", kReliabilityHint);
    if (ec == std::errc::invalid_argument || ptr != last || number.empty()) {
      fail(mark, path, quoted(text) + " is not a number", kReliabilityHint);
    }
    // from_chars itself reads "nan(...)" and "infinity"; the checks above caught the usual
    // spellings with the clearer message, these catch the rest.
    if (std::isnan(value)) {
      fail(mark, path, quoted(text) + " is not a number (NaN)", kReliabilityHint);
    }
    if (std::isinf(value)) fail(mark, path, quoted(text) + " is infinite", kReliabilityHint);
    if (ec == std::errc::result_out_of_range) {
      fail(mark, path, quoted(text) + " is too small or too large to represent", kReliabilityHint);
    }
    const std::string_view range = percent ? "[0%, 100%]" : "[0, 1]";
    if (!(value >= 0.0 && value <= 1.0)) {
      fail(mark, path, quoted(text) + " is outside " + std::string(range), kReliabilityHint);
    }
    return value == 0.0 ? 0.0 : value;  // "-0" becomes +0, so output never shows "-0"
  }

  std::string file_;
};

}  // namespace

namespace {
// The one YAML document of a scenario text, or the InputError every loader reports.
YAML::Node single_document(std::string_view yaml_text, const std::string& source_path) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    throw InputError(at(source_path, e.mark),
                     "YAML syntax error: " + e.msg +
                         "; check the indentation, colons and quotes on this line and the one "
                         "before it");
  }
  if (documents.empty()) {
    throw InputError(SourceLocation{source_path, 0, 0},
                     "the file has no YAML content; a scenario needs format_version, name and "
                     "components");
  }
  if (documents.size() > 1) {
    throw InputError(at(source_path, documents[1].Mark()),
                     "a second YAML document starts here; put one scenario in each file");
  }
  return documents.front();
}
}  // namespace

int peek_format_version(std::string_view yaml_text, const std::string& source_path) {
  return Parser(source_path).peek_version(single_document(yaml_text, source_path));
}

Scenario parse_scenario(std::string_view yaml_text, const std::string& source_path) {
  Scenario s = Parser(source_path).parse(single_document(yaml_text, source_path));
  s.source_path = source_path;
  s.source_text = std::string(yaml_text);
  return s;
}

Scenario load_scenario(const std::string& path) {
  return parse_scenario(read_scenario_file(path), path);
}

std::string read_scenario_file(const std::string& path) {
  const auto cannot_read = [&](int err) {
    return IOError("cannot read scenario file '" + path +
                   "': " + std::generic_category().message(err));
  };
  // C stdio rather than iostreams: it reports errno, which names the real cause.
  struct Close {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };
  const std::unique_ptr<std::FILE, Close> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw cannot_read(errno);
  std::string bytes;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) bytes.append(buffer, n);
  if (std::ferror(file.get())) throw cannot_read(errno);
  return bytes;
}

}  // namespace nines
