#include "nines/allocate/allocation_writer.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "nines/files/layout_notes.hpp"
#include "nines/files/run_file.hpp"
#include "nines/io/atomic_output.hpp"
#include "nines/io/hdf5.hpp"

namespace nines {

void write_allocation_file(const Allocation& a, const std::string& scenario_yaml,
                           const std::string& path, bool overwrite) {
  AtomicOutput output(path, overwrite);
  hdf5::File file = hdf5::File::create_exclusive(output.temporary_path());
  output.created();
  write_file_identity(file, kAllocationFormat, kAllocationFormatVersion, a.scenario_name,
                      scenario_yaml);
  file.write_attribute("target", a.target);
  file.write_attribute("today_reliability", a.today_reliability);
  file.write_attribute("today_unreliability", a.today_unreliability);
  file.write_attribute("ceiling_reliability", a.ceiling_reliability);
  file.write_attribute("already_met", static_cast<std::int8_t>(a.already_met ? 1 : 0));
  {
    hdf5::Group g = file.create_group("teams");
    std::vector<std::string> names;
    std::vector<double> today, cost;
    std::vector<std::int64_t> retries, copies;
    for (const AllocationTeam& t : a.teams) {
      names.push_back(t.name);
      today.push_back(t.reliability);
      cost.push_back(t.improvement_cost.value_or(std::numeric_limits<double>::quiet_NaN()));
      retries.push_back(t.retries);
      copies.push_back(static_cast<std::int64_t>(t.components.size()));
    }
    g.write_string_dataset("name", names).close();
    g.write_dataset<double>("today_reliability", today).close();
    g.write_dataset<double>("improvement_cost", cost).close();
    g.write_dataset<std::int64_t>("retries", retries).close();
    g.write_dataset<std::int64_t>("copies", copies).close();
    g.close();
  }
  {
    hdf5::Group g = file.create_group("methods");
    std::vector<std::string> names, reasons, solvers;
    std::vector<std::int8_t> available, met;
    std::vector<double> parameter, reliability, unreliability, cost, gap;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const MethodResult& m : a.methods) {
      names.emplace_back(to_string(m.method));
      reasons.push_back(m.reason);
      solvers.push_back(m.solver);
      available.push_back(m.available ? 1 : 0);
      met.push_back(m.met ? 1 : 0);
      parameter.push_back(m.available ? m.parameter : nan);
      reliability.push_back(m.available ? m.service_reliability : nan);
      unreliability.push_back(m.available ? m.service_unreliability : nan);
      cost.push_back(m.available ? m.cost : nan);
      gap.push_back(m.available ? m.optimality_gap : nan);
    }
    g.write_string_dataset("name", names).close();
    g.write_dataset<std::int8_t>("available", available).close();
    g.write_string_dataset("reason", reasons).close();
    g.write_string_dataset("solver", solvers).close();
    g.write_dataset<double>("parameter", parameter).close();
    g.write_dataset<double>("service_reliability", reliability).close();
    g.write_dataset<double>("service_unreliability", unreliability).close();
    g.write_dataset<std::int8_t>("met", met).close();
    g.write_dataset<double>("cost", cost).close();
    g.write_dataset<double>("optimality_gap", gap).close();
    g.close();
  }
  {
    hdf5::Group g = file.create_group("allocation");
    std::vector<std::int64_t> team, method;
    std::vector<double> reliability, extra;
    for (std::size_t m = 0; m < a.methods.size(); ++m) {
      if (!a.methods[m].available) continue;
      for (std::size_t d = 0; d < a.teams.size(); ++d) {
        team.push_back(static_cast<std::int64_t>(d));
        method.push_back(static_cast<std::int64_t>(m));
        reliability.push_back(a.methods[m].reliability[d]);
        extra.push_back(a.methods[m].extra_nines[d]);
      }
    }
    g.write_dataset<std::int64_t>("team", team).close();
    g.write_dataset<std::int64_t>("method", method).close();
    g.write_dataset<double>("reliability", reliability).close();
    g.write_dataset<double>("extra_nines", extra).close();
    g.close();
  }
  // Dimension scales, units, descriptions and the team and method names as CF flags, as in
  // every other nines file (files/layout_notes.hpp).
  annotate_nines_file(file);
  file.close();
  output.commit();
}

}  // namespace nines
