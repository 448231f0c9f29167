// The field readers every parser shares: one message shape,
//   <file>:<line>:<column>: <key path>: <what is wrong>; <what would be valid>
// located at the value for bad values and at the key for bad keys.
#include "nines/input/yaml_fields.hpp"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "nines/base/error.hpp"

using nines::FieldReader;
using nines::YamlEntry;
using nines::YamlKey;

namespace {

// The message of the InputError `action` throws ("" if it throws none).
std::string message_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const nines::InputError& e) {
    return e.what();
  }
  return "";
}

// The entry `key` of mapping `map`.
YamlEntry entry(const YAML::Node& map, const std::string& key) {
  for (const auto& pair : map)
    if (pair.first.Scalar() == key) return {pair.first, pair.second};
  FAIL("no key " << key);
  return {};
}

const std::vector<YamlKey> kKeys{{"name", true}, {"reliability", true}, {"note", false}};

}  // namespace

TEST_CASE("walk visits entries in file order", "[yaml_fields]") {
  const YAML::Node map = YAML::Load("note: x\nname: a\nreliability: 0.9\n");
  std::vector<std::string> seen;
  FieldReader("f.yaml").walk(
      map, "components[0]", kKeys,
      [&](const std::string& key, const YamlEntry&) { seen.push_back(key); });
  CHECK(seen == std::vector<std::string>{"note", "name", "reliability"});
}

TEST_CASE("walk reports unknown, misspelt, repeated and missing keys where they are",
          "[yaml_fields]") {
  const FieldReader reader("f.yaml");
  const auto ignore = [](const std::string&, const YamlEntry&) {};
  CHECK(message_of([&] {
          reader.walk(YAML::Load("name: a\nreliabilty: 0.9\n"), "components[0]", kKeys, ignore);
        }) ==
        "f.yaml:2:1: components[0]: unknown key \"reliabilty\"; did you mean "
        "\"reliability\"? (valid keys: name, reliability, note)");
  CHECK(message_of([&] {
          reader.walk(YAML::Load("name: a\nzzzzzzzzzz: 1\n"), "c", kKeys, ignore);
        }) == "f.yaml:2:1: c: unknown key \"zzzzzzzzzz\"; valid keys are name, reliability, note");
  CHECK(message_of([&] {
          reader.walk(YAML::Load("name: a\nreliability: 0.9\nname: b\n"), "c", kKeys, ignore);
        }) == "f.yaml:3:1: c: key \"name\" appears twice (first at line 1); keep only one of them");
  CHECK(message_of([&] { reader.walk(YAML::Load("name: a\nnote: n\n"), "c", kKeys, ignore); }) ==
        "f.yaml:1:1: c: missing required key \"reliability\"; required keys here are name, "
        "reliability");
  CHECK(message_of([&] { reader.walk(YAML::Load("[a]: 1\n"), "c", kKeys, ignore); }) ==
        "f.yaml:1:1: c: a key is a list; keys are plain names: name, reliability, note");
}

TEST_CASE("an unknown key is reported before a missing one, in file order", "[yaml_fields]") {
  const FieldReader reader("f.yaml");
  std::vector<std::string> seen;
  const std::string message = message_of([&] {
    reader.walk(YAML::Load("note: x\nbogus: 1\n"), "c", kKeys,
                [&](const std::string& key, const YamlEntry&) { seen.push_back(key); });
  });
  CHECK(seen == std::vector<std::string>{"note"});
  CHECK(message.starts_with("f.yaml:2:1: c: unknown key \"bogus\""));
}

TEST_CASE("a prefix starts every key path of a section of another file", "[yaml_fields]") {
  const FieldReader reader("s.yaml", "scenario");
  CHECK(message_of([&] {
          reader.walk(YAML::Load("name: a\n"), "components[1]", kKeys,
                      [](const std::string&, const YamlEntry&) {});
        }) ==
        "s.yaml:1:1: scenario.components[1]: missing required key \"reliability\"; "
        "required keys here are name, reliability");
  CHECK(message_of([&] { reader.fail(YAML::Mark::null_mark(), "", "bad", "fix it"); }) ==
        "s.yaml: scenario: bad; fix it");
}

