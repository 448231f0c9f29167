"""Fixtures of the install tests: the build tree to install (NINES_BUILD_DIR, set by CTest) and
one `cmake --install` of it into a temporary prefix, shared by every test of the session."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(command, **kwargs):
    """Runs a command; on failure, the assertion shows its output."""
    proc = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, (f"{' '.join(map(str, command))} exited {proc.returncode}\n"
                                  f"{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def build_dir():
    build = pathlib.Path(os.environ.get("NINES_BUILD_DIR", ROOT / "build")).resolve()
    if not (build / "CMakeCache.txt").is_file():
        pytest.fail(f"no CMake build tree at {build}; build first or set NINES_BUILD_DIR")
    return build


@pytest.fixture(scope="session")
def cmake():
    return os.environ.get("CMAKE_COMMAND") or shutil.which("cmake") or "cmake"


@pytest.fixture(scope="session")
def prefix(tmp_path_factory, build_dir, cmake):
    """The build tree installed as a user would: `cmake --install BUILD --prefix P`."""
    where = tmp_path_factory.mktemp("prefix")
    run([cmake, "--install", build_dir, "--prefix", where])
    return where


@pytest.fixture(scope="session")
def libdir(prefix):
    """lib, or lib/<multiarch> when the build was configured for /usr: wherever the .a went."""
    found = sorted(prefix.glob("lib*/**/libnines_base.a"))
    assert found, f"no libnines_base.a under {prefix}"
    return found[0].parent
