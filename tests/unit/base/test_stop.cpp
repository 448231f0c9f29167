// Cooperative stopping: the flag every long phase polls, and the exception that ends a phase
// with nothing to return.
#include "nines/base/stop.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <type_traits>

TEST_CASE("a null stop flag is never set", "[stop]") {
  CHECK_FALSE(nines::stop_requested(nullptr));
  CHECK_NOTHROW(nines::throw_if_stopped(nullptr));
}

TEST_CASE("a stop flag is seen once set", "[stop]") {
  std::atomic<bool> flag{false};
  CHECK_FALSE(nines::stop_requested(&flag));
  CHECK_NOTHROW(nines::throw_if_stopped(&flag));
  flag = true;
  CHECK(nines::stop_requested(&flag));
  CHECK_THROWS_AS(nines::throw_if_stopped(&flag), nines::Interrupted);
  CHECK_THROWS_WITH(nines::throw_if_stopped(&flag), "interrupted");
  flag = false;
  CHECK_FALSE(nines::stop_requested(&flag));
}

TEST_CASE("Interrupted is an error but not the user's input error", "[stop]") {
  // The CLI maps Interrupted to exit code 130 and InputError to 2: they must stay apart.
  static_assert(std::is_base_of_v<nines::Error, nines::Interrupted>);
  static_assert(!std::is_base_of_v<nines::InputError, nines::Interrupted>);
  static_assert(!std::is_base_of_v<nines::IOError, nines::Interrupted>);
  CHECK(std::string(nines::Interrupted().what()) == "interrupted");
}
