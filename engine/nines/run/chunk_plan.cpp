#include "nines/run/chunk_plan.hpp"

#include <stdexcept>

namespace nines {

void ChunkPlan::check() const {
  if (requests == 0) throw std::invalid_argument("ChunkPlan: requests must be positive");
  if (chunk_requests == 0 || chunk_requests % 2 != 0)
    throw std::invalid_argument("ChunkPlan: chunk_requests must be positive and even");
}

}  // namespace nines
