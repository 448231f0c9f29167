#pragma once
// What an input file (scenario or sweep, any format) may ask of the YAML reader, checked before
// yaml-cpp builds anything (yaml_document.hpp). Each limit is far above what a hand-written or
// generated service description needs and low enough that reading stays in seconds and a few
// hundred MB; README "Limits and safety" lists them with the model's own limits
// (structure_model.hpp, scenario.hpp, sweep_parser.hpp).
#include <cstddef>

namespace nines {

// The largest input file read: 16 MiB. Larger files (or endless ones such as /dev/zero) are
// refused after reading one byte more than this.
inline constexpr std::size_t kMaxInputBytes = std::size_t{16} << 20;

// Values (scalars, lists and mappings) in the document, counting each alias as a copy of what
// it names: what the parsers may visit. yaml-cpp 0.7 needs about 500 bytes per value, so this
// keeps the parsed document near 500 MB at worst, and it stops alias bombs ("billion laughs").
inline constexpr std::size_t kMaxYamlValues = 1'000'000;

// Lists and mappings nested inside each other, aliases expanded. Below yaml-cpp's own guard
// (500 calls deep, which it reports only as "bad file"), and deep enough for block expressions
// at their limit (kMaxBlockDepth levels, at most 3 YAML levels each).
inline constexpr std::size_t kMaxYamlDepth = 400;

}  // namespace nines
