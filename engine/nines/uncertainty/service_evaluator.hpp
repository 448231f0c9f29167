#pragma once
// The exact service value for one draw of the uncertain factors (`nines uncertainty`):
//  - format 2: the service reliability `nines run` reports analytically, 1 - the weighted mix
//    of the kinds' exact unreliabilities (StructureAnalytics: retries and common causes
//    included). The diagrams are built once; a draw only changes the components' per-attempt
//    probabilities and costs one pass over each kind's diagram.
//  - format 3: the long-run (steady-state) availability of the traffic mix
//    (exact/service_availability.hpp), recomputed for the drawn outage rates. Per-call
//    reliabilities do not enter it: their factors have no influence on it.
// Every value is computed as the shortfall 1 - value directly (no cancellation near 1).
#include <memory>
#include <string>
#include <vector>

#include "nines/base/stop.hpp"
#include "nines/exact/structure_analytics.hpp"
#include "nines/model/structure_model.hpp"
#include "nines/uncertainty/quantile_table.hpp"
#include "nines/uncertainty/uncertain_factors.hpp"

namespace nines {

enum class ServiceMeasure { reliability, availability };

std::string to_string(ServiceMeasure measure);

class ServiceEvaluator {
 public:
  // InputError when the model has no exact value to propagate (format 3 beyond the steady
  // state's closed form: limited crews, detection that waits; the message says why).
  ServiceEvaluator(const StructureModel& model, std::vector<UncertainFactor> factors,
                   StopFlag stop = nullptr);

  ServiceMeasure measure() const noexcept { return measure_; }
  const std::vector<UncertainFactor>& factors() const noexcept { return factors_; }
  // 1 - the service value with factor f at its u[f]-quantile. Thread-safe.
  double shortfall(const double* u) const;
  // 1 - the service value at the point values (posterior means): what `nines run` reports.
  double point_shortfall() const noexcept { return point_; }
  // The value of member m of factor f at the factor's uniform u (quantile_table.hpp).
  double member_value(std::size_t f, std::size_t m, double u) const {
    return tables_[first_table_[f] + m].quantile(u);
  }

 private:
  ServiceMeasure measure_;
  std::vector<UncertainFactor> factors_;
  StructureModel model_;  // format 3: the model each draw copies (without its source text)
  std::unique_ptr<StructureAnalytics> analytics_;  // format 2
  std::vector<QuantileTable> tables_;              // per factor member, factor by factor
  std::vector<std::size_t> first_table_;           // per factor: its first member's table
  double point_ = 0;
};

}  // namespace nines
