#include "nines/uncertainty/uncertainty_analysis.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "nines/base/error.hpp"

namespace nines {
namespace {

// f over every row of a design made by `row(i, buffer)`, in parallel, each row in its own slot.
template <class Row>
void evaluate(const ServiceEvaluator& evaluator, std::size_t rows, std::size_t factors, double* out,
              StopFlag stop, Row row) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, rows, 64), [&](const auto& range) {
    if (stop_requested(stop)) return;
    std::vector<double> u(factors);
    for (std::size_t i = range.begin(); i < range.end(); ++i) {
      row(i, u.data());
      out[i] = evaluator.shortfall(u.data());
    }
  });
  throw_if_stopped(stop);
}

ValueDistribution distribution_of(const std::vector<double>& shortfall) {
  ValueDistribution d;
  const std::size_t n = shortfall.size();
  long double sum = 0;
  for (const double s : shortfall) sum += s;
  const long double mean = sum / static_cast<long double>(n);
  long double squares = 0;
  for (const double s : shortfall) squares += (s - mean) * (s - mean);
  d.mean_shortfall = static_cast<double>(mean);
  d.mean = static_cast<double>(1 - mean);
  d.sd = static_cast<double>(std::sqrt(squares / static_cast<long double>(n - 1)));
  std::vector<double> sorted = shortfall;
  std::sort(sorted.begin(), sorted.end());
  // The value's p-quantile is 1 - the shortfall's (1 - p)-quantile.
  d.p05 = 1 - sorted_quantile(sorted, 0.95);
  d.p50 = 1 - sorted_quantile(sorted, 0.50);
  d.p95 = 1 - sorted_quantile(sorted, 0.05);
  d.min = 1 - sorted.back();
  d.max = 1 - sorted.front();
  return d;
}

}  // namespace

double sorted_quantile(const std::vector<double>& sorted, double p) {
  const double at = p * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(at));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (at - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

UncertaintyResult analyse_uncertainty(const StructureModel& model,
                                      const UncertaintySettings& settings, StopFlag stop) {
  UncertaintyResult r;
  r.scenario_name = model.name;
  r.format_version = model.format_version;
  r.settings = settings;
  r.factors = uncertain_factors(model);
  const std::size_t k = r.factors.size();
  const std::size_t n = settings.draws;
  if (k == 0) {
    throw InputError(model.source_path +
                     ": no input is uncertain, so there is nothing to propagate; give a "
                     "component an uncertain reliability such as {observed: {failures: 12, "
                     "requests: 3.1M}} (README \"Uncertain inputs\")");
  }
  if (n < kMinUncertaintyDraws || n > kMaxUncertaintyDraws)
    throw InputError("--draws must be from 2 to 10,000,000");
  r.evaluations = settings.sobol ? n * (k + 2) : n;
  if (r.evaluations / n != (settings.sobol ? k + 2 : 1) ||
      r.evaluations > kMaxUncertaintyEvaluations) {
    throw InputError("the analysis would need more than 134,217,728 exact evaluations (" +
                     std::to_string(n) + " draws x (" + std::to_string(k) +
                     " factors + 2) for the Sobol indices); use fewer --draws or --no-sobol");
  }
  const ServiceEvaluator evaluator(model, r.factors, stop);
  r.measure = evaluator.measure();
  r.point_shortfall = evaluator.point_shortfall();

  const std::vector<double> a = uniform_design(settings.design, n, k, settings.seed, 0);
  r.shortfall.resize(n);
  evaluate(evaluator, n, k, r.shortfall.data(), stop,
           [&](std::size_t i, double* u) { std::copy_n(a.data() + i * k, k, u); });
  r.factor_values.resize(n * k);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t f = 0; f < k; ++f)
      r.factor_values[i * k + f] = evaluator.member_value(f, 0, a[i * k + f]);
  r.value = distribution_of(r.shortfall);
  if (settings.target) {
    for (const double s : r.shortfall) r.meets += 1 - s >= *settings.target ? 1 : 0;
    r.meet_probability = wilson_interval(r.meets, n, 0.95);
  }
  if (!settings.sobol) return r;

  const std::vector<double> b = uniform_design(settings.design, n, k, settings.seed, 1);
  std::vector<double> f_b(n), f_ab(n * k);
  evaluate(evaluator, n, k, f_b.data(), stop,
           [&](std::size_t i, double* u) { std::copy_n(b.data() + i * k, k, u); });
  for (std::size_t j = 0; j < k; ++j) {
    evaluate(evaluator, n, k, f_ab.data() + j * n, stop, [&](std::size_t i, double* u) {
      std::copy_n(a.data() + i * k, k, u);
      u[j] = b[i * k + j];
    });
  }
  r.sobol = sobol_indices(r.shortfall, f_b, f_ab, k, settings.seed, settings.resamples);
  return r;
}

}  // namespace nines
