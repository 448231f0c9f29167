#pragma once
// What every report of a run states besides its conclusion: the run's settings, where its file
// went, how many threads sampled it and how long it took.
#include <string>

#include "nines/model/run_info.hpp"

namespace nines {

struct RunFacts {
  const RunInfo& info;
  std::string output_path;  // empty when no file was written
  int threads = 1;
  double elapsed_seconds = 0;  // sampling and writing the file; <= 0 if unknown
};

}  // namespace nines
