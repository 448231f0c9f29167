#include "nines/input/time_fields.hpp"

#include <cmath>
#include <vector>

#include "nines/base/number_format.hpp"
#include "nines/input/count_parser.hpp"
#include "nines/input/duration_parser.hpp"

namespace nines {
namespace {

// ln(EF) / sigma for a lognormal's error factor: the standard normal's 95th percentile.
constexpr double kZ95 = 1.6448536269514722;

constexpr std::string_view kShapeHint = "write a positive number such as 1.5";
constexpr std::string_view kMeanDistributionHint =
    "write a duration such as 90d (the mean of an exponential), or a mapping with one of "
    "exponential, weibull, lognormal, gamma or fixed";
constexpr std::string_view kFixedDistributionHint =
    "write a duration such as 5m (a fixed delay), or a mapping with one of exponential, weibull, "
    "lognormal, gamma or fixed";
constexpr std::string_view kDetectionHint =
    "write immediate, a mapping with delay (a duration or a distribution) and optionally "
    "needs (the components detection needs up), or one with alert (a policy of time.alerting) "
    "and optionally acknowledge";
constexpr std::string_view kHistoriesHint =
    "write a whole number of histories from 1 to 4294967296, such as 10000 or 10k";

const std::vector<YamlKey> kTimeKeys = {
    {"horizon", true}, {"histories", true},  {"start", false},
    {"crews", false},  {"detection", false}, {"traffic", false},
    {"slo", false},    {"slos", false},      {"alerting", false}};
const std::vector<YamlKey> kTrafficKeys = {{"rate", true}, {"hourly", false}, {"daily", false}};
const std::vector<YamlKey> kSloKeys = {{"target", true}, {"window", false}, {"windows", false}};
const std::vector<YamlKey> kOutageKeys = {{"every", true}, {"repair", true}};
const std::vector<YamlKey> kDetectionKeys = {
    {"delay", false}, {"needs", false}, {"alert", false}, {"acknowledge", false}};
const std::vector<YamlKey> kDistributionKeys = {{"exponential", false},
                                                {"weibull", false},
                                                {"lognormal", false},
                                                {"gamma", false},
                                                {"fixed", false}};
const std::vector<YamlKey> kWeibullKeys = {{"shape", true}, {"scale", true}};
const std::vector<YamlKey> kLognormalKeys = {
    {"median", true}, {"error_factor", false}, {"sigma", false}};
const std::vector<YamlKey> kGammaKeys = {{"shape", true}, {"scale", false}, {"mean", false}};

// The mapping of a key that must hold one, or a message saying what was found.
const YAML::Node& mapping(const FieldReader& reader, const YamlEntry& entry,
                          const std::string& path, std::string_view hint) {
  const YAML::Node& map = entry.second;
  if (map.IsNull()) reader.fail(entry.first.Mark(), path, "no value given", hint);
  if (!map.IsMap()) reader.fail(map.Mark(), path, "found " + describe(map), hint);
  return map;
}

}  // namespace

double TimeFieldReader::parse_duration(const YamlEntry& entry, const std::string& path,
                                       bool zero_allowed) const {
  const std::string& text = scalar(entry, path, kDurationHint);
  std::string problem;
  auto value = zero_allowed ? parse_duration_text(text, &problem)
                            : parse_positive_duration_text(text, &problem);
  if (value && zero_allowed && *value != 0) value = parse_positive_duration_text(text, &problem);
  if (!value) fail(entry.second.Mark(), path, problem, kDurationHint);
  return *value;
}

double TimeFieldReader::parse_plain_number(const YamlEntry& entry, const std::string& path,
                                           std::string_view hint) const {
  const std::string& text = scalar(entry, path, hint);
  if (!text.empty() && text.back() == '%')
    fail(entry.second.Mark(), path, quoted(text) + " is a percentage", hint);
  std::string problem;
  const auto value = parse_number_text(text, NumberRange::non_negative, &problem);
  if (!value) fail(entry.second.Mark(), path, problem, hint);
  return *value;
}

double TimeFieldReader::parse_positive_number(const YamlEntry& entry, const std::string& path,
                                              std::string_view hint) const {
  const double value = parse_plain_number(entry, path, hint);
  if (!(value > 0))
    fail(entry.second.Mark(), path, quoted(entry.second.Scalar()) + " is not positive", hint);
  return value;
}

DurationDistribution TimeFieldReader::parse_distribution(const YamlEntry& entry,
                                                         const std::string& path,
                                                         ScalarDuration scalar_means,
                                                         bool zero_allowed) const {
  const std::string_view hint =
      scalar_means == ScalarDuration::fixed ? kFixedDistributionHint : kMeanDistributionHint;
  const YAML::Node& node = entry.second;
  if (node.IsNull()) fail(entry.first.Mark(), path, "no value given", hint);
  if (node.IsScalar()) {
    if (scalar_means == ScalarDuration::fixed)
      return DurationDistribution::fixed(parse_duration(entry, path, zero_allowed));
    return DurationDistribution::exponential(parse_duration(entry, path));
  }
  if (!node.IsMap()) fail(node.Mark(), path, "found " + describe(node), hint);
  if (node.size() != 1) {
    fail(node.Mark(), path, "a distribution mapping has " + std::to_string(node.size()) + " keys",
         "give it exactly one of exponential, weibull, lognormal, gamma or fixed");
  }
  DurationDistribution d = parse_distribution_mapping(node, path, zero_allowed);
  if (zero_allowed && d.shape == DurationShape::fixed && d.a == 0) return d;
  const double mean = d.mean();
  if (!std::isfinite(mean)) {
    fail(node.Mark(), path, "the distribution's mean is infinite or too large to represent",
         "choose parameters with a finite mean (a smaller scale, sigma or error factor, or a "
         "larger shape)");
  }
  if (mean < kMinDurationSeconds) {
    fail(node.Mark(), path,
         "the distribution's mean (" + number_format::duration_unit(mean) + ") is below 1 ms",
         "choose parameters with a mean of at least 0.001s");
  }
  return d;
}

DurationDistribution TimeFieldReader::parse_distribution_mapping(const YAML::Node& node,
                                                                 const std::string& path,
                                                                 bool zero_allowed) const {
  DurationDistribution out;
  walk(node, path, kDistributionKeys, [&](const std::string& key, const YamlEntry& field) {
    const std::string sub = path + "." + key;
    if (key == "exponential") out = DurationDistribution::exponential(parse_duration(field, sub));
    if (key == "fixed") out = DurationDistribution::fixed(parse_duration(field, sub, zero_allowed));
    if (key == "weibull") {
      const YAML::Node& map = mapping(*this, field, sub, "write weibull: {shape: 1.5, scale: 90d}");
      double shape = 0, scale = 0;
      walk(map, sub, kWeibullKeys, [&](const std::string& k, const YamlEntry& f) {
        if (k == "shape") shape = parse_positive_number(f, sub + ".shape", kShapeHint);
        if (k == "scale") scale = parse_duration(f, sub + ".scale");
      });
      out = DurationDistribution::weibull(shape, scale);
    }
    if (key == "lognormal") {
      constexpr std::string_view hint =
          "write lognormal: {median: 2h, error_factor: 3} or {median: 2h, sigma: 0.8}";
      const YAML::Node& map = mapping(*this, field, sub, hint);
      double median = 0;
      std::optional<double> sigma;
      std::optional<YamlEntry> spread;
      walk(map, sub, kLognormalKeys, [&](const std::string& k, const YamlEntry& f) {
        if (k == "median") median = parse_duration(f, sub + ".median");
        if (k != "error_factor" && k != "sigma") return;
        if (spread) {
          fail(f.first.Mark(), sub, "both error_factor and sigma are given",
               "give one of them: sigma = ln(error_factor) / 1.6448536");
        }
        spread = f;
        if (k == "sigma")
          sigma = parse_plain_number(f, sub + ".sigma", "write a number >= 0 such as 0.8");
        if (k == "error_factor") {
          constexpr std::string_view ef_hint =
              "write a number >= 1 such as 3 (the 95th percentile over the median)";
          const double ef = parse_plain_number(f, sub + ".error_factor", ef_hint);
          if (ef < 1) {
            fail(f.second.Mark(), sub + ".error_factor",
                 quoted(f.second.Scalar()) + " is less than 1", ef_hint);
          }
          sigma = std::log(ef) / kZ95;
        }
      });
      if (!sigma) {
        fail(map.Mark(), sub, "missing key \"error_factor\" or \"sigma\"",
             "give the spread as error_factor (such as 3) or sigma (such as 0.8)");
      }
      out = DurationDistribution::lognormal(std::log(median), *sigma);
    }
    if (key == "gamma") {
      constexpr std::string_view hint =
          "write gamma: {shape: 2, scale: 1h} or gamma: {shape: 2, mean: 2h}";
      const YAML::Node& map = mapping(*this, field, sub, hint);
      double shape = 0;
      std::optional<double> scale, mean;
      std::optional<YamlEntry> size;
      walk(map, sub, kGammaKeys, [&](const std::string& k, const YamlEntry& f) {
        if (k == "shape") shape = parse_positive_number(f, sub + ".shape", kShapeHint);
        if (k != "scale" && k != "mean") return;
        if (size) {
          fail(f.first.Mark(), sub, "both scale and mean are given",
               "give one of them: mean = shape x scale");
        }
        size = f;
        (k == "scale" ? scale : mean) = parse_duration(f, sub + "." + k);
      });
      if (!size) {
        fail(map.Mark(), sub, "missing key \"scale\" or \"mean\"",
             "give the size as scale (such as 1h) or mean (such as 2h)");
      }
      out = DurationDistribution::gamma(shape, scale ? *scale : *mean / shape);
    }
  });
  return out;
}

OutageProcess TimeFieldReader::parse_outages(const YamlEntry& entry,
                                             const std::string& path) const {
  const YAML::Node& map = mapping(*this, entry, path,
                                  "write a mapping with every (time to failure) and repair "
                                  "(time to repair), e.g. {every: 90d, repair: 45m}");
  OutageProcess process;
  walk(map, path, kOutageKeys, [&](const std::string& key, const YamlEntry& field) {
    const std::string sub = path + "." + key;
    if (key == "every") {
      process.rate_input = parse_uncertain_every(field, sub);
      process.failure = process.rate_input
                            ? DurationDistribution::exponential(
                                  point_mean_time_between_outages(*process.rate_input))
                            : parse_distribution(field, sub, ScalarDuration::exponential_mean);
    }
    if (key == "repair")
      process.repair = parse_distribution(field, sub, ScalarDuration::exponential_mean);
  });
  return process;
}

DetectionDraft TimeFieldReader::parse_detection(const YamlEntry& entry,
                                                const std::string& path) const {
  DetectionDraft draft;
  draft.node = entry.second;
  const YAML::Node& node = entry.second;
  if (node.IsNull()) fail(entry.first.Mark(), path, "no value given", kDetectionHint);
  if (node.IsScalar()) {
    if (node.Scalar() != "immediate")
      fail(node.Mark(), path, quoted(node.Scalar()) + " is not a detection", kDetectionHint);
    return draft;
  }
  if (!node.IsMap()) fail(node.Mark(), path, "found " + describe(node), kDetectionHint);
  draft.detection.immediate = false;
  std::optional<YamlEntry> delay, acknowledge;
  walk(node, path, kDetectionKeys, [&](const std::string& key, const YamlEntry& field) {
    const std::string sub = path + "." + key;
    if (key == "delay") {
      delay = field;
      draft.detection.delay = parse_distribution(field, sub, ScalarDuration::fixed, true);
    }
    if (key == "needs") draft.needs = field;
    if (key == "alert") {
      draft.alert = field;
      scalar(field, sub, "write the name of a policy of time.alerting");
    }
    if (key == "acknowledge") {
      acknowledge = field;
      draft.detection.acknowledge = parse_duration(field, sub, true);
    }
  });
  if (draft.alert) {
    if (delay)
      fail(delay->first.Mark(), path + ".delay", "a detection by alert has no delay",
           "remove delay: the alert decides when the outage is detected (acknowledge adds a "
           "fixed time after the page)");
    if (draft.needs)
      fail(draft.needs->first.Mark(), path + ".needs",
           "a detection by alert needs what its policy needs",
           "remove needs, and give the policy needs (its monitoring) and delivery (its paging)");
  } else {
    if (!delay)
      fail(node.Mark(), path, "missing required key \"delay\"",
           "required keys here are delay, or alert for a detection by alert");
    if (acknowledge)
      fail(acknowledge->first.Mark(), path + ".acknowledge",
           "acknowledge is the time from a page to the start of repair",
           "use it with alert, or add it to the delay");
  }
  return draft;
}

TimeSection TimeFieldReader::parse_time(const YamlEntry& entry) const {
  TimeSection section;
  TimeModel& t = section.time;
  const YAML::Node& map =
      mapping(*this, entry, "time",
              "write a mapping with horizon and histories, e.g. {horizon: 365d, histories: 10k}");
  std::optional<YamlEntry> traffic, slo, slos, alerting;
  walk(map, "time", kTimeKeys, [&](const std::string& key, const YamlEntry& field) {
    const std::string path = "time." + key;
    if (key == "horizon") t.horizon_seconds = parse_horizon(field, path);
    if (key == "histories") t.histories = parse_histories(field, path);
    if (key == "start") {
      constexpr std::string_view hint =
          "write fresh (everything up at the start) or steady (each component drawn from its "
          "long-run state)";
      const std::string& text = scalar(field, path, hint);
      if (text == "fresh") {
        t.start = StartState::fresh;
      } else if (text == "steady") {
        t.start = StartState::steady;
      } else {
        fail(field.second.Mark(), path, quoted(text) + " is not a start state", hint);
      }
    }
    if (key == "crews") t.crews = parse_whole(field, path, 1, kMaxCrews);
    if (key == "detection") {
      section.detection = parse_detection(field, path);
      section.detection_declared = true;
    }
    if (key == "traffic") traffic = field;
    if (key == "slo") slo = field;
    if (key == "slos") slos = field;
    if (key == "alerting") alerting = field;
  });
  // Both are checked against the horizon, wherever the file lists it.
  if (traffic) t.traffic = parse_traffic(*traffic, t.horizon_seconds);
  if (slo) t.slo = parse_slo(*slo, t.horizon_seconds);
  if (slos) section.slos = parse_slos(*slos, t, traffic.has_value());
  if (alerting) section.alerting = parse_alerting(*alerting, t, traffic.has_value());
  return section;
}

double TimeFieldReader::parse_horizon(const YamlEntry& entry, const std::string& path) const {
  const double seconds = parse_duration(entry, path);
  if (seconds > kMaxHorizonSeconds) {
    fail(entry.second.Mark(), path, quoted(entry.second.Scalar()) + " is longer than 1000 years",
         "write a horizon of at most 1000y");
  }
  return seconds;
}

std::uint64_t TimeFieldReader::parse_histories(const YamlEntry& entry,
                                               const std::string& path) const {
  const std::string& text = scalar(entry, path, kHistoriesHint);
  std::string why;
  const auto n = parse_request_count(text, &why);
  if (!n) fail(entry.second.Mark(), path, quoted(text) + " " + why, kHistoriesHint);
  if (*n > kMaxHistories)
    fail(entry.second.Mark(), path, quoted(text) + " is more than 4294967296", kHistoriesHint);
  return *n;
}

double TimeFieldReader::parse_rate(const YamlEntry& entry, const std::string& path) const {
  const std::string& text = scalar(entry, path, kRateHint);
  std::string problem;
  const auto value = parse_rate_text(text, &problem);
  if (!value) fail(entry.second.Mark(), path, problem, kRateHint);
  return *value;
}

TrafficProfile TimeFieldReader::parse_traffic(const YamlEntry& entry,
                                              double horizon_seconds) const {
  TrafficProfile traffic;
  const YAML::Node& map =
      mapping(*this, entry, "time.traffic",
              "write a mapping with rate and optionally hourly and daily, e.g. {rate: 300/s}");
  walk(map, "time.traffic", kTrafficKeys, [&](const std::string& key, const YamlEntry& field) {
    const std::string path = "time.traffic." + key;
    if (key == "rate") {
      traffic.rate_per_second = parse_rate(field, path);
      const double expected = traffic.rate_per_second * horizon_seconds;
      if (expected > kMaxRequestsPerHistory) {
        fail(field.second.Mark(), path,
             quoted(field.second.Scalar()) + " over the horizon of " +
                 number_format::duration_unit(horizon_seconds) + " makes " +
                 number_format::general(expected) + " requests per history",
             "keep rate x horizon at most 2^53 (about 9e15) requests");
      }
    }
    if (key == "hourly") {
      parse_profile(field, path, traffic.hourly,
                    "list 24 non-negative multipliers, one per hour from 00:00, not all 0 "
                    "(they are normalised to mean 1)");
      traffic.hourly_declared = true;
    }
    if (key == "daily") {
      parse_profile(field, path, traffic.daily,
                    "list 7 non-negative multipliers, one per day from Monday, not all 0 (they "
                    "are normalised to mean 1)");
      traffic.daily_declared = true;
    }
  });
  return traffic;
}

template <std::size_t N>
void TimeFieldReader::parse_profile(const YamlEntry& entry, const std::string& path,
                                    std::array<double, N>& out, std::string_view hint) const {
  const YAML::Node& list = nonempty_list(entry, path, hint);
  if (list.size() != N) {
    fail(list.Mark(), path, std::to_string(list.size()) + " numbers are listed", hint);
  }
  double sum = 0;
  std::size_t i = 0;
  for (const YAML::Node& item : list) {
    const double value =
        parse_plain_number(YamlEntry{item, item}, path + "[" + std::to_string(i) + "]", hint);
    out[i++] = value;
    sum += value;
  }
  if (!(sum > 0)) fail(list.Mark(), path, "every multiplier is 0", hint);
  if (!std::isfinite(sum)) fail(list.Mark(), path, "the multipliers sum to infinity", hint);
  // Mean 1, so that `rate` stays the average rate whatever the profile's scale.
  for (double& v : out) v = v * static_cast<double>(N) / sum;
}

SloTarget TimeFieldReader::parse_slo(const YamlEntry& entry, double horizon_seconds) const {
  const YAML::Node& map = mapping(*this, entry, "time.slo",
                                  "write a mapping with target and optionally window and "
                                  "windows, e.g. {target: 99.9%, window: 30d}");
  return parse_slo_fields(map, "time.slo", kSloKeys, horizon_seconds, {});
}

SloTarget TimeFieldReader::parse_slo_fields(
    const YAML::Node& map, const std::string& at, const std::vector<YamlKey>& keys,
    double horizon_seconds,
    const std::function<void(const std::string&, const YamlEntry&)>& other) const {
  SloTarget slo;
  std::optional<YamlEntry> window;
  YAML::Mark windows_mark = map.Mark();
  walk(map, at, keys, [&](const std::string& key, const YamlEntry& field) {
    const std::string path = at + "." + key;
    if (key == "target") {
      constexpr std::string_view hint =
          "write an availability strictly between 0 and 1, such as 0.999 or \"99.9%\"";
      slo.target = parse_number(field, path, hint, NumberRange::probability);
      if (slo.target == 0 || slo.target == 1) {
        fail(field.second.Mark(), path,
             quoted(field.second.Scalar()) + (slo.target == 0 ? " is 0" : " is 1"), hint);
      }
    } else if (key == "window") {
      window = field;
      constexpr std::string_view hint = "write a whole number of days, such as 30d or 4w";
      slo.window_seconds = parse_duration(field, path);
      const double days = slo.window_seconds / 86400;
      if (days != std::floor(days)) {
        fail(field.second.Mark(), path, quoted(field.second.Scalar()) + " is not whole days", hint);
      }
    } else if (key == "windows") {
      constexpr std::string_view hint = "write rolling, tumbling or calendar-months";
      const std::string& text = scalar(field, path, hint);
      windows_mark = field.second.Mark();
      if (text == "rolling") {
        slo.windows = SloWindows::rolling;
      } else if (text == "tumbling") {
        slo.windows = SloWindows::tumbling;
      } else if (text == "calendar-months") {
        slo.windows = SloWindows::calendar_months;
      } else {
        fail(field.second.Mark(), path, quoted(text) + " is not a kind of window", hint);
      }
    } else if (other) {
      other(key, field);
    }
  });
  if (slo.windows == SloWindows::calendar_months) {
    if (window) {
      fail(window->first.Mark(), at + ".window",
           "calendar months have their own lengths (31d, 28d, 31d, ...)",
           "remove window, or use rolling or tumbling windows");
    }
    if (horizon_seconds < 31 * 86400.0) {
      fail(windows_mark, at + ".windows",
           "the horizon (" + number_format::duration_unit(horizon_seconds) +
               ") holds no whole calendar month",
           "make the horizon at least 31d, or use rolling or tumbling windows");
    }
  } else if (slo.window_seconds > horizon_seconds) {
    fail(window ? window->second.Mark() : map.Mark(), at + ".window",
         (window ? quoted(window->second.Scalar()) : std::string("the default of 30d")) +
             " is longer than the horizon (" + number_format::duration_unit(horizon_seconds) + ")",
         "write a window of at most the horizon");
  }
  return slo;
}

}  // namespace nines
