"""kinlink.background: a job in a forked child, its failure raised in the parent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kinlink.background import Background


def _write_pid(path: Path) -> None:
    path.write_text(str(os.getpid()), encoding="utf-8")


def _fail(message: str) -> None:
    raise ValueError(message)


def test_job_runs_in_a_child_and_is_waited_for(tmp_path: Path) -> None:
    with Background(_write_pid, tmp_path / "pid"):
        pass
    assert int((tmp_path / "pid").read_text()) != os.getpid()


def test_job_failure_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="disk full"), Background(_fail, "disk full"):
        pass


def test_parent_failure_kills_the_job(tmp_path: Path) -> None:
    import time

    def slow() -> None:
        time.sleep(30)
        (tmp_path / "late").write_text("x")

    started = time.monotonic()
    with pytest.raises(KeyError), Background(slow):
        raise KeyError("parent")
    assert time.monotonic() - started < 10
    assert not (tmp_path / "late").exists()


def test_without_fork_the_job_runs_inline(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KINLINK_NO_FORK", "1")
    with Background(_write_pid, tmp_path / "pid"):
        assert int((tmp_path / "pid").read_text()) == os.getpid()
    with pytest.raises(ValueError, match="inline"), Background(_fail, "inline"):
        pass
