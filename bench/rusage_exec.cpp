// Runs a command and reports its own resource usage: rusage_exec OUT CMD [ARGS...]
// writes "wall_seconds cpu_seconds maxrss_kib" to OUT and exits with CMD's exit status.
//
// Why not os.wait4 from Python directly: on Linux a child's ru_maxrss is the maximum over
// everything the process ever was, including the forked copy of the parent before exec, so
// a child of a Python interpreter that imported NumPy reports at least ~80 MiB whatever it
// really uses. Forked from this small program instead, the floor is about 1-2 MiB.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: rusage_exec OUT CMD [ARGS...]\n");
    return 2;
  }
  timespec start{}, stop{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("rusage_exec: fork");
    return 127;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    std::perror("rusage_exec: exec");
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) < 0) {
    std::perror("rusage_exec: wait4");
    return 127;
  }
  clock_gettime(CLOCK_MONOTONIC, &stop);
  const double wall = static_cast<double>(stop.tv_sec - start.tv_sec) +
                      static_cast<double>(stop.tv_nsec - start.tv_nsec) * 1e-9;
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  std::FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr) {
    std::perror("rusage_exec: open OUT");
    return 127;
  }
  std::fprintf(out, "%.9f %.6f %ld\n", wall, cpu, usage.ru_maxrss);
  std::fclose(out);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
