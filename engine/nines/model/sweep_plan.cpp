#include "nines/model/sweep_plan.hpp"

#include "nines/base/sha256.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace nines {

bool SweepParameter::is_integer() const noexcept {
  switch (target) {
    case SweepTarget::requests:
    case SweepTarget::seed:
    case SweepTarget::chain_count:
    case SweepTarget::component_replicas:
    case SweepTarget::component_required:
    case SweepTarget::component_retries:
    case SweepTarget::kind_retries:
    case SweepTarget::crews:
    case SweepTarget::histories:
      return true;
    default:
      return false;
  }
}

bool SweepParameter::is_duration() const noexcept {
  switch (target) {
    case SweepTarget::component_every:
    case SweepTarget::component_repair:
    case SweepTarget::component_delay:
    case SweepTarget::cause_every:
    case SweepTarget::cause_lasts:
    case SweepTarget::horizon:
      return true;
    default:
      return false;
  }
}

bool SweepParameter::is_time() const noexcept {
  return is_duration() || target == SweepTarget::crews || target == SweepTarget::traffic_rate ||
         target == SweepTarget::histories;
}

bool SweepParameter::is_checked_in_combination() const noexcept {
  return is_structural() || target == SweepTarget::horizon || target == SweepTarget::traffic_rate;
}

bool SweepParameter::is_structural() const noexcept {
  switch (target) {
    case SweepTarget::component_replicas:
    case SweepTarget::component_required:
    case SweepTarget::component_retries:
    case SweepTarget::kind_weight:
    case SweepTarget::kind_retries:
      return true;
    default:
      return false;
  }
}

std::vector<double> SweepPoint::reliabilities() const {
  std::vector<double> out;
  out.reserve(components.size());
  for (const auto& c : components) out.push_back(c.reliability);
  return out;
}

SweepPointList::SweepPointList(SweepGrid grid) : grid_(std::move(grid)) {
  count_ = grid_.replications;
  for (const auto& axis : grid_.axes) count_ *= axis.length;  // bounded by the parser
}

SweepPoint SweepPointList::at(std::size_t i) const {
  if (i >= size())
    throw std::out_of_range("sweep point " + std::to_string(i) + " of " + std::to_string(size()));
  return (*this)[i];
}

SweepPoint SweepPointList::operator[](std::size_t index) const {
  const SweepGrid& g = grid_;
  const auto i = static_cast<std::uint64_t>(index);
  SweepPoint point;
  point.replication = i % g.replications;
  point.values.resize(g.parameters.size());
  std::uint64_t rest = i / g.replications;
  for (std::size_t a = g.axes.size(); a-- > 0;) {
    const std::uint64_t digit = rest % g.axes[a].length;
    rest /= g.axes[a].length;
    for (const std::size_t p : g.axes[a].parameters) point.values[p] = g.values[p][digit];
  }
  point.requests = g.requests;
  point.seed = g.seed;
  point.components = g.base_components;
  std::uint64_t count = g.chain_count;
  double reliability = g.chain_reliability;
  for (std::size_t p = 0; p < g.parameters.size(); ++p) {
    const SweepParameter& param = g.parameters[p];
    const SweepValue& v = point.values[p];
    switch (param.target) {
      case SweepTarget::component_reliability:
        if (param.component < point.components.size())
          point.components[param.component].reliability = v.real;
        break;
      case SweepTarget::all_reliabilities:
        for (auto& c : point.components) c.reliability = v.real;
        break;
      case SweepTarget::requests:
      case SweepTarget::histories:
        point.requests = v.integer;
        break;
      case SweepTarget::seed:
        point.seed = v.integer;
        break;
      case SweepTarget::chain_count:
        count = v.integer;
        break;
      case SweepTarget::chain_reliability:
        reliability = v.real;
        break;
      default:
        break;  // structure parameters apply to the structure (input/sweep_structure.hpp)
    }
  }
  if (g.chain_generator) {
    point.components.resize(count);
    for (std::uint64_t k = 0; k < count; ++k)
      point.components[k] = Component{"c" + std::to_string(k + 1), reliability, ""};
  }
  point.seed = g.per_point_seeds ? replication_seed(point.seed, i)
                                 : replication_seed(point.seed, point.replication);
  return point;
}

std::string SweepPlan::fingerprint() const {
  std::string out =
      "sweep-sha256=" + sha256_hex(source_text) + " base-sha256=" + sha256_hex(base_text);
  // Only when set, so that the journals of sweeps without it keep their headers.
  if (target_precision) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", *target_precision);
    out += " target-precision=" + std::string(text);
  }
  return out;
}

std::uint64_t replication_seed(std::uint64_t seed, std::uint64_t replication) noexcept {
  if (replication == 0) return seed;
  std::uint64_t z = seed + replication * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace nines
