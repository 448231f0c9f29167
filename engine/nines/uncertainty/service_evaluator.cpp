#include "nines/uncertainty/service_evaluator.hpp"

#include <tbb/parallel_for.h>

#include <cmath>
#include <optional>

#include "nines/base/error.hpp"
#include "nines/exact/service_availability.hpp"

namespace nines {

std::string to_string(ServiceMeasure measure) {
  return measure == ServiceMeasure::reliability ? "reliability" : "availability";
}

ServiceEvaluator::ServiceEvaluator(const StructureModel& model,
                                   std::vector<UncertainFactor> factors, StopFlag stop)
    : measure_(model.time ? ServiceMeasure::availability : ServiceMeasure::reliability),
      factors_(std::move(factors)),
      model_(model) {
  model_.source_text.clear();
  // One quantile table per member, built in parallel (each costs a few milliseconds).
  std::vector<const UncertainInput*> inputs;
  for (const UncertainFactor& f : factors_) {
    first_table_.push_back(inputs.size());
    for (const FactorMember& m : f.members) inputs.push_back(&m.input);
  }
  std::vector<std::optional<QuantileTable>> built(inputs.size());
  tbb::parallel_for(std::size_t{0}, inputs.size(), [&](std::size_t i) {
    if (!stop_requested(stop)) built[i].emplace(*inputs[i]);
  });
  throw_if_stopped(stop);
  tables_.reserve(inputs.size());
  for (auto& t : built) tables_.push_back(std::move(*t));
  if (measure_ == ServiceMeasure::reliability) {
    analytics_ = std::make_unique<StructureAnalytics>(model_, stop);
    point_ = analytics_->unreliability();
    return;
  }
  const std::optional<ServiceSteadyState> steady = service_steady_state(model_, stop);
  if (!steady) {
    throw InputError(model.source_path +
                     ": nines uncertainty propagates the exact steady-state "
                     "availability, and this model has none: " +
                     no_exact_service_availability(model_));
  }
  point_ = steady->unavailability;
}

double ServiceEvaluator::shortfall(const double* u) const {
  if (analytics_) {
    StructureProbabilities p = analytics_->base();
    for (std::size_t f = 0; f < factors_.size(); ++f) {
      if (factors_[f].quantity != UncertainQuantity::reliability) continue;
      for (std::size_t i = 0; i < factors_[f].members.size(); ++i) {
        const FactorMember& m = factors_[f].members[i];
        const double q = member_value(f, i, u[f]);
        const ComponentDeclaration& d = model_.declarations[m.declaration];
        const std::uint32_t copies = d.replicas == 0 ? 1 : d.replicas;
        for (std::uint32_t c = d.first; c < d.first + copies; ++c) {
          const std::uint32_t retries = model_.components[c].retries;
          const double down = retries == 0 ? q : std::pow(q, static_cast<double>(retries) + 1);
          p.component_down[c] = down;
          p.component_up[c] = 1 - down;
        }
      }
    }
    return analytics_->mix_unreliability(p);
  }
  StructureModel drawn = model_;
  for (std::size_t f = 0; f < factors_.size(); ++f)
    for (std::size_t i = 0; i < factors_[f].members.size(); ++i)
      set_member_value(factors_[f].members[i], member_value(f, i, u[f]), drawn);
  return service_steady_state(drawn)->unavailability;
}

}  // namespace nines
