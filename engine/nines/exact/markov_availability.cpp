#include "nines/exact/markov_availability.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include "nines/exact/component_availability.hpp"
#include "nines/exact/service_availability.hpp"

namespace nines {
namespace {

enum Status : std::uint8_t { kUp = 0, kDetecting = 1, kRepairing = 2, kWaiting = 3 };

// One state, decoded: per component status, per event "holding down", and the waiting queue
// (first come first served). Encoded as a byte string for the index.
struct State {
  std::vector<std::uint8_t> status;
  std::vector<std::uint8_t> holding;
  std::vector<std::uint16_t> queue;
};

std::string encode(const State& s) {
  std::string key(s.status.begin(), s.status.end());
  key.append(s.holding.begin(), s.holding.end());
  for (const std::uint16_t c : s.queue) {
    key.push_back(static_cast<char>(c & 0xFF));
    key.push_back(static_cast<char>(c >> 8));
  }
  return key;
}

State decode(const std::string& key, std::size_t n, std::size_t e) {
  State s;
  s.status.assign(key.begin(), key.begin() + static_cast<std::ptrdiff_t>(n));
  s.holding.assign(key.begin() + static_cast<std::ptrdiff_t>(n),
                   key.begin() + static_cast<std::ptrdiff_t>(n + e));
  for (std::size_t i = n + e; i + 1 < key.size(); i += 2) {
    s.queue.push_back(static_cast<std::uint16_t>(static_cast<std::uint8_t>(key[i]) |
                                                 (static_cast<std::uint8_t>(key[i + 1]) << 8)));
  }
  return s;
}

std::vector<bool> down_of(const MarkovModel& model, const State& s) {
  std::vector<bool> down(model.components.size(), false);
  for (std::size_t c = 0; c < down.size(); ++c) down[c] = s.status[c] != kUp;
  for (std::size_t e = 0; e < model.events.size(); ++e) {
    if (!s.holding[e]) continue;
    for (const std::uint32_t c : model.events[e].takes_down) down[c] = true;
  }
  return down;
}

// c's outage is detected: into repair when a crew is free, else to the back of the queue.
void detected(State& s, std::uint32_t c, std::uint32_t crews) {
  const auto busy = static_cast<std::size_t>(
      std::count(s.status.begin(), s.status.end(), static_cast<std::uint8_t>(kRepairing)));
  if (crews == 0 || busy < crews) {
    s.status[c] = kRepairing;
  } else {
    s.status[c] = kWaiting;
    s.queue.push_back(static_cast<std::uint16_t>(c));
  }
}

struct Transition {
  std::uint32_t from, to;
  double rate;
};

std::string check(const MarkovModel& model) {
  if (model.components.size() > 65535) return "more than 65,535 components";
  const auto bad = [](double r) { return !std::isfinite(r) || r < 0; };
  for (std::size_t c = 0; c < model.components.size(); ++c) {
    const MarkovComponent& m = model.components[c];
    if (bad(m.failure_rate)) return "component " + std::to_string(c) + " has an invalid rate";
    if (m.failure_rate == 0) continue;
    if (bad(m.repair_rate) || m.repair_rate == 0 ||
        (!m.immediate_detection && (bad(m.detection_rate) || m.detection_rate == 0))) {
      return "component " + std::to_string(c) + " has an invalid rate";
    }
    if (m.immediate_detection && !m.needs.children.empty()) {
      return "component " + std::to_string(c) +
             " has immediate detection that needs other components (simultaneous detections "
             "have no queue order)";
    }
    for (const std::uint32_t n : components_in_path_order(m.needs)) {
      if (n >= model.components.size()) return "a needs block names an unknown component";
    }
  }
  for (const MarkovEvent& e : model.events) {
    if (bad(e.fire_rate) || bad(e.end_rate) || e.end_rate == 0)
      return "an event has an invalid rate";
    for (const std::uint32_t c : e.takes_down) {
      if (c >= model.components.size()) return "an event takes down an unknown component";
    }
  }
  return "";
}

// pi Q = 0 by GTH on the dense matrix of rates (row = from). Empty when the chain is not
// irreducible.
std::vector<double> solve_gth(std::size_t n, const std::vector<Transition>& transitions,
                              StopFlag stop) {
  std::vector<double> a(n * n, 0.0);
  for (const Transition& t : transitions) a[t.from * n + t.to] += t.rate;
  std::vector<std::size_t> targets;
  for (std::size_t k = n - 1; k >= 1; --k) {
    throw_if_stopped(stop);
    double s = 0;
    targets.clear();
    for (std::size_t j = 0; j < k; ++j) {
      if (a[k * n + j] != 0) {
        s += a[k * n + j];
        targets.push_back(j);
      }
    }
    if (s <= 0) return {};
    for (std::size_t i = 0; i < k; ++i) {
      double& to_k = a[i * n + k];
      if (to_k == 0) continue;
      to_k /= s;
      const double f = to_k;
      for (const std::size_t j : targets) {
        if (j != i) a[i * n + j] += f * a[k * n + j];
      }
    }
  }
  std::vector<double> pi(n, 0.0);
  pi[0] = 1;
  double total = 1;
  for (std::size_t j = 1; j < n; ++j) {
    double v = 0;
    for (std::size_t i = 0; i < j; ++i) v += pi[i] * a[i * n + j];
    pi[j] = v;
    total += v;
  }
  for (double& v : pi) v /= total;
  return pi;
}

// pi Q = 0 by Gauss-Seidel sweeps; empty when they do not converge.
std::vector<double> solve_gauss_seidel(std::size_t n, const std::vector<Transition>& transitions,
                                       std::size_t& sweeps, StopFlag stop) {
  std::vector<std::size_t> start(n + 1, 0);
  std::vector<double> out(n, 0.0);
  for (const Transition& t : transitions) {
    ++start[t.to + 1];
    out[t.from] += t.rate;
  }
  for (std::size_t j = 0; j < n; ++j) start[j + 1] += start[j];
  std::vector<std::uint32_t> from(transitions.size());
  std::vector<double> rate(transitions.size());
  std::vector<std::size_t> fill(start.begin(), start.end() - 1);
  for (const Transition& t : transitions) {
    from[fill[t.to]] = t.from;
    rate[fill[t.to]++] = t.rate;
  }
  for (std::size_t j = 0; j < n; ++j) {
    if (out[j] <= 0) return {};
  }
  std::vector<double> pi(n, 1.0 / static_cast<double>(n));
  for (sweeps = 1; sweeps <= kMaxGaussSeidelSweeps; ++sweeps) {
    if (sweeps % 64 == 0) throw_if_stopped(stop);
    double change = 0, total = 0;
    for (std::size_t j = 0; j < n; ++j) {
      double in = 0;
      for (std::size_t k = start[j]; k < start[j + 1]; ++k) in += pi[from[k]] * rate[k];
      const double v = in / out[j];
      if (v > 0) change = std::max(change, std::abs(v - pi[j]) / v);
      pi[j] = v;
      total += v;
    }
    for (double& v : pi) v /= total;
    // The relative change is measured before normalising, which moves every state alike.
    if (change < 1e-13) return pi;
  }
  return {};
}

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return a * b;
}

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return b > std::numeric_limits<std::uint64_t>::max() - a
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}

