"""``make test``'s set-up steps never fail the suite: where a tool cannot be installed, they say
which test will be skipped.

``scripts/install-browser.sh`` (Chromium for the end-to-end dashboard test) and
``scripts/install-neo4j-lint.sh`` (Neo4j's Cypher linter from npm) are run here with what they
need pointed at something missing or failing, as on a machine without apt-get, root or network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"


def _run(script: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(script)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _failing_tool(folder: Path, name: str) -> Path:
    tool = folder / name
    tool.write_text("#!/bin/sh\necho 'E: could not reach the package source' >&2\nexit 100\n")
    tool.chmod(0o755)
    return tool


def test_make_test_runs_both_steps_before_pytest() -> None:
    proc = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    lines = proc.stdout.splitlines()
    browser = next(i for i, x in enumerate(lines) if "install-browser.sh" in x)
    lint = next(i for i, x in enumerate(lines) if "install-neo4j-lint.sh" in x)
    tests = next(i for i, x in enumerate(lines) if "pytest" in x)
    assert browser < tests and lint < tests


def test_browser_step_without_apt_get_says_the_test_is_skipped(tmp_path: Path) -> None:
    env = {"KINLINK_CHROMIUM": str(tmp_path / "chromium"), "KINLINK_APT_GET": "no-such-apt-get"}
    proc = _run(SCRIPTS / "install-browser.sh", env)
    assert proc.returncode == 0, proc.stderr
    assert "apt-get is not available" in proc.stderr
    assert "tests/dashboard/test_browser.py) will be SKIPPED" in proc.stderr


def test_browser_step_when_apt_get_fails_says_the_test_is_skipped(tmp_path: Path) -> None:
    apt = _failing_tool(tmp_path, "apt-get")
    env = {"KINLINK_CHROMIUM": str(tmp_path / "chromium"), "KINLINK_APT_GET": str(apt)}
    proc = _run(SCRIPTS / "install-browser.sh", env)
    assert proc.returncode == 0, proc.stderr
    assert "will be SKIPPED" in proc.stderr
    # as root: apt-get was tried and failed; otherwise: no root and no password-less sudo
    assert ("apt-get update failed" in proc.stderr) or ("needs root" in proc.stderr)


def test_browser_step_does_nothing_when_chromium_is_there(tmp_path: Path) -> None:
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)
    proc = _run(SCRIPTS / "install-browser.sh", {"KINLINK_CHROMIUM": str(chromium)})
    assert proc.returncode == 0 and proc.stderr == ""


def test_lint_step_without_the_npm_registry_says_the_test_is_skipped(tmp_path: Path) -> None:
    scripts = tmp_path / "scripts"
    (scripts / "neo4j-lint").mkdir(parents=True)
    shutil.copy(SCRIPTS / "install-neo4j-lint.sh", scripts)
    for name in ("package.json", "package-lock.json", "lint.mjs"):
        shutil.copy(SCRIPTS / "neo4j-lint" / name, scripts / "neo4j-lint")
    npm = _failing_tool(tmp_path, "npm")
    proc = _run(scripts / "install-neo4j-lint.sh", {"KINLINK_NPM": str(npm)})
    assert proc.returncode == 0, proc.stderr
    assert "npm ci failed" in proc.stderr or "node is not installed" in proc.stderr
    assert "tests/cypher/test_neo4j_lint.py) will be SKIPPED" in proc.stderr
    assert not (scripts / "neo4j-lint" / "node_modules" / ".kinlink-installed").exists()
