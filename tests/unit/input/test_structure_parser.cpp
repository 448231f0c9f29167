// Format-2 scenarios: what the parser builds from valid files, and every file in
// tests/invalid_v2/ rejected with the exact message on its first line ("# expect: ...",
// "{file}" standing for the path), loaded the way the CLI loads it (version peek first).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/input_errors.hpp"
#include "nines/base/error.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/input/scenario_parser.hpp"
#include "nines/input/structure_parser.hpp"

namespace {

const auto& error_of = nines::test::structure_error_of;
using nines::test::expected_message;

}  // namespace

TEST_CASE("structure files: replicas, blocks, kinds and common causes", "[structure]") {
  const auto m = nines::parse_structure_model(R"(format_version: 2
name: shop
run: {requests: 5M, seed: 9}
components:
  - {name: lb, reliability: "99.99%"}
  - {name: api, reliability: 0.999, replicas: 3}
  - {name: db, reliability: 0.9995, replicas: 3, required: 2, retries: 1}
blocks:
  backend: [api, db]
request_kinds:
  - {name: browse, weight: 3, path: [lb, backend]}
  - {name: admin, weight: 1, retries: 2, path: {parallel: ["api[1]", db]}}
common_cause:
  - {name: zone-a, probability: 1e-4, takes_down: ["api[1]", "db[1]", lb]}
)",
                                              "t.yaml");
  CHECK(m.format_version == 2);
  CHECK(m.name == "shop");
  CHECK(*m.defaults.requests == 5'000'000);
  REQUIRE(m.components.size() == 7);
  CHECK(m.components[0].name == "lb");
  CHECK(m.components[0].reliability == 0.9999);
  CHECK(m.components[1].name == "api[1]");
  CHECK(m.components[3].name == "api[3]");
  CHECK(m.components[3].declaration == "api");
  CHECK(m.components[3].replica == 3);
  CHECK(m.components[6].name == "db[3]");
  CHECK(m.components[6].retries == 1);
  CHECK(m.declarations[2].required == 2);
  REQUIRE(m.kinds.size() == 2);
  const auto names = m.component_names();
  CHECK(nines::to_string(m.kinds[0].path, names) ==
        "series(lb, series(parallel(api[1], api[2], api[3]), 2-of-3(db[1], db[2], db[3])))");
  CHECK(nines::to_string(m.kinds[1].path, names) ==
        "parallel(api[1], 2-of-3(db[1], db[2], db[3]))");
  CHECK(m.kinds[1].retries == 2);
  CHECK(m.total_weight() == 4);
  REQUIRE(m.common_causes.size() == 1);
  CHECK(m.common_causes[0].takes_down == std::vector<std::uint32_t>{0, 1, 4});
}

TEST_CASE("a structure file without request_kinds is the chain of its components", "[structure]") {
  const auto m = nines::parse_structure_model(
      "format_version: 2\nname: c\ncomponents:\n  - {name: a, reliability: 0.9}\n"
      "  - {name: b, reliability: 0.8, replicas: 2}\n",
      "t.yaml");
  REQUIRE(m.kinds.size() == 1);
  CHECK(m.kinds[0].name == "request");
  CHECK(nines::to_string(m.kinds[0].path, m.component_names()) ==
        "series(a, parallel(b[1], b[2]))");
  const nines::StructureAnalytics a(m);
  CHECK(a.reliability() == Approx(0.9 * (1 - 0.2 * 0.2)).margin(1e-15));
}

TEST_CASE("the version peek routes files and keeps v1 messages", "[structure]") {
  CHECK(nines::peek_format_version("format_version: 2\nname: x\n", "t.yaml") == 2);
  CHECK(nines::peek_format_version("format_version: 1\n", "t.yaml") == 1);
  // No version: left to the chain parser, which reports it in its own order.
  CHECK(nines::peek_format_version("name: x\n", "t.yaml") == 1);
  CHECK(error_of("format_version: 1\nname: x\n") ==
        "t.yaml:1:17: format_version: \"1\" is a chain scenario, not a structure (format 2); read "
        "it with load_scenario (nines run and nines validate read both)");
}

TEST_CASE("every invalid structure is rejected with its expected message", "[structure][invalid]") {
  const std::string dir = NINES_SOURCE_DIR "/tests/invalid_v2/";
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() >= 20);
  for (const auto& name : names) {
    const std::string path = dir + name;
    INFO("file: " << path);
    std::string actual = "<loaded without error>";
    try {
      const std::string text = nines::read_scenario_file(path);
      if (nines::peek_format_version(text, path) == 2) {
        nines::parse_structure_model(text, path);
      } else {
        actual = "<routed to the chain parser>";
      }
    } catch (const nines::InputError& e) {
      actual = e.what();
    }
    CHECK(actual == expected_message(path));
  }
}

