"""Folders written whole or not at all: written into a hidden sibling, then renamed into place.

A reader never sees half a report or half a saved graph, and a killed run leaves the previous
folder as it was (docs/DESIGN.md, "Writing a folder").

Examples
--------
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     with atomic_folder(Path(d) / "out") as tmp:
...         _ = (tmp / "a.txt").write_text("a")
...     sorted(p.name for p in Path(d).iterdir()), (Path(d) / "out" / "a.txt").read_text()
(['out'], 'a')
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = ["abandoned_scratch", "atomic_folder", "remove_abandoned", "replace_dir", "scratch_name"]


def scratch_name(target: Path, kind: str) -> Path:
    """A hidden sibling of ``target`` for a run's temporary folder, named after its process.

    The process id in the name lets a later run tell a folder left by a killed run (its process
    is gone) from one a concurrent run is still writing (:func:`abandoned_scratch`).

    Examples
    --------
    >>> name = scratch_name(Path("out/report"), "tmp").name
    >>> name.startswith(f".report.tmp-{os.getpid()}-")
    True
    """
    return target.parent / f".{target.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def abandoned_scratch(target: Path) -> list[Path]:
    """Temporary folders beside ``target`` whose run is no longer alive.

    A folder named by an older kinlink (no process id) counts as abandoned.
    """
    found = []
    for kind in ("tmp", "old"):
        for folder in target.parent.glob(f".{target.name}.{kind}-*"):
            owner = folder.name.rsplit(f".{kind}-", 1)[1].split("-")[0]
            if folder.is_dir() and not (owner.isdigit() and _alive(int(owner))):
                found.append(folder)
    return sorted(found)


def remove_abandoned(target: Path) -> None:
    """Delete the temporary folders killed runs left beside ``target`` (not a live run's)."""
    for leftover in abandoned_scratch(target):
        log.info("removing %s, left by an interrupted run", leftover)
        shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def replace_dir(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` to ``target``, replacing an existing folder as atomically as POSIX allows."""
    old = None
    if target.exists():
        old = scratch_name(target, "old")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """A fresh temporary sibling of ``target`` to write into; it replaces ``target`` on success.

    On any exception (``KeyboardInterrupt`` too) the temporary folder is deleted and ``target``
    is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = scratch_name(target, "tmp")
    tmp.mkdir()
    try:
        yield tmp
        replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
