// The MPI implementation of Communicator; compiled only when CMake finds MPI. Nothing else in
// nines includes <mpi.h>.
#include "nines/run/mpi_world.hpp"

// The C API only: OpenMPI's and MPICH's deprecated C++ bindings would need their own library.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <climits>
#include <cstdlib>
#include <memory>

#include "nines/base/error.hpp"
#include "nines/run/launched_by_mpi.hpp"

namespace nines {

namespace {

void check(int status, const char* what) {
  if (status == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(status, text, &length);
  throw IOError(std::string("MPI ") + what + " failed: " + text);
}

int as_int(std::size_t n, const char* what) {
  if (n > static_cast<std::size_t>(INT_MAX))
    throw IOError(std::string("MPI ") + what + ": message larger than 2 GiB");
  return static_cast<int>(n);
}

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator() {
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "initialisation");
    // Errors come back as codes, and become exceptions here, instead of aborting the job.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCommunicator() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }

  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return size_; }

  void sum(std::span<std::uint64_t> values) override {
    check(MPI_Allreduce(MPI_IN_PLACE, values.data(), as_int(values.size(), "sum"), MPI_UINT64_T,
                        MPI_SUM, MPI_COMM_WORLD),
          "sum");
  }
  void min(std::span<std::uint8_t> values) override {
    check(MPI_Allreduce(MPI_IN_PLACE, values.data(), as_int(values.size(), "min"), MPI_UINT8_T,
                        MPI_MIN, MPI_COMM_WORLD),
          "min");
  }
  void broadcast(std::vector<unsigned char>& bytes) override {
    std::uint64_t size = bytes.size();
    check(MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "broadcast");
    bytes.resize(size);
    check(MPI_Bcast(bytes.data(), as_int(bytes.size(), "broadcast"), MPI_BYTE, 0, MPI_COMM_WORLD),
          "broadcast");
  }
  std::vector<std::vector<unsigned char>> gather(std::span<const unsigned char> bytes) override {
    std::uint64_t mine = bytes.size();
    std::vector<std::uint64_t> sizes(rank_ == 0 ? static_cast<std::size_t>(size_) : 0);
    check(MPI_Gather(&mine, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, 0, MPI_COMM_WORLD),
          "gather");
    std::vector<int> counts, offsets;
    std::vector<unsigned char> all;
    if (rank_ == 0) {
      std::size_t total = 0;
      for (const std::uint64_t s : sizes) {
        counts.push_back(as_int(s, "gather"));
        offsets.push_back(as_int(total, "gather"));
        total += s;
      }
      as_int(total, "gather");
      all.resize(total);
    }
    check(MPI_Gatherv(bytes.data(), as_int(bytes.size(), "gather"), MPI_BYTE, all.data(),
                      counts.data(), offsets.data(), MPI_BYTE, 0, MPI_COMM_WORLD),
          "gather");
    std::vector<std::vector<unsigned char>> out;
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      const auto* first = all.data() + offsets[r];
      out.emplace_back(first, first + sizes[r]);
    }
    return out;
  }
  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);
  }

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace

bool mpi_compiled() noexcept {
  return true;
}

Communicator& mpi_world() {
  static const std::unique_ptr<Communicator> world =
      launched_by_mpi() ? std::unique_ptr<Communicator>(std::make_unique<MpiCommunicator>())
                        : std::unique_ptr<Communicator>(std::make_unique<LocalCommunicator>());
  return *world;
}

}  // namespace nines
