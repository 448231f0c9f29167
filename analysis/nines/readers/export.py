"""Files as tables for other tools: xarray Datasets and CSV files.

From format minor version 1 (root attribute `format_minor_version`), every group of a nines
file is a netCDF-4 group: its tables' rows and the axes of its 2-D datasets are named
dimensions (HDF5 dimension scales: `component`, `kind`, `request`, `failure`, `point`, ...),
and every dataset carries `description`, `units` (where it has any) and, for codes, the CF
attributes `flag_values` and `flag_meanings`. `to_xarray` opens a group with
xarray.open_dataset(engine="h5netcdf"); older files, which have no dimension scales, open
with h5netcdf's `phony_dims`.

`tables` reads a file's tables with h5py alone: one per group and set of dimensions (a
group's row table, and one per 2-D dataset or ragged column), with codes that have CF flags
turned into named categories. `export_csv` writes them, one CSV file per table.
"""
from __future__ import annotations

import os
import pathlib
import re
from typing import Iterator

import h5py
import numpy as np
import pandas as pd

from .hdf5 import open_file, reading, text

# How netCDF-4 (and nines) labels a dimension that is not also a variable.
NOT_A_VARIABLE = "This is a netCDF dimension but not a netCDF variable."


def minor_version(file: h5py.File) -> int:
    """The root attribute `format_minor_version` (0 when absent: files before dimension
    scales)."""
    value = file.attrs.get("format_minor_version", 0)
    return int(np.asarray(value).reshape(-1)[0]) if np.size(value) else 0


def groups(path: str | os.PathLike) -> list[str]:
    """Paths of the file's groups that hold datasets ("components", "alerting/rules", ...),
    the groups `to_xarray` and `tables` read."""
    out = []
    with reading(os.fspath(path), "the file's groups"), open_file(os.fspath(path)) as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Group) and any(
                    isinstance(child, h5py.Dataset) for child in obj.values()):
                out.append(name)
        f.visititems(visit)
    return out


def to_xarray(path: str | os.PathLike, group: str | None = None):
    """The group `group` as an xarray.Dataset with named dimensions, loaded into memory and
    with the root attributes of the file added to its own (a group's attributes win). With
    group None, a dict of every group that holds datasets (`groups`) to its Dataset.

    Needs xarray and h5netcdf (Debian: python3-xarray python3-h5netcdf). Files written before
    format minor version 1 have no dimension scales: their dimensions are h5netcdf's
    phony_dim_N."""
    import xarray  # optional dependency: only this function needs it

    path = os.fspath(path)
    if group is None:
        return {name: to_xarray(path, name) for name in groups(path)}
    with reading(path, "the file's root attributes"), open_file(path) as f:
        phony = None if minor_version(f) >= 1 else "sort"
        root = {key: _attribute(value) for key, value in f.attrs.items()
                if key not in ("scenario_yaml",)}
        if group.strip("/") not in f:
            raise KeyError(f"{path} has no group {group!r}; it has {', '.join(groups(path))}")
    kwargs = {"phony_dims": phony} if phony else {}
    with reading(path, f"the group /{group.strip('/')}"):
        with xarray.open_dataset(path, engine="h5netcdf", group=group, **kwargs) as ds:
            out = ds.load()
    out.attrs = {**root, **out.attrs}
    return out


class ToXarray:
    """`to_xarray` for the classes of opened files (Run, StructureRun, TimeRun, Sweep), which
    have a `path`."""

    path: str

    def to_xarray(self, group: str | None = None):
        """The group `group` ("components", "kinds", "requests", "alerting/rules", "points",
        ...) as an xarray.Dataset with named dimensions, or with group None a dict of every
        group that holds datasets to its Dataset (see nines.readers.export.to_xarray; needs
        xarray and h5netcdf)."""
        return to_xarray(self.path, group)


def _attribute(value):
    if isinstance(value, bytes):
        return text(value)
    if isinstance(value, np.ndarray) and value.shape == ():
        return value.item()
    return value


def _is_dimension_only(dataset: h5py.Dataset) -> bool:
    name = dataset.attrs.get("NAME", b"")
    return isinstance(name, (bytes, np.bytes_)) and NOT_A_VARIABLE.encode() in bytes(name)


def _dimension_names(dataset: h5py.Dataset) -> tuple[str, ...]:
    """The dimensions of a dataset: its scales' names, or for files without scales
    "<length>" (columns of one length belong to one table)."""
    names = []
    for axis, dim in enumerate(dataset.dims):
        if len(dim):
            names.append(dim[0].name.rsplit("/", 1)[-1])
        elif dataset.attrs.get("CLASS", b"") == b"DIMENSION_SCALE":
            names.append(dataset.name.rsplit("/", 1)[-1])
        else:
            names.append(f"row_{dataset.shape[axis]}")
    return tuple(names)


