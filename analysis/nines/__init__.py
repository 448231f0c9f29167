"""nines: read, check and present the run files of the nines Monte Carlo engine.

    import nines
    with nines.open("seed-app.h5") as run:
        print(run.summary.reliability_empirical, run.summary.verdict)
        run.components                  # pandas DataFrame, one row per component
        run.outcomes.value_counts()     # dense runs: chunk by chunk, bounded memory
"""
from __future__ import annotations

import os

import h5py

from . import analytic
from .errors import FormatError, NinesError, RecordError
from .run_file import RUN_FORMAT, RUN_FORMAT_VERSION, Failures, Metadata, Outcomes, Run, \
    RunSummary, text
from .structure import STRUCTURE_FORMAT_VERSION, Requests, StructureFailures, StructureRun, \
    StructureSummary
from .sweep import SWEEP_FORMAT, SWEEP_FORMAT_VERSION, Sweep, SweepAgreement, SweepMetadata, \
    SweepPoint

__version__ = "0.2.0"

__all__ = ["open", "Run", "Metadata", "RunSummary", "Outcomes", "Failures", "StructureRun",
           "StructureSummary", "Requests", "StructureFailures", "Sweep", "SweepMetadata",
           "SweepPoint", "SweepAgreement", "analytic", "NinesError",
           "FormatError", "RecordError", "READERS"]

# The file kinds this package reads: (format attribute, major format_version) -> reader.
# Chain runs are nines-run v1, structure runs (scenario format 2) nines-run v2, and the files of
# `nines sweep` nines-sweep v1.
READERS = {
    (RUN_FORMAT, RUN_FORMAT_VERSION): Run,
    (RUN_FORMAT, STRUCTURE_FORMAT_VERSION): StructureRun,
    (SWEEP_FORMAT, SWEEP_FORMAT_VERSION): Sweep,
}


def _versions(kind: str) -> str:
    majors = sorted(major for (format_, major) in READERS if format_ == kind)
    if len(majors) == 1:
        return f"version {majors[0]}"
    return "versions " + ", ".join(map(str, majors[:-1])) + f" and {majors[-1]}"


def open(path: str | os.PathLike):  # noqa: A001 - nines.open mirrors h5py.File / builtins.open
    """Open a nines file and return its reader (a Run for format "nines-run").

    Checks the root `format` attribute and the major `format_version` and fails with a plain
    message otherwise: nines-run v1 gives a Run, v2 (structure runs) a StructureRun, and
    nines-sweep v1 (the files of `nines sweep`) a Sweep. Reads only attributes and small
    tables; per-request data and per-point groups stay lazy.
    """
    name = os.fspath(path)
    if not os.path.exists(name):
        raise FileNotFoundError(f"{name}: no such file")
    try:
        file = h5py.File(name, "r")
    except OSError as error:
        raise FormatError(f"{name} is not a nines run file (not an HDF5 file: {error})") from None
    try:
        if "format" not in file.attrs:
            raise FormatError(f"{name} is not a nines run file (format attribute missing)")
        kind = text(file.attrs["format"])
        formats = {format_ for format_, _ in READERS}
        if kind not in formats:
            known = ", ".join(sorted(formats))
            raise FormatError(f"{name} is not a nines run file (format is {kind!r}; this nines "
                              f"package reads {known})")
        if "format_version" not in file.attrs:
            raise FormatError(f"{name} is a {kind} file without a format_version attribute")
        version = file.attrs["format_version"]
        try:
            version = int(version)
        except (TypeError, ValueError):
            raise FormatError(f"{name} has format_version {text(version)!r}; this nines package "
                              f"reads {_versions(kind)}") from None
        reader = READERS.get((kind, version))
        if reader is None:
            raise FormatError(f"{name} has format_version {version}; this nines package reads "
                              f"{_versions(kind)}")
        return reader(name, file)
    except BaseException:
        file.close()
        raise