TEST_CASE("every shipped structure scenario loads, and the essay's figures hold", "[structure]") {
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(NINES_SOURCE_DIR "/scenarios")) {
    if (e.path().extension() != ".yaml") continue;
    const std::string path = e.path().string();
    if (nines::peek_format_version(nines::read_scenario_file(path), path) == 2)
      paths.push_back(path);
  }
  REQUIRE(paths.size() >= 3);
  for (const auto& path : paths) {
    INFO("file: " << path);
    CHECK_NOTHROW(nines::StructureAnalytics(nines::load_structure_model(path)));
  }
  // The header comment of essay-app-redundant.yaml quotes these.
  const auto m =
      nines::load_structure_model(NINES_SOURCE_DIR "/scenarios/essay-app-redundant.yaml");
  const nines::StructureAnalytics a(m);
  const double api = 1 - std::pow(1 - 0.999, 3);
  const double p = 0.9995, db = 3 * p * p - 2 * p * p * p;
  CHECK(api == Approx(0.999999999).epsilon(1e-12));
  CHECK(db == Approx(0.99999925).epsilon(1e-9));
  CHECK(a.reliability() ==
        Approx(0.995 * 0.9999 * api * db * 0.9995 * 0.999 * 0.998 * 0.995).epsilon(1e-12));
}

// --- limits: every input from issue 14 that crashed or never finished, and each limit just
// under and just over (structure_model.hpp: kMaxBlockDepth, kMaxBlockNodes) --------------------

namespace {

const std::string kHead =
    "format_version: 2\nname: d\ncomponents:\n  - {name: x, reliability: 0.9}\n"
    "  - {name: y, reliability: 0.8}\nblocks:\n";

// blocks d1..dn, each `shape` around the one before it (d0 is the component x).
std::string chain_of_blocks(int n, const std::vector<std::string>& shapes) {
  std::string text = kHead;
  for (int i = 1; i <= n; ++i) {
    std::string prev = i == 1 ? "x" : "d" + std::to_string(i - 1);
    std::string shape = shapes[static_cast<std::size_t>(i) % shapes.size()];
    shape.replace(shape.find('@'), 1, prev);
    text += "  d" + std::to_string(i) + ": " + shape + "\n";
  }
  return text;
}

std::string repeat(const std::string& item, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += (i ? ", " : "") + item;
  return out;
}

const std::string kTooDeep =
    " levels deep once its named blocks and replicas are expanded; nest at most 100 levels (a "
    "series inside a series is the same series: flatten them)";

}  // namespace

