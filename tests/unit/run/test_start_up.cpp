// Start-up failures are kept with the exit code they call for, so MPI ranks can agree first.
#include "nines/run/start_up.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

TEST_CASE("start_up keeps what start-up threw and the exit code it calls for", "[start_up]") {
  int ran = 0;
  const nines::StartUp fine = nines::start_up([&] { ++ran; });
  CHECK(ran == 1);
  CHECK_FALSE(fine.failure);
  CHECK(fine.code == 0);

  const nines::StartUp input = nines::start_up([] { throw nines::InputError("bad file"); });
  CHECK(input.code == 2);
  CHECK_THROWS_WITH(std::rethrow_exception(input.failure), "bad file");

  const nines::StartUp system = nines::start_up([] { throw std::runtime_error("disk full"); });
  CHECK(system.code == 1);
  CHECK_THROWS_AS(std::rethrow_exception(system.failure), std::runtime_error);
}
