#pragma once
// The names under which every output (HDF5 root attributes, --json) stores how a simulation
// compares with its analytic model. One list, so the file and the JSON cannot drift apart and
// a notebook finds the same names for a chain, a structure's mix or one request kind.
//
// S is Summary (a chain) or KindSummary (a structure's kind or mix); both carry these members.
// visit(name, value) receives std::uint64_t, double or std::int64_t values.
#include <cstdint>
#include <string_view>

namespace nines {

template <class S, class Visit>
void for_each_comparison_field(const S& s, Visit&& visit) {
  visit(std::string_view("failures"), std::uint64_t{s.failures});
  visit(std::string_view("reliability_empirical"), s.reliability_empirical);
  visit(std::string_view("reliability_analytic"), s.reliability_analytic);
  visit(std::string_view("unreliability_empirical"), s.unreliability_empirical);
  visit(std::string_view("unreliability_analytic"), s.unreliability_analytic);
  visit(std::string_view("reliability_ci_low"), s.reliability_ci.low);
  visit(std::string_view("reliability_ci_high"), s.reliability_ci.high);
  visit(std::string_view("z_score"), s.z_score);
  visit(std::string_view("z_p_value"), s.z_p_value);
  visit(std::string_view("reliability_p_value"), s.reliability_p_value);
  visit(std::string_view("attribution_chi2"), s.attribution.statistic);
  visit(std::string_view("attribution_dof"), std::int64_t{s.attribution.dof});
  visit(std::string_view("attribution_p_value"), s.attribution.p_value);
}

// The same reliability in the units people quote. S is Summary or StructureSummary.
template <class S, class Visit>
void for_each_unit_field(const S& s, Visit&& visit) {
  visit(std::string_view("nines_empirical"), s.nines_empirical);
  visit(std::string_view("nines_analytic"), s.nines_analytic);
  visit(std::string_view("dpmo_empirical"), s.dpmo_empirical);
  visit(std::string_view("dpmo_analytic"), s.dpmo_analytic);
  visit(std::string_view("sigma_empirical"), s.sigma_empirical);
  visit(std::string_view("sigma_analytic"), s.sigma_analytic);
}

}  // namespace nines
