"""One job in a forked child process while the caller goes on (parts of the report folder).

Writing ``report.xlsx`` is pure Python (``xlsxwriter`` cell by cell) and holds the interpreter
lock, so a thread would not run it beside the CSV, HTML and Parquet writing; a forked child
does, on the machine's second core, and shares the parent's frames copy-on-write (nothing is
pickled on the way in). The report writer uses three: one writes the files that need only the
linked bundle (``data/``, ``rejects.csv``, ...) while the parent builds the facts, one (after
the first) ``matches.csv`` and the saved facts while the parent runs the analyses, one the
workbook. Only the job's
exception, if any, comes back. Where ``fork`` is not available (or ``KINLINK_NO_FORK`` is set)
the job runs inline, at once.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from kinlink.memory import return_free_memory

__all__ = ["Background"]

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Ask Linux to kill this child if its parent dies (a killed report leaves no writer)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _child(conn: Connection, func: Callable[..., Any], args: Any, kwargs: Any) -> None:
    _die_with_parent()
    name = getattr(func, "__name__", "job")
    log.debug("background %s: started in process %d", name, os.getpid())
    try:
        func(*args, **kwargs)
        log.debug("background %s: done", name)
    except BaseException as e:  # sent back and raised in the parent
        try:
            conn.send_bytes(pickle.dumps(e))
        except Exception:  # an exception that does not pickle: its text
            conn.send_bytes(pickle.dumps(RuntimeError(f"{type(e).__name__}: {e}")))
        conn.close()
        os._exit(1)
    conn.close()


def _can_fork() -> bool:
    return (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and not os.environ.get("KINLINK_NO_FORK")
    )


class Background:
    """Run ``func(*args, **kwargs)`` in a forked child; :meth:`wait` joins it.

    Use as a context manager: leaving the block waits for the job (re-raising its exception);
    leaving it on an exception kills the job first.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with Background((folder / "a.txt").write_text, "done"):
    ...     pass
    >>> (folder / "a.txt").read_text()
    'done'
    """

    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._process: Any = None
        self._conn: Connection | None = None
        if not _can_fork():
            func(*args, **kwargs)
            return
        # a page the parent has freed but still holds would be shared, and copied if written
        return_free_memory()
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_child, args=(send, func, args, kwargs), daemon=True)
        self._process.start()
        send.close()
        self._conn = receive

    def done(self) -> bool:
        """Whether the job has ended (or ran inline); :meth:`wait` still says how."""
        return self._process is None or not self._process.is_alive()

    def wait(self) -> None:
        """Wait for the job; raise its exception if it failed."""
        if self._process is None:
            return
        process, conn = self._process, self._conn
        self._process = self._conn = None
        assert conn is not None
        try:
            failure = conn.recv_bytes() if conn.poll(None) else b""
        except EOFError:  # the job finished without a word: success (or a hard crash below)
            failure = b""
        conn.close()
        process.join()
        if failure:
            raise pickle.loads(failure)
        if process.exitcode != 0:
            raise RuntimeError(f"background job died (exit code {process.exitcode})")

    def cancel(self) -> None:
        """Kill the job (if still running) and reap it."""
        if self._process is None:
            return
        self._process.kill()
        self._process.join()
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None

    def __enter__(self) -> Background:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            self.wait()
        else:
            self.cancel()