TEST_CASE("scalar returns the text or says what was found instead", "[yaml_fields]") {
  const FieldReader reader("f.yaml");
  const YAML::Node map = YAML::Load("a: text\nb:\nc: [1, 2]\nd: {x: 1}\n");
  CHECK(reader.scalar(entry(map, "a"), "a", "hint") == "text");
  // An empty value is reported at its key: yaml-cpp marks it at the next token.
  CHECK(message_of([&] { reader.scalar(entry(map, "b"), "b", "write text"); }) ==
        "f.yaml:2:1: b: no value given; write text");
  CHECK(message_of([&] { reader.scalar(entry(map, "c"), "c", "write text"); }) ==
        "f.yaml:3:4: c: found a list; write text");
  CHECK(message_of([&] { reader.scalar(entry(map, "d"), "d", "write text"); }) ==
        "f.yaml:4:4: d: found a mapping; write text");
}

TEST_CASE("nonempty_list refuses absent, empty and non-list values", "[yaml_fields]") {
  const FieldReader reader("f.yaml");
  const YAML::Node map = YAML::Load("a: [1]\nb:\nc: []\nd: x\n");
  CHECK(reader.nonempty_list(entry(map, "a"), "a", "h").size() == 1);
  CHECK(message_of([&] { reader.nonempty_list(entry(map, "b"), "b", "h"); }) ==
        "f.yaml:2:1: b: the list is empty; h");
  CHECK(message_of([&] { reader.nonempty_list(entry(map, "c"), "c", "h"); }) ==
        "f.yaml:3:4: c: the list is empty; h");
  CHECK(message_of([&] { reader.nonempty_list(entry(map, "d"), "d", "h"); }) ==
        "f.yaml:4:4: d: found the text \"x\"; h");
}

TEST_CASE("for_each_mapping names each item by index and stops at the first non-mapping",
          "[yaml_fields]") {
  const FieldReader reader("f.yaml");
  const YAML::Node list = YAML::Load("- {name: a}\n- {name: b}\n- 7\n- {name: c}\n");
  std::vector<std::string> paths;
  const std::string message = message_of([&] {
    reader.for_each_mapping(list, "components", "write a mapping",
                            [&](const YAML::Node& item, const std::string& path) {
                              paths.push_back(path + "=" + item["name"].Scalar());
                            });
  });
  CHECK(paths == std::vector<std::string>{"components[0]=a", "components[1]=b"});
  CHECK(message == "f.yaml:3:3: components[2]: found the text \"7\"; write a mapping");
}

TEST_CASE("parse_whole reads whole numbers in a range and says which bound is broken",
          "[yaml_fields]") {
  const FieldReader reader("f.yaml");
  const YAML::Node map =
      YAML::Load("a: 3\nb: 0\nc: 11\nd: 2.5\ne: 99999999999999999999999\nf: -1\n");
  CHECK(reader.parse_whole(entry(map, "a"), "a", 1, 10) == 3);
  CHECK(message_of([&] { reader.parse_whole(entry(map, "b"), "b", 1, 10); }) ==
        "f.yaml:2:4: b: \"0\" is less than 1; write a whole number from 1 to 10");
  CHECK(message_of([&] { reader.parse_whole(entry(map, "c"), "c", 1, 10); }) ==
        "f.yaml:3:4: c: \"11\" is more than 10; write a whole number from 1 to 10");
  CHECK(message_of([&] { reader.parse_whole(entry(map, "d"), "d", 1, 10); }) ==
        "f.yaml:4:4: d: \"2.5\" is not a whole number; write a whole number from 1 to 10");
  CHECK(message_of([&] { reader.parse_whole(entry(map, "e"), "e", 1, 10); }) ==
        "f.yaml:5:4: e: \"99999999999999999999999\" is more than 10; write a whole number from 1 "
        "to 10");
  CHECK(message_of([&] { reader.parse_whole(entry(map, "f"), "f", 1, 10); }) ==
        "f.yaml:6:4: f: \"-1\" is not a whole number; write a whole number from 1 to 10");
}

