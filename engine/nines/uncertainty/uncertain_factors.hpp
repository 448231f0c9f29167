#pragma once
// The factors of an uncertainty analysis (`nines uncertainty`): the groups of uncertain inputs
// that share one draw. A factor is a population (`population: api-pods`: every member input of
// one quantity), or else one declaration's input; the replicas of a declaration always share
// their declaration's draw (they are one team's one per-call reliability, as in the file).
// Members share the uniform u of the draw, each taking its own distribution's u-quantile, so
// members with equal distributions get equal values and others are perfectly rank-correlated.
#include <cstdint>
#include <string>
#include <vector>

#include "nines/model/structure_model.hpp"
#include "nines/model/uncertain_input.hpp"

namespace nines {

struct FactorMember {
  std::uint32_t declaration = 0;  // index into StructureModel::declarations
  std::string name;               // the declaration's name
  UncertainInput input;
};

struct UncertainFactor {
  std::string name;  // the population, or the declaration's name
  UncertainQuantity quantity = UncertainQuantity::reliability;
  std::vector<FactorMember> members;  // in declaration order; at least one
};

// In declaration order of their first member; reliability before outage rate within one
// declaration.
std::vector<UncertainFactor> uncertain_factors(const StructureModel& model);

// Sets `member`'s value x in `model`: an unreliability on every replica of its declaration
// (reliability 1 - x; reliability_input kept), or an outage rate lambda, making `every` the
// exponential with mean 1 / lambda.
void set_member_value(const FactorMember& member, double x, StructureModel& model);

}  // namespace nines
