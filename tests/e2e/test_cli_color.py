"""--color auto|always|never: colour only on a terminal, without NO_COLOR, not on TERM=dumb and
not on an MPI rank, unless asked for. The terminal is a real pseudo-terminal (pty)."""
import os
import pty
import shutil
import subprocess

import pytest

from conftest import nines_binary

SEED_APP = "scenarios/seed-app.yaml"
ESCAPE = "\x1b["
# Launcher variables make nines initialise MPI (nines/run/launched_by_mpi.hpp), so the MPI case
# runs under a real mpirun (below) rather than with a faked variable.
LAUNCHER_VARIABLES = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMI_RANK", "PMIX_RANK")


def environment(**changes):
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", *LAUNCHER_VARIABLES)}
    env["TERM"] = "xterm"
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_on_terminal(args, env):
    """Runs nines with stdout on a pseudo-terminal; returns (exit code, what it printed)."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([nines_binary(), *map(str, args)], stdout=follower,
                                stderr=subprocess.PIPE, env=env)
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return b"".join(chunks).decode()


def run_args(root, tmp_path, *extra):
    return ["run", root / SEED_APP, "-n", "20k", "-o", tmp_path / "x.h5", "-f", *extra]


def test_terminal_gets_colour(root, tmp_path):
    assert ESCAPE in run_on_terminal(run_args(root, tmp_path), environment())


@pytest.mark.parametrize("changes", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_color_and_dumb_terminal_turn_it_off(root, tmp_path, changes):
    out = run_on_terminal(run_args(root, tmp_path), environment(**changes))
    assert "verdict" in out and ESCAPE not in out


def test_empty_no_color_is_unset(root, tmp_path):
    assert ESCAPE in run_on_terminal(run_args(root, tmp_path), environment(NO_COLOR=""))


def test_never_on_a_terminal(root, tmp_path):
    out = run_on_terminal(run_args(root, tmp_path, "--color", "never"), environment())
    assert "verdict" in out and ESCAPE not in out


@pytest.mark.parametrize("changes", [{}, {"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_always_even_into_a_pipe(nines, root, tmp_path, changes):
    proc = nines(*run_args(root, tmp_path, "--color=always"), env=environment(**changes))
    assert ESCAPE in proc.stdout


def test_pipe_gets_no_colour_by_default(nines, root, tmp_path):
    proc = nines(*run_args(root, tmp_path), env=environment())
    assert "verdict" in proc.stdout and ESCAPE not in proc.stdout


def built_with_mpi():
    libs = subprocess.run(["ldd", nines_binary()], capture_output=True, text=True).stdout
    return "libmpi" in libs


@pytest.mark.skipif(shutil.which("mpirun") is None or not built_with_mpi(),
                    reason="nines was built without MPI or mpirun is not installed")
@pytest.mark.parametrize("color,coloured", [(None, False), ("always", True)])
def test_mpi_ranks_do_not_colour_unless_asked(root, tmp_path, color, coloured):
    # OpenMPI gives ranks a pseudo-terminal even when mpirun's output is a pipe or a file.
    env = environment(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                      OMPI_MCA_rmaps_base_oversubscribe="1")
    if "ASAN_OPTIONS" in env:
        env["ASAN_OPTIONS"] += ":detect_leaks=0"
    args = run_args(root, tmp_path) + (["--color", color] if color else [])
    proc = subprocess.run(["mpirun", "--oversubscribe", "-np", "2", nines_binary(),
                           *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "verdict" in proc.stdout
    assert (ESCAPE in proc.stdout) == coloured