TEST_CASE("named blocks nest at most kMaxBlockDepth levels, checked without recursion",
          "[structure][limits]") {
  static_assert(nines::kMaxBlockDepth == 100);
  // d_i is i + 1 levels deep (x is one level): d99 is at the limit, d100 over it.
  const std::string at_limit = chain_of_blocks(99, {"[@]"});
  CHECK(error_of(at_limit + "request_kinds:\n  - {name: r, path: d99}\n") == "<no error>");
  const auto m = nines::parse_structure_model(
      at_limit + "request_kinds:\n  - {name: r, path: d99}\n", "t.yaml");
  CHECK(nines::CompiledBlock(m.kinds[0].path).size() == 1);
  CHECK(error_of(at_limit + "request_kinds:\n  - {name: r, path: [d99]}\n") ==
        "t.yaml:107:21: request_kinds[0].path: the path nests 101" + kTooDeep);
  CHECK(error_of(chain_of_blocks(100, {"[@]"})) ==
        "t.yaml:106:3: blocks.d100: this block nests 101" + kTooDeep);
  // Issue 14: 10,000 levels crashed validate and run; 4,000 mixed levels too. The first block
  // past the limit is named, whatever order the blocks are listed in.
  CHECK(error_of(chain_of_blocks(10'000, {"[@]"}) +
                 "request_kinds:\n  - {name: r, path: d10000}\n") ==
        "t.yaml:106:3: blocks.d100: this block nests 101" + kTooDeep);
  const std::vector<std::string> mixed = {"{series: [@, y]}", "{parallel: [y, @]}",
                                          "{k_of_n: {k: 1, of: [@, x]}}", "[@]"};
  CHECK(error_of(chain_of_blocks(4'000, mixed)) ==
        "t.yaml:106:3: blocks.d100: this block nests 101" + kTooDeep);
  std::string reversed = kHead;
  for (int i = 10'000; i >= 1; --i)
    reversed +=
        "  d" + std::to_string(i) + ": [" + (i == 1 ? "x" : "d" + std::to_string(i - 1)) + "]\n";
  CHECK(error_of(reversed) == "t.yaml:9907:3: blocks.d100: this block nests 101" + kTooDeep);
  // Nesting written out in the path counts the same way.
  const auto nested = [](int levels) {
    return std::string(static_cast<std::size_t>(levels), '[') + "x" +
           std::string(static_cast<std::size_t>(levels), ']');
  };
  CHECK(error_of(kHead + "  b: " + nested(99) + "\n") == "<no error>");
  CHECK(error_of(kHead + "  b: " + nested(100) + "\n") ==
        "t.yaml:7:3: blocks.b: this block nests 101" + kTooDeep);
  // Names that only rename each other add no level, however many there are.
  std::string renames = kHead + "  r1: x\n";
  for (int i = 2; i <= 10'000; ++i)
    renames += "  r" + std::to_string(i) + ": r" + std::to_string(i - 1) + "\n";
  const auto r = nines::parse_structure_model(
      renames + "request_kinds:\n  - {name: r, path: [r10000, y]}\n", "t.yaml");
  CHECK(nines::to_string(r.kinds[0].path, r.component_names()) == "series(x, y)");
}

TEST_CASE("block references are counted before expanding, at most kMaxBlockNodes",
          "[structure][limits]") {
  static_assert(nines::kMaxBlockNodes == 1'000'000);
  // Issue 14's block bomb: b40 would expand to 2^41 - 1 nodes. b19 (2^20 - 1) is the first
  // block over the limit.
  std::string bomb = kHead + "  b0: x\n";
  for (int i = 1; i <= 40; ++i) {
    const std::string prev = "b" + std::to_string(i - 1);
    bomb += "  b" + std::to_string(i) + ": [" + prev + ", " + prev + "]\n";
  }
  const std::string over =
      " blocks and component references once its named blocks and replicas are expanded; the "
      "paths of all request kinds may hold at most 1000000 together; refer to large blocks "
      "fewer times";
  CHECK(error_of(bomb + "request_kinds:\n  - {name: r, path: b40}\n") ==
        "t.yaml:26:3: blocks.b19: this block expands to 1048575" + over);
  // One path of exactly 1,000,000 nodes, and of one more: k1 is 1,000 nodes (a series of 999).
  const std::string k1 = kHead + "  k1: [" + repeat("x", 999) + "]\nrequest_kinds:\n";
  const std::string at_limit = "[" + repeat("k1", 999) + ", " + repeat("y", 999);
  const auto m =
      nines::parse_structure_model(k1 + "  - name: r\n    path: " + at_limit + "]\n", "t.yaml");
  std::size_t nodes = 0;
  std::vector<const nines::Block*> stack{&m.kinds[0].path};
  while (!stack.empty()) {
    const nines::Block* b = stack.back();
    stack.pop_back();
    ++nodes;
    for (const auto& child : b->children) stack.push_back(&child);
  }
  CHECK(nodes == 1'000'000);
  CHECK(error_of(k1 + "  - name: r\n    path: " + at_limit + ", y]\n") ==
        "t.yaml:10:11: request_kinds[0].path: the path expands to 1000001" + over);
  // Over several kinds: 499,500 + 499,500 + 1,001 nodes.
  const std::string half = "[" + repeat("k1", 499) + ", " + repeat("y", 499) + "]";
  CHECK(error_of(k1 + "  - {name: a, path: " + half + "}\n  - {name: b, path: " + half +
                 "}\n  - {name: c, path: [k1]}\n") ==
        "t.yaml:11:21: request_kinds[2].path: with this path, the request kinds' paths hold "
        "1000001 blocks and component references in all once named blocks and replicas are "
        "expanded; the paths of all request kinds may hold at most 1000000 together; refer to "
        "large blocks fewer times");
}

TEST_CASE("cycles of any length are found without recursion", "[structure][limits]") {
  std::string text = kHead + "  d0: [d9999]\n";
  for (int i = 1; i < 10'000; ++i)
    text += "  d" + std::to_string(i) + ": [d" + std::to_string(i - 1) + "]\n";
  CHECK(error_of(text) ==
        "t.yaml:8:8: blocks.d1[0]: \"d0\" refers back to itself (d0 -> d9999 -> d9998 -> "
        "d9997 -> ... 9993 more -> d3 -> d2 -> d1 -> d0); a block cannot contain itself; break "
        "the cycle");
}

TEST_CASE("issue 14 regressions: self-referencing aliases and a huge k", "[structure][limits]") {
  const std::string head =
      "format_version: 2\nname: d\ncomponents:\n  - {name: a, reliability: 0.9}\n";
  CHECK(error_of(head + "request_kinds:\n  - name: r\n    path: &q [a, *q]\n") ==
        "t.yaml:7:18: the alias \"*q\" is inside the node it names (\"&q\" at line 7), so that "
        "node would contain itself without end; an alias may only repeat a node that is "
        "complete before it");
  CHECK(error_of(head + "blocks:\n  x: &q [a, *q]\n") ==
        "t.yaml:6:13: the alias \"*q\" is inside the node it names (\"&q\" at line 6), so that "
        "node would contain itself without end; an alias may only repeat a node that is "
        "complete before it");
  // A finished alias is fine in a path.
  const auto m = nines::parse_structure_model(
      head + "blocks:\n  x: &q [a, a]\nrequest_kinds:\n  - {name: r, path: [*q, *q]}\n", "t.yaml");
  CHECK(nines::to_string(m.kinds[0].path, m.component_names()) ==
        "series(series(a, a), series(a, a))");
  CHECK(error_of(head + "request_kinds:\n  - {name: r, path: {k_of_n: {k: "
                        "99999999999999999999999, of: [a]}}}\n") ==
        "t.yaml:6:34: request_kinds[0].path.k_of_n.k: \"99999999999999999999999\" is larger "
        "than the 1 blocks listed in of; write a whole number from 1 to 1");
}
