#include "nines/model/scenario.hpp"

namespace nines {

std::vector<double> Scenario::reliabilities() const {
  std::vector<double> out;
  out.reserve(components.size());
  for (const auto& c : components) out.push_back(c.reliability);
  return out;
}

}  // namespace nines
