#include "nines/input/yaml_fields.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <memory>
#include <system_error>

#include "nines/base/spelling.hpp"
#include "nines/input/count_parser.hpp"
#include "nines/input/input_limits.hpp"
#include "nines/input/utf8_text.hpp"

namespace nines {
namespace {

constexpr std::string_view kTextHint = "write plain text, quoted if it contains ': ' or ' #'";

const std::vector<YamlKey> kRunKeys = {{"requests", false}, {"seed", false}};

bool name_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

// A file that cannot be read: the user's to fix (exit 2) unless the system failed (exit 1).
[[noreturn]] void cannot_read(const std::string& path, std::string_view what, int err) {
  std::string reason = std::generic_category().message(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case EACCES:
    case EPERM:
    case ELOOP:
    case ENAMETOOLONG:
      throw UnreadableFile(path, what, std::move(reason));
    default:
      throw IOError("cannot read " + std::string(what) + " file '" + path + "': " + reason);
  }
}

}  // namespace

SourceLocation yaml_location(const std::string& file, const YAML::Mark& mark) {
  return SourceLocation{file, FieldReader::line(mark), mark.column >= 0 ? mark.column + 1 : 0};
}

std::string quoted(std::string_view text) {
  return quoted_text(text);
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

std::string join_keys(const std::vector<YamlKey>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + std::string(k.name);
  return out;
}

bool valid_name(std::string_view text) {
  if (text.empty() || text.size() > kMaxNameLength) return false;
  return std::all_of(text.begin(), text.end(), name_character);
}

UnreadableFile::UnreadableFile(const std::string& path, std::string_view what, std::string reason)
    : InputError(SourceLocation{path, 0, 0},
                 "cannot read the " + std::string(what) + " file: " + reason),
      reason_(std::move(reason)) {}

std::string read_input_file(const std::string& path, std::string_view what) {
  // C stdio rather than iostreams: it reports errno, which names the real cause.
  struct Close {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };
  const std::unique_ptr<std::FILE, Close> file(std::fopen(path.c_str(), "rb"));
  if (!file) cannot_read(path, what, errno);
  // One byte more than the limit is enough to refuse a larger file (or an endless one such as
  // /dev/zero) without reading all of it.
  std::string bytes;
  char buffer[1 << 16];
  std::size_t n = 0;
  while (bytes.size() <= kMaxInputBytes &&
         (n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0)
    bytes.append(buffer, n);
  if (std::ferror(file.get())) cannot_read(path, what, errno);
  return bytes;
}

void FieldReader::fail(const YAML::Mark& mark, std::string_view path, std::string_view problem,
                       std::string_view hint) const {
  std::string full = prefix_;
  if (!path.empty()) full += (full.empty() ? "" : ".") + std::string(path);
  std::string message = full.empty() ? "" : full + ": ";
  message += std::string(problem) + "; " + std::string(hint);
  throw InputError(yaml_location(file_, mark), std::move(message));
}

void FieldReader::duplicate_key(const YAML::Node& key, std::string_view path,
                                int first_line) const {
  fail(key.Mark(), path,
       "key " + quoted(key.Scalar()) + " appears twice (first at line " +
           std::to_string(first_line) + ")",
       "keep only one of them");
}

void FieldReader::missing(const YAML::Node& map, std::string_view path, std::string_view key,
                          const std::vector<YamlKey>& keys) const {
  std::string required;
  for (const auto& k : keys) {
    if (k.required) required += (required.empty() ? "" : ", ") + std::string(k.name);
  }
  fail(map.Mark(), path, "missing required key \"" + std::string(key) + "\"",
       "required keys here are " + required);
}

std::optional<YamlEntry> FieldReader::top_level_version(const YAML::Node& root,
                                                        std::string_view hint) const {
  if (!root.IsMap()) fail(root.Mark(), "", "the top level is " + describe(root), hint);
  for (const auto& pair : root) {
    if (pair.first.IsScalar() && pair.first.Scalar() == "format_version") {
      return YamlEntry{pair.first, pair.second};
    }
  }
  return std::nullopt;
}

void FieldReader::walk(
    const YAML::Node& map, std::string_view path, const std::vector<YamlKey>& keys,
    const std::function<void(const std::string& key, const YamlEntry& entry)>& handle) const {
  std::map<std::string, int> first_line;  // key -> line it was first seen on
  for (const auto& pair : map) {
    const YAML::Node& key = pair.first;
    if (!key.IsScalar()) {
      fail(key.Mark(), path, "a key is " + describe(key),
           "keys are plain names: " + join_keys(keys));
    }
    const std::string& name = key.Scalar();
    const auto known =
        std::find_if(keys.begin(), keys.end(), [&](const YamlKey& k) { return k.name == name; });
    if (known == keys.end()) {
      std::vector<std::string_view> names;
      for (const auto& k : keys) names.push_back(k.name);
      const std::string_view guess = closest_spelling(name, names);
      const std::string problem = "unknown key " + quoted(name);
      if (!guess.empty()) {
        fail(key.Mark(), path, problem,
             "did you mean \"" + std::string(guess) + "\"? (valid keys: " + join_keys(keys) + ")");
      }
      fail(key.Mark(), path, problem, "valid keys are " + join_keys(keys));
    }
    const auto [it, inserted] = first_line.try_emplace(name, line(key.Mark()));
    if (!inserted) duplicate_key(key, path, it->second);
    handle(name, YamlEntry{pair.first, pair.second});
  }
  for (const auto& k : keys) {
    if (k.required && !first_line.contains(std::string(k.name))) missing(map, path, k.name, keys);
  }
}

const std::string& FieldReader::scalar(const YamlEntry& entry, const std::string& path,
                                       std::string_view hint) const {
  const YAML::Node& value = entry.second;
  if (value.IsNull()) fail(entry.first.Mark(), path, "no value given", hint);
  if (!value.IsScalar()) fail(value.Mark(), path, "found " + describe(value), hint);
  return value.Scalar();
}

const YAML::Node& FieldReader::nonempty_list(const YamlEntry& entry, const std::string& path,
                                             std::string_view hint) const {
  const YAML::Node& list = entry.second;
  if (list.IsNull()) fail(entry.first.Mark(), path, "the list is empty", hint);
  if (!list.IsSequence()) fail(list.Mark(), path, "found " + describe(list), hint);
  if (list.size() == 0) fail(list.Mark(), path, "the list is empty", hint);
  return list;
}

void FieldReader::for_each_mapping(
    const YAML::Node& list, std::string_view name, std::string_view hint,
    const std::function<void(const YAML::Node& item, const std::string& path)>& read) const {
  std::size_t i = 0;
  for (const YAML::Node& item : list) {
    const std::string path = std::string(name) + "[" + std::to_string(i++) + "]";
    if (!item.IsMap()) fail(item.Mark(), path, "found " + describe(item), hint);
    read(item, path);
  }
}

std::string FieldReader::parse_name(const YamlEntry& entry, const std::string& path) const {
  const std::string& text = scalar(entry, path, kNameHint);
  const YAML::Mark mark = entry.second.Mark();
  if (text.empty()) fail(mark, path, "\"\" is empty", kNameHint);
  if (text.size() > kMaxNameLength) {
    fail(mark, path, quoted(text) + " is " + std::to_string(text.size()) + " characters long",
         kNameHint);
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!name_character(text[i])) {
      // The whole character, however many bytes it has ("\xc3" alone would be half of "ï").
      const std::size_t length = std::max<std::size_t>(decode_utf8(text, i).length, 1);
      fail(mark, path, quoted(text) + " contains " + quoted(text.substr(i, length)), kNameHint);
    }
  }
  return text;
}

std::string FieldReader::parse_text(const YamlEntry& entry, const std::string& path) const {
  if (entry.second.IsNull()) return "";  // "description:" with nothing after it
  std::string text = scalar(entry, path, kTextHint);
  // Folded and literal blocks (">" and "|") keep a final newline that nobody means.
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

RunDefaults FieldReader::parse_run(const YamlEntry& entry) const {
  RunDefaults run;
  const YAML::Node& map = entry.second;
  if (map.IsNull()) return run;
  if (!map.IsMap()) {
    fail(map.Mark(), "run", "found " + describe(map),
         "write a mapping with requests and/or seed, or leave run out");
  }
  walk(map, "run", kRunKeys, [&](const std::string& key, const YamlEntry& field) {
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

// The scalar's own text, not yaml-cpp's conversion: we need to see "%", reject "nan" and
// trailing garbage, and round "99.95%" once. Appending "e-2" to the digits divides by 100
// inside from_chars, which rounds the exact decimal correctly; dividing a double by 100
// afterwards would round twice and can miss by one ulp.
std::optional<double> parse_number_text(std::string_view text, NumberRange range,
                                        std::string* problem) {
  const auto refuse = [&](std::string why) -> std::optional<double> {
    if (problem != nullptr) *problem = std::move(why);
    return std::nullopt;
  };
  const bool percent = !text.empty() && text.back() == '%';
  std::string number =
      percent ? std::string(text.substr(0, text.size() - 1)) + "e-2" : std::string(text);
  if (percent && (number.empty() || number.front() == 'e')) number.clear();

  double value = 0;
  const char* last = number.data() + number.size();
  const auto [ptr, ec] = std::from_chars(number.data(), last, value);
  std::string word(text);
  std::erase_if(word, [](char c) { return c == '.' || c == '+' || c == '-'; });
  std::transform(word.begin(), word.end(), word.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  if (word == "nan") return refuse(quoted(text) + " is not a number (NaN)");
  if (word == "inf" || word == "infinity") return refuse(quoted(text) + " is infinite");
  if (text.empty()) return refuse("\"\" is empty");
  if (ec == std::errc::invalid_argument || ptr != last || number.empty()) {
    return refuse(quoted(text) + " is not a number");
  }
  // from_chars itself reads "nan(...)" and "infinity"; the checks above caught the usual
  // spellings with the clearer message, these catch the rest.
  if (std::isnan(value)) return refuse(quoted(text) + " is not a number (NaN)");
  if (std::isinf(value)) return refuse(quoted(text) + " is infinite");
  if (ec == std::errc::result_out_of_range) {
    return refuse(quoted(text) + " is too small or too large to represent");
  }
  if (range == NumberRange::probability) {
    const std::string_view interval = percent ? "[0%, 100%]" : "[0, 1]";
    if (!(value >= 0.0 && value <= 1.0)) {
      return refuse(quoted(text) + " is outside " + std::string(interval));
    }
  } else if (!(value >= 0.0)) {
    return refuse(quoted(text) + " is negative");
  }
  return value == 0.0 ? 0.0 : value;  // "-0" becomes +0, so output never shows "-0"
}

double FieldReader::parse_number(const YamlEntry& entry, const std::string& path,
                                 std::string_view hint, NumberRange range) const {
  std::string problem;
  const auto value = parse_number_text(scalar(entry, path, hint), range, &problem);
  if (!value) fail(entry.second.Mark(), path, problem, hint);
  return *value;
}

double FieldReader::parse_improvement_cost(const YamlEntry& entry, const std::string& path) const {
  constexpr std::string_view hint =
      "write the cost of one extra nine of this component as a positive number, such as 3 or 0.5";
  const std::string& text = scalar(entry, path, hint);
  if (!text.empty() && text.back() == '%')
    fail(entry.second.Mark(), path, quoted(text) + " is a percentage, not a cost", hint);
  const double cost = parse_number(entry, path, hint, NumberRange::non_negative);
  if (!(cost > 0)) fail(entry.second.Mark(), path, quoted(text) + " is not positive", hint);
  return cost;
}

std::optional<std::uint64_t> parse_whole_text(std::string_view text, std::uint64_t low,
                                              std::uint64_t high, std::string* problem) {
  const auto refuse = [&](std::string_view why) -> std::optional<std::uint64_t> {
    if (problem != nullptr) *problem = quoted(text) + " " + std::string(why);
    return std::nullopt;
  };
  std::uint64_t value = 0;
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), last, value);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != last)
    return refuse("is not a whole number");
  if (ec == std::errc::result_out_of_range || value > high)
    return refuse("is more than " + std::to_string(high));
  if (value < low) return refuse("is less than " + std::to_string(low));
  return value;
}

std::uint32_t FieldReader::parse_whole(const YamlEntry& entry, const std::string& path,
                                       std::uint32_t low, std::uint32_t high) const {
  const std::string hint =
      "write a whole number from " + std::to_string(low) + " to " + std::to_string(high);
  std::string problem;
  const auto value = parse_whole_text(scalar(entry, path, hint), low, high, &problem);
  if (!value) fail(entry.second.Mark(), path, problem, hint);
  return static_cast<std::uint32_t>(*value);
}

void FieldReader::claim_name(const std::string& name, const YAML::Mark& mark,
                             const std::string& path, std::map<std::string, int>& seen,
                             std::string_view what) const {
  const auto [it, inserted] = seen.try_emplace(name, line(mark));
  if (!inserted) {
    fail(mark, path,
         quoted(name) + " is used twice (first at line " + std::to_string(it->second) + ")",
         std::string(what) + " names must be unique");
  }
}

}  // namespace nines