def flag_word(name: str) -> str:
    """The CF flag_meanings word nines writes for a name: characters other than letters,
    digits and _ - . + @ become _ ("api[2]" is "api_2_")."""
    return re.sub(r"[^A-Za-z0-9_.+@-]", "_", name) or "_"


def _real_names(file: h5py.File) -> dict[str, str]:
    """flag word -> name, for the names of the file's components, kinds and events."""
    out = {}
    for group in ("components", "kinds", "events", "common_cause"):
        if group in file and "name" in file[group]:
            for name in file[group]["name"][...]:
                out.setdefault(flag_word(text(name)), text(name))
    return out


def named_codes(values: np.ndarray, dataset: h5py.Dataset,
                names: dict[str, str] | None = None) -> pd.Categorical | np.ndarray:
    """Codes as a pandas Categorical of their CF flag meanings, in flag_values order, each
    meaning given back its real name where `names` (flag word -> name) has it; data without
    flags, or with values the flags do not list, unchanged."""
    flag_values = dataset.attrs.get("flag_values")
    meanings = dataset.attrs.get("flag_meanings")
    if flag_values is None or meanings is None:
        return values
    flag_values = np.asarray(flag_values).reshape(-1)
    words = text(meanings).split()
    if len(words) != flag_values.size:
        return values
    names = names or {}
    lookup = dict(zip(flag_values.tolist(), (names.get(w, w) for w in words)))
    known = np.isin(values, flag_values)
    if not known.all():  # a file listing only the special codes (thousands of components)
        return values
    codes = np.searchsorted(np.sort(flag_values), values)
    order = np.argsort(flag_values)
    return pd.Categorical.from_codes(codes, [lookup[v] for v in flag_values[order].tolist()])


def tables(path: str | os.PathLike) -> Iterator[tuple[str, pd.DataFrame]]:
    """(name, DataFrame) for every table of the file, read with h5py: "<group>" for each
    group's rows ("components", "alerting.rules"), and "<group>.<dimensions>" for datasets
    of other dimensions (2-D datasets in long form, one row per cell; ragged columns).
    Codes with CF flags are named categories; strings are str."""
    path = os.fspath(path)
    with reading(path, "the file's tables"), open_file(path) as f:
        names = _real_names(f)
        for group_name in groups(path):
            group = f[group_name]
            by_dimensions: dict[tuple[str, ...], list[str]] = {}
            for name, dataset in group.items():
                if isinstance(dataset, h5py.Dataset) and not _is_dimension_only(dataset):
                    by_dimensions.setdefault(_dimension_names(dataset), []).append(name)
            if not by_dimensions:
                continue
            main = max(by_dimensions, key=lambda dims: (len(dims) == 1, len(by_dimensions[dims])))
            base = group_name.replace("/", ".")
            for dims, columns in by_dimensions.items():
                table = base if dims == main else f"{base}.{'-'.join(dims)}"
                yield table, _frame(group, columns, dims, names)


def _frame(group: h5py.Group, names: list[str], dims: tuple[str, ...],
           real_names: dict[str, str]) -> pd.DataFrame:
    columns = {}
    for name in names:
        dataset = group[name]
        if h5py.check_string_dtype(dataset.dtype) is not None or dataset.dtype.kind in "SO":
            values = np.array([text(v) for v in dataset[...].reshape(-1)], dtype=object)
        else:
            values = named_codes(dataset[...].reshape(-1), dataset, real_names)
        columns[name] = values
    if len(dims) == 1:
        return pd.DataFrame(columns, index=pd.RangeIndex(len(next(iter(columns.values()))),
                                                         name=dims[0]))
    shape = group[names[0]].shape
    index = pd.MultiIndex.from_product([range(n) for n in shape], names=list(dims))
    return pd.DataFrame(columns, index=index)


def export_csv(path: str | os.PathLike, directory: str | os.PathLike) -> list[pathlib.Path]:
    """Writes every table of `tables(path)` to DIRECTORY/<table>.csv (created if missing;
    files of those names are replaced) and returns the paths written. The index columns come
    first (the row dimension, e.g. `component`, or both dimensions of a 2-D table)."""
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables(path):
        target = directory / f"{name}.csv"
        frame.to_csv(target)
        written.append(target)
    return written
