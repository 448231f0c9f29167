"""Running the engine's command line from Python (for notebooks and tests).

The binary is found, in order, through: the NINES_BINARY environment variable, build/nines in
the repository this package sits in (analysis/../build/nines), build/nines below the current
directory or one of its parents, and `nines` on PATH.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
from typing import Sequence

from .errors import NinesError

__all__ = ["find_binary", "run_scenario", "run_sweep", "run_uncertainty", "EngineError"]

_REPO = pathlib.Path(__file__).resolve().parents[2]


class EngineError(NinesError):
    """The engine could not be found or exited with an error."""


def _candidates() -> list[pathlib.Path]:
    found = [_REPO / "build" / "nines"]
    here = pathlib.Path.cwd().resolve()
    for directory in (here, *here.parents):
        found.append(directory / "build" / "nines")
    return found


def find_binary(required: bool = True) -> str | None:
    """Path of the nines binary, or None (required=False) / EngineError when there is none."""
    explicit = os.environ.get("NINES_BINARY")
    if explicit:
        if os.access(explicit, os.X_OK) and os.path.isfile(explicit):
            return explicit
        raise EngineError(f"NINES_BINARY={explicit} is not an executable file")
    for candidate in _candidates():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    on_path = shutil.which("nines")
    if on_path:
        return on_path
    if required:
        raise EngineError("no nines binary found: build it with scripts/build (it lands in "
                          "build/nines) or point NINES_BINARY at it")
    return None


def run_scenario(scenario: str | os.PathLike, output: str | os.PathLike, *,
                 requests: int | str | None = None, seed: int | None = None,
                 record: str | None = None, extra: Sequence[str] = (),
                 binary: str | None = None) -> pathlib.Path:
    """`nines run SCENARIO -o OUTPUT --force --quiet [...]`; returns the output path."""
    command = [binary or find_binary(), "run", os.fspath(scenario), "-o", os.fspath(output),
               "--force", "--quiet"]
    if requests is not None:
        command += ["-n", str(requests)]
    if seed is not None:
        command += ["--seed", str(seed)]
    if record is not None:
        command += ["--record", record]
    command += list(extra)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise EngineError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr.strip()}")
    return pathlib.Path(output)


def run_sweep(sweep: str | os.PathLike, output: str | os.PathLike, *,
              record_requests: bool = False, threads: int | None = None,
              extra: Sequence[str] = (), binary: str | None = None) -> pathlib.Path:
    """`nines sweep SWEEP -o OUTPUT --force --restart --quiet [...]`; returns the output path.
    --restart discards the journal of an earlier, interrupted sweep into the same file."""
    command = [binary or find_binary(), "sweep", os.fspath(sweep), "-o", os.fspath(output),
               "--force", "--restart", "--quiet"]
    if record_requests:
        command.append("--record-requests")
    if threads is not None:
        command += ["--threads", str(threads)]
    command += list(extra)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise EngineError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr.strip()}")
    return pathlib.Path(output)


def run_uncertainty(scenario: str | os.PathLike, output: str | os.PathLike, *,
                    draws: int | str | None = None, seed: int | None = None,
                    target: float | str | None = None, plain: bool = False,
                    sobol: bool = True, extra: Sequence[str] = (),
                    binary: str | None = None) -> pathlib.Path:
    """`nines uncertainty SCENARIO -o OUTPUT --force [...]` (its table on stdout is dropped);
    returns the output path. plain=True draws independently instead of a Latin hypercube;
    sobol=False skips the Sobol indices (--no-sobol)."""
    command = [binary or find_binary(), "uncertainty", os.fspath(scenario), "-o",
               os.fspath(output), "--force"]
    if draws is not None:
        command += ["--draws", str(draws)]
    if seed is not None:
        command += ["--seed", str(seed)]
    if target is not None:
        command += ["--target", str(target)]
    if plain:
        command.append("--plain")
    if not sobol:
        command.append("--no-sobol")
    command += list(extra)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise EngineError(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr.strip()}")
    return pathlib.Path(output)
