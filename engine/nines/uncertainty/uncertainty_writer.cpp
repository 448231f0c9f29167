#include "nines/uncertainty/uncertainty_writer.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "nines/files/layout_notes.hpp"
#include "nines/files/run_file.hpp"
#include "nines/io/atomic_output.hpp"
#include "nines/io/hdf5.hpp"

namespace nines {

void write_uncertainty_file(const UncertaintyResult& r, const std::string& scenario_yaml,
                            const std::string& path, bool overwrite) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = r.shortfall.size();
  const std::size_t k = r.factors.size();
  AtomicOutput output(path, overwrite);
  hdf5::File file = hdf5::File::create_exclusive(output.temporary_path());
  output.created();
  write_file_identity(file, kUncertaintyFormat, kUncertaintyFormatVersion, r.scenario_name,
                      scenario_yaml);
  file.write_attribute("scenario_format", std::int64_t{r.format_version});
  file.write_attribute("measure", to_string(r.measure));
  file.write_attribute("design", to_string(r.settings.design));
  file.write_attribute("draws", static_cast<std::int64_t>(n));
  file.write_attribute("seed", static_cast<std::uint64_t>(r.settings.seed));
  file.write_attribute("sobol", static_cast<std::int8_t>(r.sobol.empty() ? 0 : 1));
  file.write_attribute("bootstrap_resamples", static_cast<std::int64_t>(r.settings.resamples));
  file.write_attribute("evaluations", static_cast<std::int64_t>(r.evaluations));
  file.write_attribute("target", r.settings.target.value_or(nan));
  file.write_attribute("point_value", 1 - r.point_shortfall);
  file.write_attribute("point_shortfall", r.point_shortfall);
  {
    hdf5::Group g = file.create_group("summary");
    const ValueDistribution& d = r.value;
    g.write_attribute("mean", d.mean);
    g.write_attribute("mean_shortfall", d.mean_shortfall);
    g.write_attribute("sd", d.sd);
    g.write_attribute("p05", d.p05);
    g.write_attribute("p50", d.p50);
    g.write_attribute("p95", d.p95);
    g.write_attribute("min", d.min);
    g.write_attribute("max", d.max);
    const bool target = r.meet_probability.has_value();
    g.write_attribute("meets", static_cast<std::int64_t>(target ? r.meets : 0));
    g.write_attribute("meet_probability",
                      target ? static_cast<double>(r.meets) / static_cast<double>(n) : nan);
    g.write_attribute("meet_probability_low", target ? r.meet_probability->low : nan);
    g.write_attribute("meet_probability_high", target ? r.meet_probability->high : nan);
    g.close();
  }
  {
    hdf5::Group g = file.create_group("factors");
    std::vector<std::string> names, quantities, shapes, origins, members;
    std::vector<double> a, b, mean, sd, first, first_error, total, total_error;
    for (std::size_t f = 0; f < k; ++f) {
      const UncertainFactor& factor = r.factors[f];
      const UncertainInput& in = factor.members.front().input;
      names.push_back(factor.name);
      quantities.push_back(to_string(factor.quantity));
      shapes.push_back(to_string(in.shape));
      origins.push_back(in.origin);
      a.push_back(in.a);
      b.push_back(in.b);
      mean.push_back(in.mean());
      sd.push_back(std::sqrt(in.variance()));
      std::string list;
      for (const FactorMember& m : factor.members) list += (list.empty() ? "" : ",") + m.name;
      members.push_back(list);
      const bool s = !r.sobol.empty();
      first.push_back(s ? r.sobol[f].first_order : nan);
      first_error.push_back(s ? r.sobol[f].first_order_error : nan);
      total.push_back(s ? r.sobol[f].total : nan);
      total_error.push_back(s ? r.sobol[f].total_error : nan);
    }
    g.write_string_dataset("name", names).close();
    g.write_string_dataset("quantity", quantities).close();
    g.write_string_dataset("distribution", shapes).close();
    g.write_dataset<double>("a", a).close();
    g.write_dataset<double>("b", b).close();
    g.write_dataset<double>("mean", mean).close();
    g.write_dataset<double>("sd", sd).close();
    g.write_string_dataset("origin", origins).close();
    g.write_string_dataset("members", members).close();
    g.write_dataset<double>("first_order", first).close();
    g.write_dataset<double>("first_order_error", first_error).close();
    g.write_dataset<double>("total", total).close();
    g.write_dataset<double>("total_error", total_error).close();
    g.close();
  }
  {
    hdf5::Group g = file.create_group("draws");
    std::vector<double> value(n);
    for (std::size_t i = 0; i < n; ++i) value[i] = 1 - r.shortfall[i];
    g.write_dataset<double>("value", value).close();
    g.write_dataset<double>("shortfall", r.shortfall).close();
    g.write_matrix<double>("factor_value", n, k, r.factor_values).close();
    g.close();
  }
  annotate_nines_file(file);
  file.close();
  output.commit();
}

}  // namespace nines
