// The MPI door: a process not started by a launcher is a world of one whose collectives are
// identities, whether or not this nines was built with MPI.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "nines/run/mpi_world.hpp"

TEST_CASE("a world of one", "[mpi]") {
  nines::LocalCommunicator world;
  CHECK(world.rank() == 0);
  CHECK(world.size() == 1);
  std::vector<std::uint64_t> sums = {1, 2, 3};
  world.sum(sums);
  CHECK(sums == std::vector<std::uint64_t>{1, 2, 3});
  std::vector<unsigned char> bytes = {9, 8};
  world.broadcast(bytes);
  CHECK(bytes == std::vector<unsigned char>{9, 8});
  const auto gathered = world.gather(bytes);
  REQUIRE(gathered.size() == 1);
  CHECK(gathered[0] == bytes);
}

TEST_CASE("without a launcher the process world is local", "[mpi]") {
  if (std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
      std::getenv("PMIX_RANK") != nullptr || std::getenv("PMI_RANK") != nullptr)
    return;  // the test binary itself was launched by mpirun or srun
  CHECK(nines::mpi_world().size() == 1);
  CHECK(nines::mpi_world().rank() == 0);
}
