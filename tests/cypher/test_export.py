"""Export to FalkorDB: everything arrives, twice changes nothing, dropped connections retried."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from kinlink.errors import ExportError
from kinlink.graph.export import (
    ConnectionDropped,
    FalkorEngine,
    Result,
    embedded_falkordb,
    export_graph,
)
from kinlink.graph.export.embedded import _binaries
from kinlink.graph.export.rows import LABELS, cypher_value, graph_rows
from kinlink.graph.schema import KIND


def dump(engine: FalkorEngine) -> str:
    """A digest of every node's labels and properties and every relationship."""
    nodes = engine.run("MATCH (n) RETURN labels(n)[0] AS label, properties(n) AS props").rows
    rels = engine.run(
        "MATCH (a)-[r]->(b) RETURN a.key, type(r), b.key, properties(r) AS props"
    ).rows
    text = json.dumps(sorted(map(repr, nodes)) + sorted(map(repr, rels)))
    return hashlib.sha256(text.encode()).hexdigest()


def counts(engine: FalkorEngine) -> tuple[Counter[str], Counter[str]]:
    nodes = engine.run("MATCH (n) RETURN labels(n)[0], count(n)").rows
    rels = engine.run("MATCH ()-[r]->() RETURN type(r), count(r)").rows
    return Counter(dict(nodes)), Counter(dict(rels))


def graph_counts(G: nx.MultiDiGraph) -> tuple[Counter[str], Counter[str]]:
    nodes = Counter(LABELS[k] for _, k in G.nodes(data=KIND))
    rels = Counter(k for *_, k in G.edges(data=KIND))
    return nodes, rels


def test_cypher_values() -> None:
    assert cypher_value(pd.Timestamp("2020-02-29")) == "2020-02-29"
    assert cypher_value(pd.Timestamp("2020-02-29 13:45")) == "2020-02-29T13:45:00"
    assert cypher_value(pd.NaT) is None and cypher_value(float("nan")) is None
    assert cypher_value(pd.NA) is None
    import numpy as np

    assert cypher_value(np.bool_(True)) is True and type(cypher_value(np.int64(7))) is int
    assert cypher_value(np.float64(1.5)) == 1.5 and type(cypher_value(np.float64(1.5))) is float


def test_everything_arrives_once(sample_graph: nx.MultiDiGraph, falkor: FalkorEngine) -> None:
    stats = export_graph(sample_graph, falkor, batch_size=700)
    assert stats.nodes == sample_graph.number_of_nodes()
    assert stats.relationships == sample_graph.number_of_edges()
    assert counts(falkor) == graph_counts(sample_graph)
    # a record's properties are its attributes, dates as ISO text, missing ones absent
    _, attrs = next(
        (n, a) for n, a in sample_graph.nodes(data=True) if a[KIND] == "record" and "dob" in a
    )
    props = falkor.run("MATCH (r:Record {key: $k}) RETURN properties(r)", {"k": attrs["key"]})
    stored = props.rows[0][0]
    assert stored["dob"] == attrs["dob"].date().isoformat()
    assert set(stored) == {k for k in attrs if k != KIND}
    # a MEMBER_OF role survives
    roles = falkor.run("MATCH ()-[m:MEMBER_OF]->() WHERE m.role IS NOT NULL RETURN count(m)")
    expected = sum(1 for *_, a in sample_graph.edges(data=True) if a.get("role"))
    assert roles.rows[0][0] == expected > 0


def test_twice_changes_nothing(sample_graph: nx.MultiDiGraph, falkor: FalkorEngine) -> None:
    export_graph(sample_graph, falkor)
    first = dump(falkor)
    export_graph(sample_graph, falkor, batch_size=999)
    assert dump(falkor) == first
    assert counts(falkor) == graph_counts(sample_graph)


def test_keys_are_unique_in_the_database(
    sample_graph: nx.MultiDiGraph, falkor: FalkorEngine
) -> None:
    export_graph(sample_graph, falkor)
    key = next(a["key"] for _, a in sample_graph.nodes(data=True) if a[KIND] == "case")
    with pytest.raises(ExportError, match="unique constraint"):
        falkor.run("CREATE (:Case {key: $k})", {"k": key})


