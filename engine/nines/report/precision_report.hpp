#pragma once
// How a run with --target-precision stopped, as the chain and structure reports print it: one
// line of the text table and the "precision" object of summary in the JSON.
#include <string>

#include "nines/base/json_document.hpp"
#include "nines/summary/summary.hpp"

namespace nines {

// "reached 1% at checkpoint 12: ±0.98% after 3,145,728 of 10,000,000 requests", or "not
// reached: ..." when the cap came first. No label, no newline.
std::string precision_text(const PrecisionOutcome& precision);

// {target, reached, achieved, checkpoint, requests_sampled, requests_cap}: the HDF5 root
// attributes target_precision, precision_reached, precision_achieved, precision_checkpoint,
// requests and requests_cap.
Json precision_json(const PrecisionOutcome& precision);

}  // namespace nines
