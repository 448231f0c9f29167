#pragma once
// Whether nines colours what it prints: the one place that decides (--color, NO_COLOR, TERM,
// terminals and MPI ranks).
#include <optional>
#include <string_view>

namespace nines::cli {

enum class ColorMode { automatic, always, never };

// "auto", "always" or "never".
std::optional<ColorMode> parse_color_mode(std::string_view text) noexcept;

// What the automatic choice looks at, gathered so that tests can state it.
struct TerminalFacts {
  bool is_terminal = false;    // the stream is a terminal (isatty)
  bool no_color = false;       // NO_COLOR is set and not empty (https://no-color.org)
  bool dumb_terminal = false;  // TERM is "dumb"
  bool under_mpi = false;      // this process is a rank started by mpirun, mpiexec or srun
};

// always: yes; never: no; auto: only on a terminal that is not dumb, without NO_COLOR, and not
// on an MPI rank, because OpenMPI gives ranks a pseudo-terminal even when mpirun's own output
// goes to a file, so `mpirun ... > log` would fill the log with escape codes.
bool decide_color(ColorMode mode, const TerminalFacts& facts) noexcept;

// The facts of file descriptor `fd` and of this process's environment; `mpi_ranks` is the size
// of the MPI world if it is already known (1 otherwise). Any launcher variable counts, even
// for one rank: OpenMPI gives `mpirun -np 1` a pseudo-terminal too.
TerminalFacts terminal_facts(int fd, int mpi_ranks = 1);

}  // namespace nines::cli
