"""Pausing Python's cyclic garbage collector while millions of small objects are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block.

    The collector would otherwise walk every container again and again while millions of dicts
    or tuples are created (it roughly halves the time to build a large graph). Reference counting
    still frees memory as usual; the collector's previous state is restored on exit.

    Examples
    --------
    >>> with paused_gc():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
