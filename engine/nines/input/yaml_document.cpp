#include "nines/input/yaml_document.hpp"

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "nines/base/error.hpp"
#include "nines/input/input_limits.hpp"
#include "nines/input/utf8_text.hpp"

namespace nines {
namespace {

constexpr std::string_view kSyntaxHint =
    "check the indentation, colons and quotes on this line and the one before it";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// yaml-cpp marks are 0-based and -1 when unknown; ours are 1-based and 0 when unknown.
SourceLocation location_of(const std::string& file, const YAML::Mark& mark) {
  return SourceLocation{file, mark.line >= 0 ? mark.line + 1 : 0,
                        mark.column >= 0 ? mark.column + 1 : 0};
}

// Line and column (1-based, columns in bytes as yaml-cpp counts them) of a byte offset.
SourceLocation location_of(const std::string& file, std::string_view text, std::size_t at) {
  const std::string_view before = text.substr(0, at);
  const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
  const std::size_t line_start = before.rfind('\n');
  const std::size_t column = line_start == std::string_view::npos ? at : at - line_start - 1;
  return SourceLocation{file, line, static_cast<int>(column) + 1};
}

// --- step 1: the bytes -------------------------------------------------------------------------

// The encoding a byte-order mark or the NUL bytes of YAML's own detection rule (YAML 1.2,
// section 5.2: the first character of a YAML stream is ASCII) reveal; "" for none.
std::string_view other_encoding(std::string_view b) {
  const auto starts = [&](std::string_view prefix) { return b.substr(0, prefix.size()) == prefix; };
  using namespace std::string_view_literals;
  if (starts("\x00\x00\xFE\xFF"sv)) return "UTF-32 (big-endian, with a byte-order mark)";
  if (starts("\xFF\xFE\x00\x00"sv)) return "UTF-32 (little-endian, with a byte-order mark)";
  if (starts("\xFE\xFF"sv)) return "UTF-16 (big-endian, with a byte-order mark)";
  if (starts("\xFF\xFE"sv)) return "UTF-16 (little-endian, with a byte-order mark)";
  if (b.size() >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0)
    return "UTF-32 (big-endian)";
  if (b.size() >= 4 && b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0)
    return "UTF-32 (little-endian)";
  if (b.size() >= 2 && b[0] == 0 && b[1] != 0) return "UTF-16 (big-endian)";
  if (b.size() >= 2 && b[0] != 0 && b[1] == 0) return "UTF-16 (little-endian)";
  return "";
}

// The YAML character set (YAML 1.2, section 5.1): tab, line breaks and printable characters;
// other C0 controls, DEL, C1 controls (except NEL) and U+FFFE/U+FFFF are not allowed.
bool yaml_printable(char32_t c) {
  if (c == '\t' || c == '\n' || c == '\r' || c == 0x85) return true;
  if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) return false;
  return c != 0xFFFE && c != 0xFFFF;
}

// --- step 2: the document's shape -----------------------------------------------------------

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > std::numeric_limits<std::uint64_t>::max() - b
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}

// Counts the values of the first document as yaml-cpp reports them, aliases expanded, and
// refuses it as soon as a limit is passed: nothing is built, so nothing can grow first.
// Later documents are only located: where the second and third start decides between "a second
// document" and yaml-cpp issue 1040.
class ShapeCheck final : public YAML::EventHandler {
 public:
  explicit ShapeCheck(const std::string& file) : file_(file) {}