std::uint64_t binomial(std::uint64_t n, std::uint64_t k) {
  std::uint64_t r = 1;
  for (std::uint64_t i = 1; i <= k; ++i) {
    // r * (n - k + i) / i stays an integer at every step; saturate on overflow.
    if (r > std::numeric_limits<std::uint64_t>::max() / (n - k + i)) {
      return std::numeric_limits<std::uint64_t>::max();
    }
    r = r * (n - k + i) / i;
  }
  return r;
}

}  // namespace

std::uint64_t markov_state_count(std::uint32_t components, bool delayed_detection,
                                 std::uint32_t crews, std::uint32_t events) {
  std::uint64_t total = 0;
  for (std::uint64_t m = 0; m <= components; ++m) {
    std::uint64_t arrangements = 1;
    if (crews != 0 && m > crews) {
      arrangements = binomial(m, crews);
      for (std::uint64_t i = 2; i <= m - crews; ++i) arrangements = saturating_mul(arrangements, i);
    }
    std::uint64_t term = saturating_mul(binomial(components, m), arrangements);
    if (delayed_detection) {
      for (std::uint64_t i = m; i < components; ++i) term = saturating_mul(term, 2);
    }
    total = saturating_add(total, term);
  }
  for (std::uint32_t e = 0; e < events; ++e) total = saturating_mul(total, 2);
  return total;
}

