// The `time.alerting` list of scenario format 3 (model/alerting_model.hpp): alert policies,
// each a list of burn-rate (or error-ratio) rules over a long and an optional short window.
// What refers to components or kinds (needs, delivery, kind) is resolved by the structure
// parser once they are all known.
#include <cmath>
#include <map>

#include "nines/base/number_format.hpp"
#include "nines/input/time_fields.hpp"

namespace nines {
namespace {

const std::vector<YamlKey> kPolicyKeys = {{"name", true},   {"slice", false},    {"kind", false},
                                          {"needs", false}, {"delivery", false}, {"rules", true}};
const std::vector<YamlKey> kRuleKeys = {{"name", false},      {"severity", false},
                                        {"burn_rate", false}, {"error_ratio", false},
                                        {"long", true},       {"short", false}};

constexpr std::string_view kPolicyHint =
    "write a mapping with name and rules, e.g. {name: workbook, rules: [{severity: page, "
    "burn_rate: 14.4, long: 1h, short: 5m}]}";
constexpr std::string_view kRuleHint =
    "write a mapping such as {severity: page, burn_rate: 14.4, long: 1h, short: 5m}";

}  // namespace

std::vector<AlertPolicyDraft> TimeFieldReader::parse_alerting(const YamlEntry& entry,
                                                              const TimeModel& time,
                                                              bool traffic_declared) const {
  const std::string path = "time.alerting";
  if (!traffic_declared || !(time.traffic.rate_per_second > 0)) {
    fail(entry.first.Mark(), path,
         "alert policies evaluate request and error counts, and no requests arrive",
         "declare time.traffic with a positive rate, such as {rate: 300/s}");
  }
  const YAML::Node& list = nonempty_list(entry, path, kPolicyHint);
  if (list.size() > kMaxAlertPolicies) {
    fail(entry.second.Mark(), path,
         std::to_string(list.size()) + " policies are more than the limit of " +
             std::to_string(kMaxAlertPolicies),
         "compare at most 32 policies in one run");
  }
  std::vector<AlertPolicyDraft> drafts;
  std::map<std::string, int> names;
  for_each_mapping(list, path, kPolicyHint, [&](const YAML::Node& item, const std::string& at) {
    AlertPolicyDraft draft;
    draft.path = at;
    AlertPolicy& policy = draft.policy;
    std::optional<YamlEntry> rules;
    YAML::Mark slice_mark = item.Mark();
    walk(item, at, kPolicyKeys, [&](const std::string& key, const YamlEntry& field) {
      const std::string sub = at + "." + key;
      if (key == "name") {
        policy.name = parse_name(field, sub);
        claim_name(policy.name, field.second.Mark(), sub, names, "policy");
      }
      if (key == "slice") {
        slice_mark = field.second.Mark();
        policy.slice_seconds = parse_duration(field, sub);
        const double per_day = 86400 / policy.slice_seconds;
        if (policy.slice_seconds < kMinAlertSliceSeconds || per_day != std::floor(per_day)) {
          fail(field.second.Mark(), sub,
               quoted(field.second.Scalar()) + (policy.slice_seconds < kMinAlertSliceSeconds
                                                    ? " is shorter than 1s"
                                                    : " does not divide a day"),
               "write a whole number of seconds that divides a day, such as 10s, 1m or 5m");
        }
      }
      if (key == "kind") draft.kind = field;
      if (key == "needs") draft.needs = field;
      if (key == "delivery") draft.delivery = field;
      if (key == "rules") rules = field;
    });
    const double slices = std::ceil(time.horizon_seconds / policy.slice_seconds);
    if (slices > static_cast<double>(kMaxAlertSlices)) {
      fail(slice_mark, at + ".slice",
           "the horizon holds " + number_format::general(slices) +
               " slices, more than the limit of " + std::to_string(kMaxAlertSlices),
           "use longer slices or a shorter horizon");
    }
    const YAML::Node& rule_list = nonempty_list(*rules, at + ".rules", kRuleHint);
    if (rule_list.size() > kMaxRulesPerPolicy) {
      fail(rules->second.Mark(), at + ".rules",
           std::to_string(rule_list.size()) + " rules are more than the limit of " +
               std::to_string(kMaxRulesPerPolicy),
           "give a policy at most 32 rules");
    }
    std::map<std::string, int> rule_names;
    for_each_mapping(
        rule_list, at + ".rules", kRuleHint, [&](const YAML::Node& r, const std::string& rp) {
          AlertRule rule;
          std::optional<YamlEntry> name, burn, ratio, long_window, short_window;
          walk(r, rp, kRuleKeys, [&](const std::string& key, const YamlEntry& field) {
            const std::string sub = rp + "." + key;
            if (key == "name") name = field;
            if (key == "severity") {
              constexpr std::string_view hint = "write page or ticket";
              const std::string& text = scalar(field, sub, hint);
              if (text == "page") {
                rule.severity = AlertSeverity::page;
              } else if (text == "ticket") {
                rule.severity = AlertSeverity::ticket;
              } else {
                fail(field.second.Mark(), sub, quoted(text) + " is not a severity", hint);
              }
            }
            if (key == "burn_rate") burn = field;
            if (key == "error_ratio") ratio = field;
            if (key == "long") long_window = field;
            if (key == "short") short_window = field;
          });
          const auto whole_slices = [&](const YamlEntry& field, const std::string& sub) {
            const double seconds = parse_duration(field, sub);
            if (seconds > kMaxAlertWindowSeconds) {
              fail(field.second.Mark(), sub, quoted(field.second.Scalar()) + " is longer than 90d",
                   "write a window of at most 90d");
            }
            if (seconds > time.horizon_seconds) {
              fail(field.second.Mark(), sub,
                   quoted(field.second.Scalar()) + " is longer than the horizon (" +
                       number_format::duration_unit(time.horizon_seconds) + ")",
                   "write a window of at most the horizon");
            }
            const double n = seconds / policy.slice_seconds;
            if (std::fabs(n - std::round(n)) > 1e-9 * n) {
              fail(field.second.Mark(), sub,
                   quoted(field.second.Scalar()) + " is not a whole number of slices (" +
                       number_format::duration_unit(policy.slice_seconds) + ")",
                   "write a multiple of the policy's slice");
            }
            return static_cast<std::uint32_t>(std::llround(n));
          };
          rule.long_slices = whole_slices(*long_window, rp + ".long");
          if (short_window) {
            rule.short_slices = whole_slices(*short_window, rp + ".short");
            if (rule.short_slices >= rule.long_slices) {
              fail(short_window->second.Mark(), rp + ".short",
                   quoted(short_window->second.Scalar()) + " is not shorter than long (" +
                       quoted(long_window->second.Scalar()) + ")",
                   "the short window confirms the long one is still burning: make it shorter, "
                   "typically long / 12");
            }
          }
          if (burn.has_value() == ratio.has_value()) {
            fail(burn ? ratio->first.Mark() : r.Mark(), rp,
                 burn ? "both burn_rate and error_ratio are given" : "no threshold given",
                 "give burn_rate (a multiple of the SLO's error budget rate, such as 14.4) or "
                 "error_ratio (such as 0.1%)");
          }
          if (burn) {
            constexpr std::string_view hint = "write a positive number such as 14.4";
            if (!time.slo) {
              fail(burn->first.Mark(), rp + ".burn_rate",
                   "a burn rate is relative to the SLO, and time.slo is not given",
                   "declare time.slo (such as {target: 99.9%, window: 30d}), or give error_ratio");
            }
            rule.burn_rate =
                parse_number(*burn, rp + ".burn_rate", hint, NumberRange::non_negative);
            if (!(rule.burn_rate > 0))
              fail(burn->second.Mark(), rp + ".burn_rate", quoted(burn->second.Scalar()) + " is 0",
                   hint);
            rule.threshold = rule.burn_rate * (1 - time.slo->target);
            if (!(rule.threshold < 1)) {
              fail(burn->second.Mark(), rp + ".burn_rate",
                   quoted(burn->second.Scalar()) + " times the error budget (" +
                       number_format::general(1 - time.slo->target) +
                       ") is an error ratio of at least 1, which no window exceeds",
                   "write a burn rate below " + number_format::general(1 / (1 - time.slo->target)));
            }
          } else {
            constexpr std::string_view hint =
                "write an error ratio strictly between 0 and 1, such as 0.001 or \"0.1%\"";
            rule.threshold =
                parse_number(*ratio, rp + ".error_ratio", hint, NumberRange::probability);
            if (rule.threshold == 0 || rule.threshold == 1) {
              fail(ratio->second.Mark(), rp + ".error_ratio",
                   quoted(ratio->second.Scalar()) + (rule.threshold == 0 ? " is 0" : " is 1"),
                   hint);
            }
          }
          if (name) {
            rule.name = parse_name(*name, rp + ".name");
            claim_name(rule.name, name->second.Mark(), rp + ".name", rule_names, "rule");
          } else {
            rule.name = std::string(to_string(rule.severity)) + "-" +
                        number_format::duration_unit(static_cast<double>(rule.long_slices) *
                                                     policy.slice_seconds);
            if (rule_names.contains(rule.name))
              rule.name += "-" + std::to_string(policy.rules.size() + 1);
            rule_names.emplace(rule.name, line(r.Mark()));
          }
          policy.rules.push_back(std::move(rule));
        });
    drafts.push_back(std::move(draft));
  });
  return drafts;
}

}  // namespace nines