  // Call before each HandleNextDocument; only the first document is measured.
  void next_document() {
    measuring_ = documents_ == 0;
    anchors_.clear();
    open_.clear();
  }
  const YAML::Mark& start() const noexcept { return start_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    start_ = mark;
    ++documents_;
  }
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark&, const std::string& name) override { anchor_name_ = name; }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    leaf(mark, anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!measuring_) return;
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) return;  // yaml-cpp has already refused an unknown anchor
    const Anchored& target = it->second;
    if (target.open) {
      fail(mark,
           "the alias " + quoted_text("*" + target.name) + " is inside the node it names (" +
               quoted_text("&" + target.name) + " at line " + std::to_string(target.line) +
               "), so that node would contain itself without end",
           "an alias may only repeat a node that is complete before it");
    }
    count(mark, target.values, target.height);
    join(target.values, target.height);
  }

 private:
  struct Anchored {
    std::string name;
    int line = 0;
    bool open = true;
    std::uint64_t values = 1;  // values in the node, its aliases expanded
    std::size_t height = 0;    // lists and mappings nested in it, itself included
  };
  struct Open {
    YAML::anchor_t anchor;
    std::uint64_t values = 1;
    std::size_t child_height = 0;
  };

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& problem,
                         std::string_view hint) const {
    throw InputError(location_of(file_, mark), problem + "; " + std::string(hint));
  }

  // Counts `values` values reaching `height` levels below the current position, and stops the
  // parse at the first limit they pass.
  void count(const YAML::Mark& mark, std::uint64_t values, std::size_t height) {
    total_ = saturating_add(total_, values);
    if (total_ > kMaxYamlValues) {
      fail(mark,
           "the document holds more than " + std::to_string(kMaxYamlValues) +
               " values by here, counting each alias as a copy of what it names",
           "nines files need far fewer; use fewer aliases, or split a sweep into several files");
    }
    if (open_.size() + height > kMaxYamlDepth) {
      fail(mark,
           "lists and mappings are nested more than " + std::to_string(kMaxYamlDepth) +
               " levels deep here, counting each alias as a copy of what it names",
           "nines files need only a few levels; nest less deeply");
    }
  }

  // A finished value of `values` values and `height` levels joins the list or mapping it is in.
  void join(std::uint64_t values, std::size_t height) {
    if (open_.empty()) return;
    open_.back().values = saturating_add(open_.back().values, values);
    open_.back().child_height = std::max(open_.back().child_height, height);
  }

  void remember(YAML::anchor_t anchor, const YAML::Mark& mark, bool open, std::uint64_t values,
                std::size_t height) {
    if (anchor == YAML::NullAnchor) return;
    Anchored& a = anchors_[anchor];
    if (!anchor_name_.empty()) {
      a.name = std::move(anchor_name_);
      anchor_name_.clear();
      a.line = mark.line + 1;
    }
    a.open = open;
    a.values = values;
    a.height = height;
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (!measuring_) return;
    count(mark, 1, 0);
    join(1, 0);
    remember(anchor, mark, false, 1, 0);
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (!measuring_) return;
    count(mark, 1, 1);  // before its contents, so that a limit stops the parse here
    remember(anchor, mark, true, 1, 1);
    open_.push_back(Open{anchor});
  }

  void close() {
    if (!measuring_) return;
    const Open done = open_.back();
    open_.pop_back();
    join(done.values, done.child_height + 1);
    remember(done.anchor, YAML::Mark(), false, done.values, done.child_height + 1);
  }

  const std::string& file_;
  bool measuring_ = false;
  int documents_ = 0;
  YAML::Mark start_;
  std::uint64_t total_ = 0;
  std::vector<Open> open_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  std::string anchor_name_;
};

// --- yaml-cpp's messages ---------------------------------------------------------------------

// A yaml-cpp error as a message of ours: its text made printable, and the few messages that
// would mislead said plainly.
InputError syntax_error(const std::string& file, std::string_view text, const YAML::Mark& mark,
                        const std::string& message) {
  const SourceLocation where = location_of(file, mark);
  const std::size_t at = mark.pos >= 0 ? static_cast<std::size_t>(mark.pos) : text.size();
  std::string what;
  constexpr std::string_view kEscape = "unknown escape character: ";
  if (message.rfind(kEscape, 0) == 0 && at >= 2 && at <= text.size() && text[at - 2] == '\\') {
    // yaml-cpp reads one byte after the backslash and shows only that: half of a multi-byte
    // character, or a raw control character. Show the whole character, escaped if need be.
    const Utf8Char c = decode_utf8(text, at - 1);
    what = "\"\\\" followed by " +
           quoted_text(text.substr(at - 1, std::max<std::size_t>(c.length, 1))) +
           " is not a YAML escape sequence; inside double quotes write \\\\ for a backslash, or "
           "use single quotes";
    return InputError(where, "YAML syntax error: " + what);
  }
  const bool unplaced = message == "end of map not found" ||
                        message == "end of sequence not found" || message == "bad file";
  if (unplaced && at < text.size() && (text[at] == ',' || text[at] == ']' || text[at] == '}')) {
    what = "unexpected " + quoted_text(text.substr(at, 1));
  } else if (message == "bad file") {
    what = "the YAML reader gave up here (yaml-cpp: \"bad file\")";
  } else {
    for (std::size_t i = 0; i < message.size();) {
      std::size_t length = 0;
      what += show_character(message, i, &length);
      i += length;
    }
  }
  return InputError(where, "YAML syntax error: " + what + "; " + std::string(kSyntaxHint));
}