class Flaky:
    """An engine that drops the connection on chosen calls (before or after running them)."""

    def __init__(self, inner: FalkorEngine, fail_on: Mapping[int, str]) -> None:
        self.inner = inner
        self.name = inner.name
        self.fail_on = dict(fail_on)
        self.calls = 0
        self.reconnects = 0
        self.kills = 0

    def run(self, query: str, params: Any = None, *, read_only: bool = False) -> Result:
        self.calls += 1
        when = self.fail_on.pop(self.calls, None)
        if when == "before":
            raise ConnectionDropped("connection reset (before)")
        result = self.inner.run(query, params, read_only=read_only)
        if when == "after":  # the batch was written but the answer was lost
            raise ConnectionDropped("connection reset (after)")
        return result

    def ensure_key_constraints(self, labels: Any) -> None:
        self.inner.ensure_key_constraints(labels)

    def reconnect(self) -> None:
        self.reconnects += 1
        self.inner.reconnect()

    def close(self) -> None:
        self.inner.close()


def test_dropped_batches_are_retried(sample_graph: nx.MultiDiGraph, server: FalkorEngine) -> None:
    clean = server.with_graph("clean_export")
    flaky_target = server.with_graph("flaky_export")
    try:
        export_graph(sample_graph, clean, batch_size=1000)
        flaky = Flaky(flaky_target, {2: "after", 5: "before", 6: "before", 14: "after"})
        stats = export_graph(sample_graph, flaky, batch_size=1000, sleep=lambda s: None)
        assert stats.retries == 4 and flaky.reconnects == 4 and not flaky.fail_on
        assert dump(flaky_target) == dump(clean)
    finally:
        for engine in (clean, flaky_target):
            engine.drop_graph()
            engine.close()


def test_gives_up_after_the_retries(sample_graph: nx.MultiDiGraph, falkor: FalkorEngine) -> None:
    flaky = Flaky(falkor, dict.fromkeys(range(1, 10), "before"))
    with pytest.raises(ExportError, match="still failed after 2 retries"):
        export_graph(sample_graph, flaky, retries=2, sleep=lambda s: None)


def test_survives_the_server_closing_the_connection(
    sample_graph: nx.MultiDiGraph, falkor: FalkorEngine, server: FalkorEngine
) -> None:
    """A real drop: the server closes the exporter's connection while a batch is running."""
    admin = server.with_graph("admin")

    class Killer(Flaky):
        def run(self, query: str, params: Any = None, *, read_only: bool = False) -> Result:
            self.calls += 1
            rows = (params or {}).get("rows", [])
            if len(rows) >= 2000 and self.kills < 3:  # big batches, each killed once
                self.kills += 1
                client = self.inner.command("CLIENT", "ID")
                timer = threading.Timer(0.02, admin.command, ("CLIENT", "KILL", "ID", client))
                timer.start()
                try:
                    return self.inner.run(query, params, read_only=read_only)
                finally:
                    timer.join()
            return self.inner.run(query, params, read_only=read_only)

    killer = Killer(falkor, {})
    try:
        stats = export_graph(sample_graph, killer, batch_size=20000, sleep=lambda s: None)
    finally:
        admin.close()
    # a kill that lands between two batches is healed by the client's connection pool; one
    # that lands while a batch is sent or run makes the exporter retry it on a new connection
    assert stats.retries >= 1 and killer.reconnects == stats.retries
    assert counts(falkor) == graph_counts(sample_graph)


def test_rows_match_the_graph(sample_graph: nx.MultiDiGraph) -> None:
    rows = graph_rows(sample_graph)
    assert rows.n_nodes == sample_graph.number_of_nodes()
    assert rows.n_rels == sample_graph.number_of_edges()
    assert all("key" in r for rs in rows.nodes.values() for r in rs)
    assert all(v is not None for rs in rows.nodes.values() for r in rs for v in r.values())


def test_server_is_stopped_even_on_interrupt() -> None:
    with pytest.raises(KeyboardInterrupt), embedded_falkordb() as engine:
        pid = engine.server_pid
        assert pid is not None and os.path.exists(f"/proc/{pid}")
        raise KeyboardInterrupt
    assert not os.path.exists(f"/proc/{pid}")


def test_server_is_stopped_on_error() -> None:
    with pytest.raises(ExportError), embedded_falkordb() as engine:
        pid = engine.server_pid
        engine.run("THIS IS NOT CYPHER")
    assert pid is not None and not os.path.exists(f"/proc/{pid}")


