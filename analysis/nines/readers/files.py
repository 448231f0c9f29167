"""Which reader reads which file: nines.open() checks the root `format` attribute and the major
`format_version` and hands the open file to the reader for that pair."""
from __future__ import annotations

import os

from ..errors import FormatError
from .hdf5 import Attributes, open_file, reading, text
from .probe import check_file
from .run_file import RUN_FORMAT, RUN_FORMAT_VERSION, Run
from .structure import STRUCTURE_FORMAT_VERSION, StructureRun
from .sweep import SWEEP_FORMAT, SWEEP_FORMAT_VERSIONS, Sweep
from .time_run import TIME_FORMAT_VERSION, TimeRun
from .uncertainty import UNCERTAINTY_FORMAT, UNCERTAINTY_FORMAT_VERSION, UncertaintyRun

__all__ = ["open", "READERS", "check_file"]

# The file kinds this package reads: (format attribute, major format_version) -> reader.
# Chain runs are nines-run v1, structure runs (scenario format 2) nines-run v2, time runs
# (scenario format 3: outages over time) nines-run v3, and the files of
# `nines sweep` nines-sweep v2 (nines 0.3: tables), v1 (nines 0.2: a group per point) or v3
# (sweeps of a time base: tables with the time summary's columns); the files of
# `nines uncertainty` are nines-uncertainty v1.
READERS = {
    (RUN_FORMAT, RUN_FORMAT_VERSION): Run,
    (RUN_FORMAT, STRUCTURE_FORMAT_VERSION): StructureRun,
    (RUN_FORMAT, TIME_FORMAT_VERSION): TimeRun,
    **{(SWEEP_FORMAT, version): Sweep for version in SWEEP_FORMAT_VERSIONS},
    (UNCERTAINTY_FORMAT, UNCERTAINTY_FORMAT_VERSION): UncertaintyRun,
}


def _versions(kind: str) -> str:
    majors = sorted(major for (format_, major) in READERS if format_ == kind)
    if len(majors) == 1:
        return f"version {majors[0]}"
    return "versions " + ", ".join(map(str, majors[:-1])) + f" and {majors[-1]}"


def open(path: str | os.PathLike, *, check: bool = False):  # noqa: A001 - mirrors builtins.open
    """Open a nines file and return its reader (a Run for format "nines-run").

    Checks the root `format` attribute and the major `format_version` and fails with a plain
    message otherwise: nines-run v1 gives a Run, v2 (structure runs) a StructureRun, v3 (time
    runs: outages over time) a TimeRun, and
    nines-sweep v1, v2 or v3 (the files of `nines sweep`; v3: sweeps of a time base) a Sweep,
    and nines-uncertainty v1 (the files of `nines uncertainty`) an UncertaintyRun. Reads only
    attributes and small tables; per-request data and per-point details stay lazy.

    Raises FileNotFoundError for a missing file, FormatError for a file this package does not
    read (not HDF5, another format, another major version) and DamagedFileError (a
    FormatError) for a nines file whose content is broken: truncated, corrupted, or
    inconsistent with its own summary. Both messages start with the file's name.

    check=True first reads the file's metadata in a child process (nines.check_file), so that
    the few corruptions that crash the HDF5 library itself raise DamagedFileError instead of
    ending the process; it costs about 0.3 s.
    """
    name = os.fspath(path)
    if check:
        check_file(name)
    file = open_file(name)
    try:
        with reading(name, "the root attributes"):
            attrs = Attributes(file, name)
            if "format" not in attrs:
                raise FormatError(f"{name} is not a nines run file (format attribute missing)")
            kind = attrs.string("format")
            formats = {format_ for format_, _ in READERS}
            if kind not in formats:
                known = ", ".join(sorted(formats))
                raise FormatError(f"{name} is not a nines run file (format is {kind!r}; this "
                                  f"nines package reads {known})")
            if "format_version" not in attrs:
                raise FormatError(f"{name} is a {kind} file without a format_version attribute")
            raw = file.attrs["format_version"]
            try:
                version = int(text(raw) if isinstance(raw, (str, bytes)) else raw)
            except (TypeError, ValueError):
                raise FormatError(f"{name} has format_version {text(raw)!r}; this nines "
                                  f"package reads {_versions(kind)}") from None
        reader = READERS.get((kind, version))
        if reader is None:
            raise FormatError(f"{name} has format_version {version}; this nines package reads "
                              f"{_versions(kind)}")
        return reader(name, file)
    except BaseException:
        with reading(name, "the file while closing it"):
            file.close()
        raise
