// Uncertain inputs as a scenario file writes them (README "Uncertain inputs"):
//   reliability: 0.999                                          a point value, as always
//   reliability: {observed: {failures: 12, requests: 3.1M}}     Beta posterior, Jeffreys prior
//   reliability: {observed: {failures: 12, requests: 3.1M, prior: {beta: {alpha: 1, beta: 1}}}}
//   reliability: {beta: {alpha: 2, beta: 2000}}                 of the failure probability q
//   reliability: {lognormal: {median: 1e-4, error_factor: 3}}   of q, truncated to q <= 1
//   reliability: {uniform: {low: 0.0001, high: 0.001}}          of q
//   outages: {every: {observed: {outages: 4, over: 365d}}, ...}  Gamma posterior on the rate
//   outages: {every: {uncertain: {gamma: {shape: 4.5, over: 365d}}}, ...}
//   outages: {every: {uncertain: {lognormal: {median: 90d, error_factor: 3}}}, ...}
// The distributions are of the small quantity (failure probability, rate), as in the Open-PSA
// model exchange format; model/uncertain_input.hpp has the conjugate updates.
#include <cmath>
#include <string>

#include "nines/base/number_format.hpp"
#include "nines/input/count_parser.hpp"
#include "nines/input/time_fields.hpp"

