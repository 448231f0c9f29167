"""The errors nines raises for things a user can cause; each message names the file.

    NinesError                 base of them all
    ├── FormatError            not a file this package reads (format, version)
    │   └── DamagedFileError   a nines file whose content is broken: truncated, corrupted
    │                          chunks or metadata, missing or ill-typed attributes and
    │                          datasets, lengths that disagree with the summary
    ├── RecordError            the run did not record what was asked for
    └── OutputError            an output (the HTML report) cannot be written where asked

DamagedFileError is a FormatError so that code written for nines 0.2, which caught FormatError
for a file it could not read, still catches it.
"""
from __future__ import annotations

import os


class NinesError(Exception):
    """Base of every error this package raises on purpose."""


class FormatError(NinesError):
    """The file is not one this package reads (wrong format, version or layout)."""


class DamagedFileError(FormatError):
    """A nines file (or an HDF5 file that claims to be one) whose content cannot be trusted:
    truncated, a corrupted chunk or metadata block, a missing or ill-typed attribute or
    dataset, or a dataset whose length disagrees with the summary. `path` is the file and
    `problem` what is wrong with it; the message is "PATH is damaged: PROBLEM"."""

    def __init__(self, path: str | os.PathLike, problem: str):
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"{self.path} is damaged: {problem}")

    def __reduce__(self):  # keep (path, problem) through pickling, e.g. across processes
        return type(self), (self.path, self.problem)


class RecordError(NinesError):
    """The run did not record what was asked for (e.g. outcomes of a run made with
    --record none)."""


class OutputError(NinesError):
    """An output file cannot be written where asked (e.g. the report's target is a directory
    or a device, or is the file being read)."""
