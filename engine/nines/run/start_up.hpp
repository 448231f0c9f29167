#pragma once
// A run's or a sweep's start-up (opening files, building kernels) as one step whose failure is
// kept rather than thrown at once: under MPI the ranks first agree on whether every one of them
// started, so that none is left waiting for a peer that has already given up.
#include <exception>
#include <utility>

#include "nines/base/error.hpp"

namespace nines {

struct StartUp {
  std::exception_ptr failure;  // what start-up threw; null when it succeeded
  int code = 0;                // the exit code it calls for: 2 for an InputError, 1 otherwise
};

template <class Start>
StartUp start_up(Start&& start) {
  StartUp out;
  try {
    std::forward<Start>(start)();
  } catch (const InputError&) {
    out = {std::current_exception(), 2};
  } catch (...) {
    out = {std::current_exception(), 1};
  }
  return out;
}

}  // namespace nines