def _gone(pid: int) -> bool:
    """The process has ended (a zombie waiting for init to reap it counts as ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" in status


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="the watchdog needs os.pidfd_open")
def test_server_is_stopped_when_kinlink_is_killed_outright(tmp_path: Path) -> None:
    # SIGKILL runs no `finally`: the watchdog process is what stops the server then
    script = (
        "import sys, time\n"
        "from kinlink.graph.export import embedded_falkordb\n"
        "with embedded_falkordb() as engine:\n"
        "    print(engine.server_pid, flush=True)\n"
        "    time.sleep(600)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        server = int(child.stdout.readline())
        cmdline = Path(f"/proc/{server}/cmdline").read_bytes().split(b"\0")
        socket_arg = next(a for a in cmdline if a.endswith(b"falkordb.sock")).decode()
        folder = Path(socket_arg.split(":", 1)[-1]).parent
        assert folder.is_dir() and not _gone(server)
        child.kill()
        child.wait()
        deadline = time.monotonic() + 15
        while not (_gone(server) and not folder.exists()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(server), "the FalkorDB server outlived the killed kinlink"
        assert not folder.exists(), "the server's folder outlived the killed kinlink"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


class PersistentServer:
    """A FalkorDB server that keeps its data in ``folder`` (append-only file, synced on every
    write), so it can be killed and started again with what it had committed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sock = str(folder / "falkordb.sock")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> FalkorEngine:
        server, module = _binaries()
        self.proc = subprocess.Popen(
            [
                server,
                "--port",
                "0",
                "--unixsocket",
                self.sock,
                "--unixsocketperm",
                "700",
                "--loadmodule",
                module,
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while True:
            assert self.proc.poll() is None, "FalkorDB did not start"
            try:
                return FalkorEngine("resume", unix_socket=self.sock)
            except ConnectionDropped:
                assert time.monotonic() < deadline, "FalkorDB did not start in 20 s"
                time.sleep(0.05)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture
def persistent(tmp_path: Path) -> Iterator[PersistentServer]:
    server = PersistentServer(tmp_path)
    yield server
    server.kill()


class ServerKiller(Flaky):
    """Kills the whole server (SIGKILL) while the ``at``-th batch is running."""

    def __init__(self, inner: FalkorEngine, server: PersistentServer, at: int) -> None:
        super().__init__(inner, {})
        self.server, self.at = server, at

    def run(self, query: str, params: Any = None, *, read_only: bool = False) -> Result:
        self.calls += 1
        if self.calls == self.at:
            timer = threading.Timer(0.005, self.server.kill)
            timer.start()
            try:
                return self.inner.run(query, params, read_only=read_only)
            finally:
                timer.join()
        return self.inner.run(query, params, read_only=read_only)


def _no_duplicate_keys(engine: FalkorEngine) -> bool:
    rows = engine.run("MATCH (n) RETURN labels(n)[0], n.key, count(*) AS c ORDER BY c DESC LIMIT 1")
    return bool(rows.rows) and rows.rows[0][2] == 1


def test_export_resumes_after_the_server_is_killed_and_restarted(
    sample_graph: nx.MultiDiGraph, persistent: PersistentServer
) -> None:
    """The server dies mid-export and comes back while the exporter retries: the export
    finishes on the restarted server, whose data the committed batches survived, with every
    node and relationship exactly once."""
    engine = persistent.start()
    killer = ServerKiller(engine, persistent, at=4)
    before: list[int] = []

    def restart(_seconds: float) -> None:  # the exporter's back-off: bring the server back
        if persistent.proc is not None and persistent.proc.poll() is not None:
            fresh = persistent.start()
            before.append(fresh.run("MATCH (n) RETURN count(n)").rows[0][0])
            fresh.close()

    stats = export_graph(sample_graph, killer, batch_size=500, sleep=restart)
    assert stats.retries >= 1 and len(before) == 1
    assert 0 < before[0] < sample_graph.number_of_nodes()  # the earlier batches were kept
    assert counts(engine) == graph_counts(sample_graph)
    assert _no_duplicate_keys(engine)
    engine.close()


def test_export_rerun_after_a_killed_server_adds_no_duplicates(
    sample_graph: nx.MultiDiGraph, persistent: PersistentServer
) -> None:
    """The server dies mid-export and stays down: the export fails cleanly; once the server is
    started again, running the same export again completes it without duplicates."""
    engine = persistent.start()
    with pytest.raises(ExportError, match="still failed after 0 retries"):
        export_graph(
            sample_graph, ServerKiller(engine, persistent, at=4), batch_size=500, retries=0
        )
    engine.close()
    engine = persistent.start()
    partial = engine.run("MATCH (n) RETURN count(n)").rows[0][0]
    assert 0 < partial < sample_graph.number_of_nodes()
    export_graph(sample_graph, engine, batch_size=500)
    assert counts(engine) == graph_counts(sample_graph)
    assert _no_duplicate_keys(engine)
    engine.close()


def test_retries_against_a_server_that_stays_down_fail_cleanly(
    sample_graph: nx.MultiDiGraph, persistent: PersistentServer
) -> None:
    engine = persistent.start()
    with pytest.raises(ExportError, match="still failed after 2 retries"):
        export_graph(
            sample_graph,
            ServerKiller(engine, persistent, at=4),
            batch_size=500,
            retries=2,
            sleep=lambda s: None,
        )
    engine.close()