MarkovResult solve_markov(const MarkovModel& model, const std::vector<StructureWorks>& structures,
                          const MarkovOptions& options) {
  if (std::string why = check(model); !why.empty()) return {std::nullopt, why};
  const std::size_t n = model.components.size();
  const std::size_t n_events = model.events.size();

  // Breadth-first enumeration from "everything up" (state 0).
  std::vector<std::string> keys;
  std::unordered_map<std::string, std::uint32_t> index;
  std::vector<Transition> transitions;
  const auto reach = [&](std::uint32_t from, const State& to, double rate) {
    const std::string key = encode(to);
    auto [it, fresh] = index.try_emplace(key, static_cast<std::uint32_t>(keys.size()));
    if (fresh) keys.push_back(key);
    transitions.push_back({from, it->second, rate});
  };
  {
    State all_up{std::vector<std::uint8_t>(n, kUp), std::vector<std::uint8_t>(n_events, 0), {}};
    keys.push_back(encode(all_up));
    index.emplace(keys[0], 0);
  }
  for (std::uint32_t i = 0; i < keys.size(); ++i) {
    if (keys.size() > options.max_states) {
      return {std::nullopt,
              "the Markov chain has more than " + std::to_string(options.max_states) + " states"};
    }
    if (i % 256 == 0) throw_if_stopped(options.stop);
    const State s = decode(keys[i], n, n_events);
    const std::vector<bool> down = down_of(model, s);
    for (std::uint32_t c = 0; c < n; ++c) {
      const MarkovComponent& m = model.components[c];
      State t = s;
      switch (s.status[c]) {
        case kUp:
          if (m.failure_rate == 0) break;
          if (m.immediate_detection) {
            detected(t, c, model.crews);
          } else {
            t.status[c] = kDetecting;
          }
          reach(i, t, m.failure_rate);
          break;
        case kDetecting:
          if (!block_works(m.needs, [&](std::uint32_t x) { return !down[x]; })) break;
          detected(t, c, model.crews);
          reach(i, t, m.detection_rate);
          break;
        case kRepairing:
          t.status[c] = kUp;
          if (!t.queue.empty()) {
            t.status[t.queue.front()] = kRepairing;
            t.queue.erase(t.queue.begin());
          }
          reach(i, t, m.repair_rate);
          break;
        default:
          break;  // waiting: no transition of its own
      }
    }
    for (std::size_t e = 0; e < n_events; ++e) {
      State t = s;
      t.holding[e] = s.holding[e] ? 0 : 1;
      const double rate = s.holding[e] ? model.events[e].end_rate : model.events[e].fire_rate;
      if (rate > 0) reach(i, t, rate);
    }
  }
  const std::size_t states = keys.size();
  if (states > options.max_states) {
    return {std::nullopt,
            "the Markov chain has more than " + std::to_string(options.max_states) + " states"};
  }

  MarkovSolution out;
  out.states = states;
  std::vector<double> pi;
  if (states == 1) {
    pi = {1.0};
  } else if (states <= options.dense_states) {
    pi = solve_gth(states, transitions, options.stop);
  } else {
    out.dense = false;
    pi = solve_gauss_seidel(states, transitions, out.sweeps, options.stop);
    if (pi.empty() && out.sweeps > kMaxGaussSeidelSweeps) {
      return {std::nullopt, "Gauss-Seidel did not converge in " +
                                std::to_string(kMaxGaussSeidelSweeps) + " sweeps"};
    }
  }
  if (pi.empty()) return {std::nullopt, "the Markov chain is not irreducible"};

  // Per state: which structures work, and each component's phase.
  std::vector<std::vector<bool>> works(structures.size(), std::vector<bool>(states));
  std::vector<double> in_up(n, 0.0), in_detection(n, 0.0), in_restore(n, 0.0);
  for (std::size_t i = 0; i < states; ++i) {
    const State s = decode(keys[i], n, n_events);
    const std::vector<bool> down = down_of(model, s);
    for (std::size_t k = 0; k < structures.size(); ++k) works[k][i] = structures[k](down);
    for (std::size_t c = 0; c < n; ++c) {
      if (s.status[c] == kUp) {
        in_up[c] += pi[i];
      } else if (s.status[c] == kDetecting) {
        in_detection[c] += pi[i];
      } else {
        in_restore[c] += pi[i];
      }
    }
  }
  for (std::size_t k = 0; k < structures.size(); ++k) {
    MarkovStructureValues v{0, 0, 0, 0, 0};
    for (std::size_t i = 0; i < states; ++i)
      (works[k][i] ? v.availability : v.unavailability) += pi[i];
    for (const Transition& t : transitions) {
      if (works[k][t.from] && !works[k][t.to]) v.failure_frequency += pi[t.from] * t.rate;
    }
    v.mean_up_time = mean_up_time(v.availability, v.failure_frequency);
    v.mean_down_time = mean_down_time(v.unavailability, v.failure_frequency);
    out.structures.push_back(v);
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t c = 0; c < n; ++c) {
    out.component_availability.push_back(in_up[c]);
    // Outages begin at rate failure_rate * P(up); Little's law turns the mean number of
    // outages in a phase into the mean time spent in it.
    const double starts = model.components[c].failure_rate * in_up[c];
    out.mean_time_to_detect.push_back(starts > 0 ? in_detection[c] / starts : nan);
    out.mean_time_to_restore.push_back(starts > 0 ? in_restore[c] / starts : nan);
  }
  return {std::move(out), ""};
}