// A token yaml-cpp could not place, at the start of a document that consumed nothing.
InputError unexpected_token(const std::string& file, std::string_view text,
                            const YAML::Mark& mark) {
  const std::size_t at = mark.pos >= 0 ? static_cast<std::size_t>(mark.pos) : text.size();
  const std::string token =
      at < text.size()
          ? quoted_text(text.substr(at, std::max<std::size_t>(decode_utf8(text, at).length, 1)))
          : "end of file";
  return InputError(location_of(file, mark),
                    "YAML syntax error: unexpected " + token + "; " + std::string(kSyntaxHint));
}

}  // namespace

std::string_view checked_input_text(std::string_view bytes, const std::string& source_path) {
  const SourceLocation file{source_path, 0, 0};
  if (bytes.size() > kMaxInputBytes) {
    throw InputError(file, "the file is larger than " + std::to_string(kMaxInputBytes) +
                               " bytes (16 MiB), the most nines reads; a scenario or sweep "
                               "file needs far less");
  }
  const std::string_view encoding = other_encoding(bytes);
  if (!encoding.empty()) {
    throw InputError(file, "the file is " + std::string(encoding) +
                               " text; nines reads UTF-8 only: convert it, e.g. with iconv -t "
                               "UTF-8, and save it as UTF-8");
  }
  std::string_view text = bytes;
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Char c = decode_utf8(text, i);
    if (c.length == 0) {
      std::size_t length = 0;
      throw InputError(location_of(source_path, text, i),
                       "the byte " + show_character(text, i, &length) +
                           " is not UTF-8; nines reads UTF-8 text only: save the file as UTF-8");
    }
    if (!yaml_printable(c.code_point)) {
      std::size_t length = 0;
      const std::string shown = show_character(text, i, &length);
      throw InputError(
          location_of(source_path, text, i),
          (c.code_point == 0 ? std::string("a NUL byte (\\0)") : "the control character " + shown) +
              " is not allowed in a YAML file; remove it, or write it as an escape "
              "such as \"\\t\" inside double quotes");
    }
    i += c.length;
  }
  return text;
}

YAML::Node single_document(std::string_view text, const std::string& source_path,
                           std::string_view what, std::string_view needs) {
  const std::string body(checked_input_text(text, source_path));
  ShapeCheck check(source_path);
  std::optional<YAML::Mark> second;
  try {
    std::istringstream in(body);
    YAML::Parser parser(in);
    std::vector<YAML::Mark> starts;
    while (starts.size() < 3) {
      check.next_document();
      if (!parser.HandleNextDocument(check)) break;
      starts.push_back(check.start());
      const std::size_t n = starts.size();
      // yaml-cpp issue 1040: a document that consumed nothing; the next ones would not either.
      if (n >= 2 && starts[n - 1].pos == starts[n - 2].pos)
        throw unexpected_token(source_path, body, starts[n - 1]);
    }
    if (starts.empty()) {
      throw InputError(
          SourceLocation{source_path, 0, 0},
          "the file has no YAML content; a " + std::string(what) + " needs " + std::string(needs));
    }
    if (starts.size() > 1) second = starts[1];
  } catch (const YAML::Exception& e) {
    throw syntax_error(source_path, body, e.mark, e.msg);
  }
  if (second) {
    throw InputError(
        location_of(source_path, *second),
        "a second YAML document starts here; put one " + std::string(what) + " in each file");
  }
  try {
    return YAML::Load(body);
  } catch (const YAML::Exception& e) {
    throw syntax_error(source_path, body, e.mark, e.msg);
  }
}

}  // namespace nines
