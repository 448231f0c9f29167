#include "nines/run/launched_by_mpi.hpp"

#include <cstdlib>
#include <initializer_list>

namespace nines {

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

}  // namespace nines