MarkovModelOrReason markov_model_of(const StructureModel& model) {
  if (!model.time) return {std::nullopt, "the model has no outages over time"};
  const TimeModel& time = *model.time;
  MarkovModel out;
  out.crews = time.crews;
  for (std::uint32_t c = 0; c < model.components.size(); ++c) {
    const ComponentTiming& timing = time.components.at(c);
    MarkovComponent m;
    if (timing.outages) {
      const std::string& name = model.components[c].name;
      if (!timing.outages->failure.memoryless() || !timing.outages->repair.memoryless()) {
        return {std::nullopt, "the outages of " + name + " are not exponential"};
      }
      m.failure_rate = 1 / timing.outages->failure.mean();
      m.repair_rate = 1 / timing.outages->repair.mean();
      const bool waits = !detection_never_waits(model, c);
      if (timing.detection.by_alert())
        return {std::nullopt, "the outages of " + name + " are detected by alerts"};
      if (timing.detection.immediate) {
        if (waits) {
          return {std::nullopt,
                  "the immediate detection of " + name + " waits on components that can go down"};
        }
      } else {
        if (!timing.detection.delay.memoryless()) {
          return {std::nullopt, "the detection delay of " + name + " is not exponential"};
        }
        m.immediate_detection = false;
        m.detection_rate = 1 / timing.detection.delay.mean();
        if (waits) m.needs = timing.detection.needs;
      }
    }
    out.components.push_back(std::move(m));
  }
  for (std::size_t e = 0; e < model.common_causes.size(); ++e) {
    if (e >= time.events.size() || !time.events[e]) continue;  // per request: not over time
    const OutageProcess& p = *time.events[e];
    if (!p.failure.memoryless() || !p.repair.memoryless()) {
      return {std::nullopt,
              "common-cause event " + model.common_causes[e].name + " is not exponential"};
    }
    out.events.push_back(
        {1 / p.failure.mean(), 1 / p.repair.mean(), model.common_causes[e].takes_down});
  }
  return {std::move(out), ""};
}

MarkovResult markov_service_availability(const StructureModel& model,
                                         const MarkovOptions& options) {
  MarkovModelOrReason markov = markov_model_of(model);
  if (!markov.model) return {std::nullopt, markov.reason};
  std::vector<StructureWorks> structures;
  for (const RequestKind& kind : model.kinds) {
    structures.push_back([path = kind.path](const std::vector<bool>& down) {
      return block_works(path, [&](std::uint32_t c) { return !down[c]; });
    });
  }
  return solve_markov(*markov.model, structures, options);
}

}  // namespace nines
