// The one list of comparison and unit field names every output uses: each field once, in a
// fixed order, with the member's value and its integer or real type, the same for a chain's
// Summary and a structure's KindSummary.
#include "nines/summary/summary_fields.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "nines/summary/structure_summary.hpp"
#include "nines/summary/summary.hpp"

namespace {

struct Field {
  std::string name;
  char type;  // 'u' std::uint64_t, 'i' std::int64_t, 'd' double
  double value;
};

struct Collect {
  std::vector<Field>* out;
  template <class T>
  void operator()(std::string_view name, T value) const {
    static_assert(std::is_same_v<T, std::uint64_t> || std::is_same_v<T, std::int64_t> ||
                  std::is_same_v<T, double>);
    const char type = std::is_same_v<T, std::uint64_t>  ? 'u'
                      : std::is_same_v<T, std::int64_t> ? 'i'
                                                        : 'd';
    out->push_back({std::string(name), type, static_cast<double>(value)});
  }
};

// Distinct values in every compared member, so a field reading the wrong member shows.
template <class S>
S numbered() {
  S s;
  s.failures = 1;
  s.reliability_empirical = 2;
  s.reliability_analytic = 3;
  s.unreliability_empirical = 4;
  s.unreliability_analytic = 5;
  s.reliability_ci.low = 6;
  s.reliability_ci.high = 7;
  s.z_score = 8;
  s.z_p_value = 9;
  s.reliability_p_value = 10;
  s.attribution.statistic = 11;
  s.attribution.dof = 12;
  s.attribution.p_value = 13;
  return s;
}

template <class S>
std::vector<Field> comparison_fields(const S& s) {
  std::vector<Field> out;
  nines::for_each_comparison_field(s, Collect{&out});
  return out;
}

const std::vector<std::pair<std::string, char>> kComparison{
    {"failures", 'u'},
    {"reliability_empirical", 'd'},
    {"reliability_analytic", 'd'},
    {"unreliability_empirical", 'd'},
    {"unreliability_analytic", 'd'},
    {"reliability_ci_low", 'd'},
    {"reliability_ci_high", 'd'},
    {"z_score", 'd'},
    {"z_p_value", 'd'},
    {"reliability_p_value", 'd'},
    {"attribution_chi2", 'd'},
    {"attribution_dof", 'i'},
    {"attribution_p_value", 'd'},
};

template <class S>
void check_comparison(const S& s) {
  const auto fields = comparison_fields(s);
  REQUIRE(fields.size() == kComparison.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    INFO(fields[i].name);
    CHECK(fields[i].name == kComparison[i].first);
    CHECK(fields[i].type == kComparison[i].second);
    CHECK(fields[i].value == static_cast<double>(i + 1));  // the member numbered i + 1
  }
}

}  // namespace

TEST_CASE("comparison fields of a chain summary: names, order, types and values",
          "[summary_fields]") {
  check_comparison(numbered<nines::Summary>());
}

TEST_CASE("a structure kind has the same comparison fields as a chain", "[summary_fields]") {
  check_comparison(numbered<nines::KindSummary>());
}

TEST_CASE("unit fields: each reliability unit once, empirical before analytic",
          "[summary_fields]") {
  nines::Summary chain;
  chain.nines_empirical = 1;
  chain.nines_analytic = 2;
  chain.dpmo_empirical = 3;
  chain.dpmo_analytic = 4;
  chain.sigma_empirical = 5;
  chain.sigma_analytic = 6;
  nines::StructureSummary structure;
  structure.nines_empirical = 1;
  structure.nines_analytic = 2;
  structure.dpmo_empirical = 3;
  structure.dpmo_analytic = 4;
  structure.sigma_empirical = 5;
  structure.sigma_analytic = 6;
  const std::vector<std::string> names{"nines_empirical", "nines_analytic",  "dpmo_empirical",
                                       "dpmo_analytic",   "sigma_empirical", "sigma_analytic"};
  std::vector<Field> a, b;
  nines::for_each_unit_field(chain, Collect{&a});
  nines::for_each_unit_field(structure, Collect{&b});
  REQUIRE(a.size() == names.size());
  REQUIRE(b.size() == names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    CHECK(a[i].name == names[i]);
    CHECK(b[i].name == names[i]);
    CHECK(a[i].type == 'd');
    CHECK(a[i].value == static_cast<double>(i + 1));
    CHECK(b[i].value == static_cast<double>(i + 1));
  }
}

TEST_CASE("no field name is used twice across both lists", "[summary_fields]") {
  std::vector<Field> all;
  nines::for_each_comparison_field(nines::Summary{}, Collect{&all});
  nines::for_each_unit_field(nines::Summary{}, Collect{&all});
  std::set<std::string> names;
  for (const auto& f : all) CHECK(names.insert(f.name).second);
}