namespace nines {
namespace {

constexpr double kZ95 = 1.6448536269514722;  // ln(EF) / sigma

constexpr std::string_view kUncertainReliabilityHint =
    "write a probability such as 0.999, or a mapping with one of observed (such as {observed: "
    "{failures: 12, requests: 3.1M}}), beta, lognormal or uniform";
constexpr std::string_view kUncertainEveryHint =
    "write {observed: {outages: 4, over: 365d}} or {uncertain: {gamma: {shape: 4.5, over: "
    "365d}}} or {uncertain: {lognormal: {median: 90d, error_factor: 3}}}";
constexpr std::string_view kPositiveHint = "write a positive number such as 0.5 or 12";
constexpr std::string_view kEfHint =
    "write a number above 1 such as 3 (the 95th percentile over the median)";
constexpr std::string_view kQHint =
    "write the failure probability per call (1 - reliability), such as 0.0001 or \"0.01%\"";

const std::vector<YamlKey> kReliabilityKeys = {
    {"observed", false}, {"beta", false}, {"lognormal", false}, {"uniform", false}};
const std::vector<YamlKey> kObservedCallsKeys = {
    {"failures", true}, {"requests", true}, {"prior", false}};
const std::vector<YamlKey> kObservedOutageKeys = {
    {"outages", true}, {"over", true}, {"prior", false}};
const std::vector<YamlKey> kBetaKeys = {{"alpha", true}, {"beta", true}};
const std::vector<YamlKey> kBetaPriorKeys = {{"beta", false}};
const std::vector<YamlKey> kGammaPriorKeys = {{"gamma", false}};
const std::vector<YamlKey> kRateGammaKeys = {{"shape", true}, {"over", true}};
const std::vector<YamlKey> kLognormalKeys = {
    {"median", true}, {"error_factor", false}, {"sigma", false}};
const std::vector<YamlKey> kUniformKeys = {{"low", true}, {"high", true}};
const std::vector<YamlKey> kEveryKeys = {{"observed", false}, {"uncertain", false}};
const std::vector<YamlKey> kUncertainRateKeys = {{"gamma", false}, {"lognormal", false}};

std::string count_text(double n) {
  return number_format::integer(static_cast<std::uint64_t>(n));
}

}  // namespace

const YAML::Node& TimeFieldReader::uncertain_mapping(const YamlEntry& field, const std::string& at,
                                                     std::string_view hint) const {
  if (field.second.IsNull()) fail(field.first.Mark(), at, "no value given", hint);
  if (!field.second.IsMap()) fail(field.second.Mark(), at, "found " + describe(field.second), hint);
  return field.second;
}

double TimeFieldReader::uncertain_parameter(const YamlEntry& field, const std::string& at) const {
  const double x = parse_positive_number(field, at, kPositiveHint);
  if (!std::isfinite(x))
    fail(field.second.Mark(), at, quoted(field.second.Scalar()) + " is not finite", kPositiveHint);
  return x;
}

std::pair<double, double> TimeFieldReader::uncertain_lognormal(
    const YAML::Node& map, const std::string& at, std::string_view hint,
    const std::function<double(const YamlEntry&, const std::string&)>& median_of) const {
  double median = 0, sigma = 0;
  bool spread = false;
  walk(map, at, kLognormalKeys, [&](const std::string& k, const YamlEntry& f) {
    if (k == "median") {
      median = median_of(f, at + ".median");
      return;
    }
    if (spread) {
      fail(f.first.Mark(), at, "both error_factor and sigma are given",
           "give one of them: sigma = ln(error_factor) / 1.6448536");
    }
    spread = true;
    const double x = uncertain_parameter(f, at + "." + k);
    if (k == "error_factor" && !(x > 1))
      fail(f.second.Mark(), at + ".error_factor", quoted(f.second.Scalar()) + " is not above 1",
           kEfHint);
    sigma = k == "sigma" ? x : std::log(x) / kZ95;
  });
  if (!spread) fail(map.Mark(), at, "missing key \"error_factor\" or \"sigma\"", hint);
  return {median, sigma};
}

double TimeFieldReader::parse_component_reliability(const YamlEntry& entry, const std::string& path,
                                                    std::optional<UncertainInput>& input) const {
  const YAML::Node& node = entry.second;
  if (!node.IsMap()) {
    if (node.IsSequence())
      fail(node.Mark(), path, "found " + describe(node), kUncertainReliabilityHint);
    return parse_reliability(entry, path);
  }
  if (node.size() != 1) {
    fail(node.Mark(), path, "an uncertain reliability has " + std::to_string(node.size()) + " keys",
         "give it exactly one of observed, beta, lognormal or uniform");
  }
  const auto count = [&](const YamlEntry& field, const std::string& at, std::string_view hint) {
    const std::string& text = scalar(field, at, hint);
    if (text == "0") return 0.0;
    std::string why;
    const auto n = parse_request_count(text, &why);
    if (!n)
      fail(field.second.Mark(), at, quoted(text) + " is not a whole number of at least 0", hint);
    return static_cast<double>(*n);
  };
  const auto probability = [&](const YamlEntry& field, const std::string& at) {
    return parse_number(field, at, kQHint, NumberRange::probability);
  };

  UncertainInput in;
  in.quantity = UncertainQuantity::reliability;
  walk(node, path, kReliabilityKeys, [&](const std::string& key, const YamlEntry& field) {
    const std::string sub = path + "." + key;
    if (key == "observed") {
      constexpr std::string_view hint =
          "write observed: {failures: 12, requests: 3.1M} (failed calls out of calls seen)";
      const YAML::Node& map = uncertain_mapping(field, sub, hint);
      double failures = 0, requests = 0, a0 = 0.5, b0 = 0.5;
      YAML::Mark failures_mark;
      bool jeffreys = true;
      walk(map, sub, kObservedCallsKeys, [&](const std::string& k, const YamlEntry& f) {
        if (k == "failures") {
          failures = count(f, sub + ".failures", hint);
          failures_mark = f.second.Mark();
        }
        if (k == "requests") requests = count(f, sub + ".requests", hint);
        if (k == "prior") {
          constexpr std::string_view prior_hint =
              "write prior: {beta: {alpha: 1, beta: 1}} (a prior on the failure probability; "
              "without one: Jeffreys' Beta(0.5, 0.5))";
          const YAML::Node& prior = uncertain_mapping(f, sub + ".prior", prior_hint);
          walk(prior, sub + ".prior", kBetaPriorKeys, [&](const std::string&, const YamlEntry& p) {
            const std::string at = sub + ".prior.beta";
            walk(uncertain_mapping(p, at, prior_hint), at, kBetaKeys,
                 [&](const std::string& kk, const YamlEntry& pp) {
                   (kk == "alpha" ? a0 : b0) = uncertain_parameter(pp, at + "." + kk);
                 });
            jeffreys = false;
          });
          if (jeffreys) fail(prior.Mark(), sub + ".prior", "no distribution given", prior_hint);
        }
      });
      if (requests == 0)
        fail(map.Mark(), sub + ".requests", "\"0\" requests were observed",
             "write the number of calls seen, at least 1");
      if (failures > requests) {
        fail(failures_mark, sub + ".failures",
             quoted(count_text(failures)) + " is more than the requests observed (" +
                 count_text(requests) + ")",
             "write how many of the observed requests failed");
      }
      in.shape = UncertainShape::beta;
      in.a = failures + a0;
      in.b = requests - failures + b0;
      in.origin = "observed " + count_text(failures) + " failures in " + count_text(requests) +
                  " requests, " +
                  (jeffreys ? std::string("Jeffreys prior Beta(0.5, 0.5)")
                            : "prior Beta(" + number_format::general(a0) + ", " +
                                  number_format::general(b0) + ")");
    }
    if (key == "beta") {
      const YAML::Node& map = uncertain_mapping(
          field, sub, "write beta: {alpha: 2, beta: 2000} (of the failure probability)");
      walk(map, sub, kBetaKeys, [&](const std::string& k, const YamlEntry& f) {
        (k == "alpha" ? in.a : in.b) = uncertain_parameter(f, sub + "." + k);
      });
      in.shape = UncertainShape::beta;
      in.origin = "failure probability ~ " + in.describe();
    }
    if (key == "lognormal") {
      constexpr std::string_view hint =
          "write lognormal: {median: 1e-4, error_factor: 3} (of the failure probability) or "
          "{median: 1e-4, sigma: 0.7}";
      const YAML::Node& map = uncertain_mapping(field, sub, hint);
      const auto [median, sigma] =
          uncertain_lognormal(map, sub, hint, [&](const YamlEntry& f, const std::string& at) {
            const double m = probability(f, at);
            if (!(m > 0 && m < 1))
              fail(f.second.Mark(), at,
                   quoted(f.second.Scalar()) + " is not strictly between 0 and 1", kQHint);
            return m;
          });
      in.shape = UncertainShape::lognormal;
      in.a = std::log(median);
      in.b = sigma;
      in.origin = "failure probability ~ lognormal(median " + number_format::general(median) +
                  ", error factor " + number_format::general(std::exp(sigma * kZ95)) + ")";
    }
    if (key == "uniform") {
      constexpr std::string_view hint =
          "write uniform: {low: 0.0001, high: 0.001} (of the failure probability, low < high)";
      const YAML::Node& map = uncertain_mapping(field, sub, hint);
      YAML::Mark high_mark;
      walk(map, sub, kUniformKeys, [&](const std::string& k, const YamlEntry& f) {
        (k == "low" ? in.a : in.b) = probability(f, sub + "." + k);
        if (k == "high") high_mark = f.second.Mark();
      });
      if (!(in.a < in.b)) fail(high_mark, sub + ".high", "is not above low", hint);
      in.shape = UncertainShape::uniform;
      in.origin = "failure probability ~ " + in.describe();
    }
  });
  input = in;
  return point_reliability(in);
}

std::optional<UncertainInput> TimeFieldReader::parse_uncertain_every(
    const YamlEntry& entry, const std::string& path) const {
  const YAML::Node& node = entry.second;
  if (!node.IsMap() || node.size() != 1) return std::nullopt;
  const std::string key = node.begin()->first.IsScalar() ? node.begin()->first.Scalar() : "";
  if (key != "observed" && key != "uncertain") return std::nullopt;
  UncertainInput in;
  in.quantity = UncertainQuantity::outage_rate;
  walk(node, path, kEveryKeys, [&](const std::string& k, const YamlEntry& field) {
    const std::string sub = path + "." + k;
    if (k == "observed") {
      constexpr std::string_view hint =
          "write observed: {outages: 4, over: 365d} (outages seen over that much time)";
      const YAML::Node& map = uncertain_mapping(field, sub, hint);
      double outages = 0, over = 0, k0 = 0.5, t0 = 0;
      bool jeffreys = true;
      walk(map, sub, kObservedOutageKeys, [&](const std::string& kk, const YamlEntry& f) {
        if (kk == "outages") {
          const std::string& text = scalar(f, sub + ".outages", hint);
          std::string why;
          const auto n = parse_whole_text(text, 0, std::uint64_t{1} << 40, &why);
          if (!n) fail(f.second.Mark(), sub + ".outages", why, hint);
          outages = static_cast<double>(*n);
        }
        if (kk == "over") over = parse_duration(f, sub + ".over");
        if (kk == "prior") {
          constexpr std::string_view prior_hint =
              "write prior: {gamma: {shape: 1, over: 180d}} (prior outages over prior exposure; "
              "without one: Jeffreys' Gamma(0.5, 0))";
          const YAML::Node& prior = uncertain_mapping(f, sub + ".prior", prior_hint);
          walk(prior, sub + ".prior", kGammaPriorKeys, [&](const std::string&, const YamlEntry& p) {
            const std::string at = sub + ".prior.gamma";
            walk(uncertain_mapping(p, at, prior_hint), at, kRateGammaKeys,
                 [&](const std::string& g, const YamlEntry& pp) {
                   if (g == "shape") k0 = uncertain_parameter(pp, at + ".shape");
                   if (g == "over") t0 = parse_duration(pp, at + ".over");
                 });
            jeffreys = false;
          });
          if (jeffreys) fail(prior.Mark(), sub + ".prior", "no distribution given", prior_hint);
        }
      });
      in.shape = UncertainShape::gamma;
      in.a = outages + k0;
      in.b = over + t0;
      in.origin = "observed " + count_text(outages) + " outages over " +
                  number_format::duration_unit(over) + ", " +
                  (jeffreys ? std::string("Jeffreys prior Gamma(0.5, 0)")
                            : "prior Gamma(" + number_format::general(k0) + ", " +
                                  number_format::duration_unit(t0) + ")");
    }
    if (k == "uncertain") {
      const YAML::Node& map = uncertain_mapping(field, sub, kUncertainEveryHint);
      if (map.size() != 1)
        fail(map.Mark(), sub, "give exactly one of gamma or lognormal", kUncertainEveryHint);
      walk(map, sub, kUncertainRateKeys, [&](const std::string& shape, const YamlEntry& f) {
        const std::string at = sub + "." + shape;
        if (shape == "gamma") {
          walk(uncertain_mapping(f, at, kUncertainEveryHint), at, kRateGammaKeys,
               [&](const std::string& g, const YamlEntry& pp) {
                 if (g == "shape") in.a = uncertain_parameter(pp, at + ".shape");
                 if (g == "over") in.b = parse_duration(pp, at + ".over");
               });
          in.shape = UncertainShape::gamma;
          in.origin = "outage rate ~ " + in.describe();
        }
        if (shape == "lognormal") {
          const auto [median, sigma] = uncertain_lognormal(
              uncertain_mapping(f, at, kUncertainEveryHint), at, kUncertainEveryHint,
              [&](const YamlEntry& m, const std::string& where) {
                return parse_duration(m, where);
              });
          // The time between outages is lognormal with this median: the rate is lognormal with
          // median 1 / median and the same sigma.
          in.shape = UncertainShape::lognormal;
          in.a = -std::log(median);
          in.b = sigma;
          in.origin = "mean time between outages ~ lognormal(median " +
                      number_format::duration_unit(median) + ", error factor " +
                      number_format::general(std::exp(sigma * kZ95)) + ")";
        }
      });
    }
  });
  const double mean_time = point_mean_time_between_outages(in);
  if (!(std::isfinite(mean_time) && mean_time >= kMinDurationSeconds)) {
    fail(node.Mark(), path,
         "the mean time between outages (1 / the mean rate) is not a duration of at least 1 ms",
         "observe over a longer time or give a prior with a finite mean rate");
  }
  return in;
}

}  // namespace nines
