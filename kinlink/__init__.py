"""kinlink: graph-based family-unit and case-linkage analysis for MPP records.

``kinlink.open(path)`` is the library's entry (:mod:`kinlink.source`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kinlink.source import Source

__version__ = "0.1.0"

__all__ = ["__version__", "open"]


def open(path: Any, **options: Any) -> Source:
    """Open a bundle, a saved graph or a report folder (:func:`kinlink.source.open`)."""
    from kinlink.source import open as open_source

    return open_source(path, **options)
