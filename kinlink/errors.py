"""The one exception family kinlink raises on purpose.

The CLI turns any :class:`KinlinkError` into a one-line message and a non-zero exit code;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class KinlinkError(Exception):
    """Base of every error kinlink raises on purpose."""


class SchemaError(KinlinkError):
    """A bundle cannot be read at all: a required table or column is missing or unreadable."""


class InputError(KinlinkError):
    """An input file or argument is unusable (not a folder, unknown format, ...)."""


class SettingsError(KinlinkError):
    """Settings failed validation; the message lists every problem found."""


class MappingError(SettingsError):
    """A mapping file (``kinlink mapping``'s TOML) is invalid or does not fit its input; the
    message lists every problem found."""


class ExportError(KinlinkError):
    """Writing to or querying a graph database failed."""
