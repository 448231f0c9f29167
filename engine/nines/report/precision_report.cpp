#include "nines/report/precision_report.hpp"

#include <cmath>

#include "nines/base/number_format.hpp"

namespace nines {
namespace {

using namespace number_format;

// 0.01 -> "1%", 0.0125 -> "1.25%": three significant digits, as people write a target.
std::string relative_percent(double x) {
  if (!std::isfinite(x)) return "∞";
  return printf_string("%.3g%%", 100 * x);
}

}  // namespace

std::string precision_text(const PrecisionOutcome& p) {
  const std::string where = "checkpoint " + std::to_string(p.checkpoint) + ": ±" +
                            relative_percent(p.achieved) + " after " + integer(p.requests_sampled) +
                            " of " + integer(p.requests_cap) + " requests";
  if (p.reached) return "target ±" + relative_percent(p.target) + " reached at " + where;
  return "target ±" + relative_percent(p.target) + " NOT reached (the -n cap came first) at " +
         where;
}

Json precision_json(const PrecisionOutcome& p) {
  Json out = Json::object();
  out["target"] = p.target;
  out["reached"] = p.reached;
  out["achieved"] = p.achieved;  // infinite (null) without failures
  out["checkpoint"] = p.checkpoint;
  out["requests_sampled"] = p.requests_sampled;
  out["requests_cap"] = p.requests_cap;
  return out;
}

}  // namespace nines
