#pragma once
// "Did you mean ...?" for unknown keys and flags: the one place that guesses what a typo meant.
#include <cstddef>
#include <string_view>
#include <vector>

namespace nines {

// Levenshtein distance (insert, delete, substitute), ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate a typo most likely meant: close in edit distance (scaled to the typo's length,
// so "foo" does not become "run"), or, failing that, a candidate it abbreviates ("desc").
// Empty when nothing is close.
std::string_view closest_spelling(std::string_view word,
                                  const std::vector<std::string_view>& candidates);

}  // namespace nines
