"""A report run killed (SIGKILL) mid-write leaves the previous complete report or none.

``write_report`` writes into a hidden sibling folder and renames it into place at the end. The
tests start ``kinlink report`` in a subprocess on a bundle big enough to take seconds, wait until
the temporary folder holds files (so the kill lands while the report is being written), kill it,
and compare the target folder with what was there before.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kinlink.cli import main
from kinlink.folders import abandoned_scratch, scratch_name
from kinlink.samples.generator import generate_bundle


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    generate_bundle(folder, 20000, seed=1)
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    generate_bundle(folder, 300, seed=3)
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _leftovers(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.*"))


def _kill_while_writing(bundle: Path, out: Path) -> None:
    """Start ``kinlink report`` and SIGKILL it once its temporary folder holds a file."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kinlink.cli", "report", str(bundle), "--out", str(out), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(any(t.iterdir()) for t in _leftovers(out) if t.is_dir()):
            assert proc.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline, "no temporary report folder appeared"
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_killed_run_keeps_the_previous_report(big: Path, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert main(["report", str(small), "--out", str(out), "-q"]) == 0
    before = _snapshot(out)
    assert "summary.json" in before and "persons.csv" in before

    _kill_while_writing(big, out)

    assert _snapshot(out) == before  # file for file, byte for byte: nothing half-written
    assert _leftovers(out)  # the killed run's temporary folder is still there ...

    assert main(["report", str(small), "--out", str(out), "-q"]) == 0
    assert _leftovers(out) == []  # ... until the next run removes it
    # the same files (report.xlsx embeds its creation time), and the changes since the first run
    assert _snapshot(out).keys() == before.keys() | {"changes.csv"}


def test_killed_first_run_leaves_no_report(big: Path, small: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    _kill_while_writing(big, out)
    assert not out.exists()
    assert main(["report", str(small), "--out", str(out), "-q"]) == 0
    assert (out / "summary.json").is_file() and _leftovers(out) == []


def test_a_run_leaves_a_live_runs_temporary_folder_alone(small: Path, tmp_path: Path) -> None:
    """Two runs into one folder: the second must not delete the first's work in progress."""
    out = tmp_path / "report"
    live = scratch_name(out, "tmp")  # named after this (live) test process
    live.mkdir()
    (live / "persons.csv").write_text("record_id,person_id,family_id\n", encoding="utf-8")
    dead = out.parent / f".{out.name}.tmp-{_dead_pid()}-0badc0de"
    dead.mkdir()
    legacy = out.parent / f".{out.name}.old-0badc0de"  # named before process ids were
    legacy.mkdir()

    assert main(["report", str(small), "--out", str(out), "-q"]) == 0

    assert _leftovers(out) == [live]
    assert (live / "persons.csv").exists()
    assert abandoned_scratch(out) == []


def _dead_pid() -> int:
    """The id of a process that has just ended (so no live process owns it, barring reuse)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    return proc.pid