TEST_CASE("parse_whole_text and parse_number_text report the quoted text", "[yaml_fields]") {
  std::string problem;
  CHECK(nines::parse_whole_text("18446744073709551615", 0, UINT64_MAX, &problem) == UINT64_MAX);
  CHECK_FALSE(nines::parse_whole_text("18446744073709551616", 0, UINT64_MAX, &problem));
  CHECK(problem == "\"18446744073709551616\" is more than 18446744073709551615");
  CHECK_FALSE(nines::parse_whole_text("", 0, 5, &problem));
  CHECK(problem == "\"\" is not a whole number");

  CHECK(*nines::parse_number_text("99.9%", nines::NumberRange::probability, &problem) ==
        Approx(0.999).epsilon(1e-15));
  CHECK(nines::parse_number_text("0.25", nines::NumberRange::probability, &problem) == 0.25);
  CHECK_FALSE(nines::parse_number_text("1.5", nines::NumberRange::probability, &problem));
  CHECK(problem == "\"1.5\" is outside [0, 1]");
  CHECK_FALSE(nines::parse_number_text("150%", nines::NumberRange::probability, &problem));
  CHECK(problem == "\"150%\" is outside [0%, 100%]");
  CHECK(nines::parse_number_text("7", nines::NumberRange::non_negative, &problem) == 7);
  CHECK_FALSE(nines::parse_number_text("-1", nines::NumberRange::non_negative, &problem));
  CHECK(problem == "\"-1\" is negative");
  CHECK_FALSE(nines::parse_number_text("nan", nines::NumberRange::non_negative, &problem));
  CHECK(problem == "\"nan\" is not a number (NaN)");
  CHECK_FALSE(nines::parse_number_text("0.5x", nines::NumberRange::probability, &problem));
  CHECK(problem == "\"0.5x\" is not a number");
}

TEST_CASE("claim_name refuses a second use of a name, citing the first line", "[yaml_fields]") {
  const FieldReader reader("f.yaml");
  const YAML::Node list = YAML::Load("- name: api\n- name: db\n- name: api\n");
  std::map<std::string, int> seen;
  reader.claim_name("api", list[0]["name"].Mark(), "components[0].name", seen, "component");
  reader.claim_name("db", list[1]["name"].Mark(), "components[1].name", seen, "component");
  CHECK(seen == std::map<std::string, int>{{"api", 1}, {"db", 2}});
  CHECK(message_of([&] {
          reader.claim_name("api", list[2]["name"].Mark(), "components[2].name", seen, "component");
        }) ==
        "f.yaml:3:9: components[2].name: \"api\" is used twice (first at line 1); component "
        "names must be unique");
}

TEST_CASE("parse_name says which naming rule is broken", "[yaml_fields]") {
  const FieldReader reader("f.yaml");
  const YAML::Node map = YAML::Load("a: good-name_1.x\nb: \"\"\nc: has space\n");
  CHECK(reader.parse_name(entry(map, "a"), "a") == "good-name_1.x");
  CHECK(message_of([&] {
          reader.parse_name(entry(map, "b"), "b");
        }).starts_with("f.yaml:2:4: b: \"\" is empty; use only letters"));
  CHECK(message_of([&] {
          reader.parse_name(entry(map, "c"), "c");
        }).starts_with("f.yaml:3:4: c: \"has space\" contains \" \"; use only letters"));
  CHECK(nines::valid_name(std::string(100, 'a')));
  CHECK_FALSE(nines::valid_name(std::string(101, 'a')));
}
