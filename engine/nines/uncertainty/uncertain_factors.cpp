#include "nines/uncertainty/uncertain_factors.hpp"

#include <map>
#include <utility>

namespace nines {

std::vector<UncertainFactor> uncertain_factors(const StructureModel& model) {
  std::vector<UncertainFactor> factors;
  std::map<std::pair<std::string, UncertainQuantity>, std::size_t> by_population;
  const auto add = [&](std::uint32_t d, const UncertainInput& input) {
    const std::string& own = model.declarations[d].name;
    const std::string& name = input.population.empty() ? own : input.population;
    const auto key = std::make_pair(name, input.quantity);
    if (!input.population.empty()) {
      if (const auto found = by_population.find(key); found != by_population.end()) {
        factors[found->second].members.push_back({d, own, input});
        return;
      }
      by_population.emplace(key, factors.size());
    }
    factors.push_back({name, input.quantity, {{d, own, input}}});
  };
  for (std::uint32_t d = 0; d < model.declarations.size(); ++d) {
    const std::uint32_t first = model.declarations[d].first;
    if (const auto& r = model.components[first].reliability_input) add(d, *r);
    if (model.time) {
      const auto& outages = model.time->components[first].outages;
      if (outages && outages->rate_input) add(d, *outages->rate_input);
    }
  }
  return factors;
}

void set_member_value(const FactorMember& member, double x, StructureModel& model) {
  const ComponentDeclaration& d = model.declarations[member.declaration];
  const std::uint32_t copies = d.replicas == 0 ? 1 : d.replicas;
  for (std::uint32_t c = d.first; c < d.first + copies; ++c) {
    if (member.input.quantity == UncertainQuantity::reliability) {
      model.components[c].reliability = 1 - x;
    } else {
      model.time->components[c].outages->failure = DurationDistribution::exponential(1 / x);
    }
  }
}

}  // namespace nines
