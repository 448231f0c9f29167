"""Shared fixtures for the end-to-end tests: they run the real nines binary on real files."""
import os
import pathlib
import subprocess

import h5py
import numpy as np
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


def dimension_scale_paths(f, key, value):
    """The object references of HDF5's dimension scale attributes as the paths they point to
    (references are file addresses, not values to compare between files)."""
    if key == "DIMENSION_LIST":
        return [[f[ref].name for ref in axis] for axis in value]
    return sorted((f[entry[0]].name, int(entry[1])) for entry in value)


def contents(path):
    """Every dataset and attribute of a file except `created`, for exact comparisons."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for k, v in obj.attrs.items():
                if k in ("DIMENSION_LIST", "REFERENCE_LIST"):
                    out[f"{name}@{k}"] = dimension_scale_paths(f, k, v)
                elif k != "created":
                    out[f"{name}@{k}"] = v
            if isinstance(obj, h5py.Dataset):
                out[name] = obj[...]
        visit("/", f)
        f.visititems(visit)
    return out


def assert_same(a, b):
    ca, cb = contents(a), contents(b)
    assert ca.keys() == cb.keys(), set(ca) ^ set(cb)
    for k in ca:
        x, y = ca[k], cb[k]
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype, k
            if x.dtype.kind == "f":
                assert np.array_equal(x, y, equal_nan=True), k
            else:
                assert np.array_equal(x, y), k
        elif isinstance(x, float) and np.isnan(x):
            assert np.isnan(y), k
        else:
            assert x == y, k
