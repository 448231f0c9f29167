#include "nines/model/structure_model.hpp"

#include <cmath>

namespace nines {

double StructureComponent::effective_unreliability() const noexcept {
  const double q = 1.0 - reliability;
  if (retries == 0 || q == 0.0 || q == 1.0) return q;
  return std::pow(q, static_cast<double>(retries) + 1.0);
}

double StructureComponent::effective_reliability() const noexcept {
  if (retries == 0) return reliability;
  // 1 - q^(n) = -expm1(n log q): keeps its digits when q^n is tiny or close to 1.
  const double q = 1.0 - reliability;
  if (q == 0.0) return 1.0;
  if (reliability == 0.0) return 0.0;
  // Below 0.5, q = 1 - r is rounded and would take r's digits with it (r = 1e-20 gave 0):
  // log1p(-r) keeps them. From 0.5 up q is exact, and log(q) is what it always was.
  const double log_q = reliability < 0.5 ? std::log1p(-reliability) : std::log(q);
  return -std::expm1((static_cast<double>(retries) + 1.0) * log_q);
}

std::vector<std::string> StructureModel::component_names() const {
  std::vector<std::string> out;
  out.reserve(components.size());
  for (const auto& c : components) out.push_back(c.name);
  return out;
}

double StructureModel::total_weight() const noexcept {
  double total = 0;
  for (const auto& k : kinds) total += k.weight;
  return total;
}

std::vector<std::string> StructureModel::uncertain_declarations() const {
  std::vector<std::string> names;
  for (const ComponentDeclaration& d : declarations) {
    const bool reliability = components.at(d.first).reliability_input.has_value();
    const bool rate = time && time->components.at(d.first).outages &&
                      time->components.at(d.first).outages->rate_input;
    if (reliability || rate) names.push_back(d.name);
  }
  return names;
}

}  // namespace nines
