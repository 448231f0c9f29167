// The `time.slos` list of scenario format 3 (model/slo_model.hpp): SLOs as objects, each over
// a request kind or the traffic mix, budgeted by occurrences or by timeslices. The kind is
// resolved by the structure parser once the kinds are known.
#include <cmath>
#include <map>

#include "nines/base/number_format.hpp"
#include "nines/input/time_fields.hpp"

namespace nines {
namespace {

const std::vector<YamlKey> kSloObjectKeys = {{"name", true},
                                             {"kind", false},
                                             {"target", true},
                                             {"window", false},
                                             {"windows", false},
                                             {"budgeting_method", false},
                                             {"time_slice_target", false},
                                             {"time_slice_window", false}};

constexpr std::string_view kSloHint =
    "write a mapping with name and target, e.g. {name: checkout, kind: checkout, target: 99.9%, "
    "window: 30d}";

}  // namespace

std::vector<SloDraft> TimeFieldReader::parse_slos(const YamlEntry& entry, const TimeModel& time,
                                                  bool traffic_declared) const {
  const std::string path = "time.slos";
  if (!traffic_declared || !(time.traffic.rate_per_second > 0)) {
    fail(entry.first.Mark(), path, "an SLO counts good and failed requests, and no requests arrive",
         "declare time.traffic with a positive rate, such as {rate: 300/s}");
  }
  const YAML::Node& list = nonempty_list(entry, path, kSloHint);
  if (list.size() > kMaxSlos) {
    fail(entry.second.Mark(), path,
         std::to_string(list.size()) + " SLOs are more than the limit of " +
             std::to_string(kMaxSlos),
         "declare at most 32 SLOs in one run");
  }
  std::vector<SloDraft> drafts;
  std::map<std::string, int> names;
  for_each_mapping(list, path, kSloHint, [&](const YAML::Node& item, const std::string& at) {
    SloDraft draft;
    draft.path = at;
    SloObjective& slo = draft.slo;
    std::optional<YamlEntry> method, slice_target, slice_window;
    slo.objective =
        parse_slo_fields(item, at, kSloObjectKeys, time.horizon_seconds,
                         [&](const std::string& key, const YamlEntry& field) {
                           if (key == "name") {
                             slo.name = parse_name(field, at + ".name");
                             claim_name(slo.name, field.second.Mark(), at + ".name", names, "SLO");
                           }
                           if (key == "kind") draft.kind = field;
                           if (key == "budgeting_method") method = field;
                           if (key == "time_slice_target") slice_target = field;
                           if (key == "time_slice_window") slice_window = field;
                         });
    if (method) {
      constexpr std::string_view hint = "write occurrences or timeslices";
      const std::string sub = at + ".budgeting_method";
      const std::string& text = scalar(*method, sub, hint);
      if (text == "occurrences") {
        slo.budgeting = SloBudgeting::occurrences;
      } else if (text == "timeslices") {
        slo.budgeting = SloBudgeting::timeslices;
      } else {
        fail(method->second.Mark(), sub, quoted(text) + " is not a budgeting method", hint);
      }
    }
    if (slo.budgeting == SloBudgeting::occurrences) {
      for (const auto* field : {&slice_target, &slice_window})
        if (*field) {
          fail((*field)->first.Mark(), at + "." + (*field)->first.Scalar(),
               "only an SLO budgeted by timeslices has time slices",
               "add budgeting_method: timeslices, or remove it");
        }
      drafts.push_back(std::move(draft));
      return;
    }
    if (!slice_target) {
      fail(method->first.Mark(), at,
           "an SLO budgeted by timeslices needs time_slice_target (when a slice is good)",
           "add time_slice_target, such as 95% (a slice is good when at least 95% of its "
           "requests succeed)");
    }
    {
      constexpr std::string_view hint =
          "write a share of good requests strictly between 0 and 1, such as 0.95 or \"95%\"";
      const std::string sub = at + ".time_slice_target";
      slo.time_slice_target = parse_number(*slice_target, sub, hint, NumberRange::probability);
      if (slo.time_slice_target == 0 || slo.time_slice_target == 1) {
        fail(slice_target->second.Mark(), sub,
             quoted(slice_target->second.Scalar()) +
                 (slo.time_slice_target == 0 ? " is 0" : " is 1"),
             hint);
      }
    }
    if (slice_window) {
      const std::string sub = at + ".time_slice_window";
      slo.time_slice_seconds = parse_duration(*slice_window, sub);
      const double per_day = 86400 / slo.time_slice_seconds;
      if (slo.time_slice_seconds < kMinAlertSliceSeconds || per_day != std::floor(per_day)) {
        fail(slice_window->second.Mark(), sub,
             quoted(slice_window->second.Scalar()) + (slo.time_slice_seconds < kMinAlertSliceSeconds
                                                          ? " is shorter than 1s"
                                                          : " does not divide a day"),
             "write a whole number of seconds that divides a day, such as 10s, 1m or 5m");
      }
    }
    const double slices = std::ceil(time.horizon_seconds / slo.time_slice_seconds);
    if (slices > static_cast<double>(kMaxAlertSlices)) {
      fail(slice_window ? slice_window->second.Mark() : item.Mark(), at + ".time_slice_window",
           "the horizon holds " + number_format::general(slices) +
               " slices, more than the limit of " + std::to_string(kMaxAlertSlices),
           "use longer slices or a shorter horizon");
    }
    drafts.push_back(std::move(draft));
  });
  return drafts;
}

}  // namespace nines
