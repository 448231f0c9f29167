#pragma once
// The YAML readers of scenario format 3 (outages over time): durations, distributions, the
// `time:` section, a component's `outages:` and `detection:`. Internal to the parsers; the
// structure parser (structure_parser.cpp) inherits them and resolves what refers to
// components (`needs`) once every component is known. Messages have the shape of
// yaml_fields.hpp; tests/invalid_v3/ pins them.
#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "nines/input/yaml_fields.hpp"
#include "nines/model/outage_model.hpp"
#include "nines/model/uncertain_input.hpp"

namespace nines {

// What a bare duration means where a distribution may be written: the mean of an exponential
// (`every`, `repair`, `lasts`) or a fixed value (a detection `delay`).
enum class ScalarDuration { exponential_mean, fixed };

// A detection as written, before its `needs` names are resolved.
struct DetectionDraft {
  Detection detection;             // needs, needs_components and alert still empty
  std::optional<YamlEntry> needs;  // the `needs` entry, when given
  std::optional<YamlEntry> alert;  // the `alert` entry (a policy's name), when given
  YAML::Node node;                 // the detection value, for messages
};

// An alert policy as written, before its `needs`, `delivery` and `kind` names are resolved.
struct AlertPolicyDraft {
  AlertPolicy policy;  // needs, delivery and kind still unset
  std::optional<YamlEntry> needs, delivery, kind;
  std::string path;  // "time.alerting[i]"
};

// An SLO of `time.slos` as written, before its `kind` name is resolved.
struct SloDraft {
  SloObjective slo;  // kind still unset
  std::optional<YamlEntry> kind;
  std::string path;  // "time.slos[i]"
};

// The `time:` section, except what refers to components.
struct TimeSection {
  TimeModel time;            // components, events and alerting left empty
  DetectionDraft detection;  // the scenario default (immediate when not given)
  bool detection_declared = false;
  std::vector<AlertPolicyDraft> alerting;
  std::vector<SloDraft> slos;
};

class TimeFieldReader : public FieldReader {
 public:
  using FieldReader::FieldReader;

  // A duration in seconds: positive and at least kMinDurationSeconds, or with `zero_allowed`
  // also exactly 0.
  double parse_duration(const YamlEntry& entry, const std::string& path,
                        bool zero_allowed = false) const;
  // A bare duration (meaning `scalar`) or a mapping with one of exponential, weibull,
  // lognormal, gamma, fixed. Its mean is finite and at least kMinDurationSeconds (with
  // `zero_allowed`, a fixed 0 is accepted too).
  DurationDistribution parse_distribution(const YamlEntry& entry, const std::string& path,
                                          ScalarDuration scalar, bool zero_allowed = false) const;
  // {every, repair}.
  OutageProcess parse_outages(const YamlEntry& entry, const std::string& path) const;
  // `immediate`, or {delay, needs}.
  DetectionDraft parse_detection(const YamlEntry& entry, const std::string& path) const;
  // The `time:` mapping.
  TimeSection parse_time(const YamlEntry& entry) const;
  // A horizon: a duration of at most kMaxHorizonSeconds.
  double parse_horizon(const YamlEntry& entry, const std::string& path) const;
  // A number of histories, 1 to kMaxHistories ("10k" as for requests).
  std::uint64_t parse_histories(const YamlEntry& entry, const std::string& path) const;
  // The `time.alerting` list (input/alerting_fields.cpp), checked against the rest of `time`.
  std::vector<AlertPolicyDraft> parse_alerting(const YamlEntry& entry, const TimeModel& time,
                                               bool traffic_declared) const;
  // The `time.slos` list (input/slo_fields.cpp), checked against the rest of `time`.
  std::vector<SloDraft> parse_slos(const YamlEntry& entry, const TimeModel& time,
                                   bool traffic_declared) const;
  // A request rate with its unit of time ("300/s", "1.2k/m"), in requests per second.
  double parse_rate(const YamlEntry& entry, const std::string& path) const;
  // A component's reliability: a probability, or a mapping with one of observed, beta,
  // lognormal or uniform (input/uncertain_fields.cpp; README "Uncertain inputs"). Returns the
  // point value (the posterior mean) and sets `input` for a mapping.
  double parse_component_reliability(const YamlEntry& entry, const std::string& path,
                                     std::optional<UncertainInput>& input) const;
  // `every: {observed: {outages, over}}` or `every: {uncertain: {gamma | lognormal}}`: an
  // uncertain outage rate; std::nullopt when `every` is neither (a duration distribution).
  std::optional<UncertainInput> parse_uncertain_every(const YamlEntry& entry,
                                                      const std::string& path) const;

 private:
  double parse_positive_number(const YamlEntry& entry, const std::string& path,
                               std::string_view hint) const;
  double parse_plain_number(const YamlEntry& entry, const std::string& path,
                            std::string_view hint) const;
  // Pieces of the uncertain inputs' readers (input/uncertain_fields.cpp): a mapping value, a
  // positive finite parameter, and a lognormal's median (read by `median_of`) and sigma
  // (given as sigma or as an error factor above 1).
  const YAML::Node& uncertain_mapping(const YamlEntry& field, const std::string& at,
                                      std::string_view hint) const;
  double uncertain_parameter(const YamlEntry& field, const std::string& at) const;
  std::pair<double, double> uncertain_lognormal(
      const YAML::Node& map, const std::string& at, std::string_view hint,
      const std::function<double(const YamlEntry&, const std::string&)>& median_of) const;
  DurationDistribution parse_distribution_mapping(const YAML::Node& node, const std::string& path,
                                                  bool zero_allowed) const;
  TrafficProfile parse_traffic(const YamlEntry& entry, double horizon_seconds) const;
  template <std::size_t N>
  void parse_profile(const YamlEntry& entry, const std::string& path, std::array<double, N>& out,
                     std::string_view hint) const;
  SloTarget parse_slo(const YamlEntry& entry, double horizon_seconds) const;
  // target, window and windows of an SLO mapping at `at`; `other` gets the other keys.
  SloTarget parse_slo_fields(
      const YAML::Node& map, const std::string& at, const std::vector<YamlKey>& keys,
      double horizon_seconds,
      const std::function<void(const std::string&, const YamlEntry&)>& other) const;
};

}  // namespace nines
