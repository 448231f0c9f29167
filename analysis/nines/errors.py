"""The errors nines raises for things a user can cause; each message names the file."""


class NinesError(Exception):
    """Base of every error this package raises on purpose."""


class FormatError(NinesError):
    """The file is not one this package reads (wrong format, version or layout)."""


class RecordError(NinesError):
    """The run did not record what was asked for (e.g. outcomes of a run made with
    --record none)."""
