#pragma once
// Whether an MPI launcher started this process, from the variables launchers give every rank
// (mpirun/mpiexec of OpenMPI: OMPI_COMM_WORLD_SIZE; Hydra and srun --mpi=pmi2: PMI_SIZE,
// PMI_RANK; PMIx launchers and srun --mpi=pmix: PMIX_RANK). Decides both whether MPI is
// initialised (mpi_world.cpp) and that the CLI does not colour a rank's output.
namespace nines {

bool launched_by_mpi();

}  // namespace nines
