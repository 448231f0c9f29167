#pragma once
// The one door to MPI. Everything else sees only this small interface: which rank this
// process is, how many there are, and a handful of collectives on plain bytes and integers.
// <mpi.h> is included by mpi_world.cpp alone, which is compiled only when CMake finds MPI
// (NINES_HAVE_MPI); without it every process is a world of one.
//
// MPI is initialised only when a launcher started this process (mpirun/mpiexec set
// OMPI_COMM_WORLD_SIZE, Slurm's srun sets PMI_SIZE or PMIX_RANK), so a plain `nines run` of an
// MPI build never touches MPI, and a missing or broken MPI installation cannot crash it.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace nines {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const noexcept = 0;
  virtual int size() const noexcept = 0;

  // Element-wise sum over all ranks; every rank gets the result. Same length on every rank.
  virtual void sum(std::span<std::uint64_t> values) = 0;
  // Element-wise minimum over all ranks; every rank gets the result.
  virtual void min(std::span<std::uint8_t> values) = 0;
  // Rank 0's bytes to every rank (the others' vectors are replaced).
  virtual void broadcast(std::vector<unsigned char>& bytes) = 0;
  // Every rank's bytes, in rank order, on rank 0 (empty elsewhere).
  virtual std::vector<std::vector<unsigned char>> gather(std::span<const unsigned char> bytes) = 0;
  // Ends every process of the job with `code` (MPI_Abort): for an error on one rank that the
  // others, waiting in a collective, would never learn of.
  [[noreturn]] virtual void abort(int code) = 0;
};

// A world of one process: the collectives are identities.
class LocalCommunicator final : public Communicator {
 public:
  int rank() const noexcept override { return 0; }
  int size() const noexcept override { return 1; }
  void sum(std::span<std::uint64_t>) override {}
  void min(std::span<std::uint8_t>) override {}
  void broadcast(std::vector<unsigned char>&) override {}
  std::vector<std::vector<unsigned char>> gather(std::span<const unsigned char> bytes) override {
    return {std::vector<unsigned char>(bytes.begin(), bytes.end())};
  }
  [[noreturn]] void abort(int code) override { std::exit(code); }
};

#ifdef NINES_HAVE_MPI
// True when this nines was built with MPI.
bool mpi_compiled() noexcept;

// The process's world: MPI's COMM_WORLD when built with MPI and started by a launcher, else a
// LocalCommunicator. The first call initialises MPI (MPI_THREAD_FUNNELED: only the thread that
// called this may use the communicator); MPI_Finalize runs at exit. Throws IOError if MPI
// initialisation fails.
Communicator& mpi_world();
#else
inline bool mpi_compiled() noexcept {
  return false;
}
inline Communicator& mpi_world() {
  static LocalCommunicator world;
  return world;
}
#endif

}  // namespace nines
