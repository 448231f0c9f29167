"""Shared fixtures for the end-to-end tests: they run the real nines binary on real files."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def nines_binary() -> str:
    return os.path.abspath(os.environ.get("NINES_BINARY", str(ROOT / "build" / "nines")))


@pytest.fixture(scope="session")
def nines():
    binary = nines_binary()
    if not os.access(binary, os.X_OK):
        pytest.fail(f"nines binary not found at {binary}; build first or set NINES_BINARY")

    def run(*args, check=True, **kwargs):
        proc = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, **kwargs)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"nines {' '.join(map(str, args))} exited {proc.returncode}\n{proc.stderr}")
        return proc

    return run


@pytest.fixture(scope="session")
def root():
    return ROOT
