"""Run ``kinlink report`` at two commits on the same bundles and compare the contract files.

Each commit is exported with ``git archive`` and its packages laid out as installed in its own
folder under ``--work``; both run with this environment's Python and libraries, so the only
difference is kinlink's code. The script prints the SHA-256 of every contract file (and of the
other CSV files) of both runs and exits 1 if a contract file differs.

Usage::

    python benchmarks/compare_reports.py BASE_COMMIT HEAD_COMMIT \\
        --bundle data/samples/bundle --bundle /work/data/gen-40000-1 [--mask]

``--mask`` also compares masked reports (``KINLINK_MASK_KEY`` is set to a fixed test key).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kinlink.contract import REPORT_FILES  # noqa: E402  (after the path is set)

#: The files the contract fixes (a difference fails the run), and the others compared.
CONTRACT = tuple(f"{stem}.csv" for stem, spec in REPORT_FILES.items() if spec.contract)
OTHER = (
    *(f"{stem}.csv" for stem, spec in REPORT_FILES.items() if not spec.contract),
    "matches.csv",
    "summary.json",
    "model.json",
    "report.html",
)
MASK_KEY = "compare-reports-fixed-key"


def install(commit: str, work: Path) -> Path:
    """``commit``'s kinlink, laid out as an installed package under ``work/<commit>/site``."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", commit], check=True, capture_output=True, text=True
    ).stdout.strip()
    site = work / sha[:12] / "site"
    if (site / ".done").is_file():
        return site
    src = work / sha[:12] / "src"
    shutil.rmtree(src.parent, ignore_errors=True)
    src.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", sha], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    # lay the packages out as setuptools' package-dir mapping installs them
    config = tomllib.loads((src / "pyproject.toml").read_text(encoding="utf-8"))
    mapping = config["tool"]["setuptools"]["package-dir"]
    for package, folder in sorted(mapping.items(), key=lambda kv: kv[0].count(".")):
        shutil.copytree(src / folder, site.joinpath(*package.split(".")), dirs_exist_ok=True)
    (site / ".done").touch()
    return site


def run_report(site: Path, bundle: Path, out: Path, *, mask: bool) -> float:
    env = {**os.environ, "PYTHONPATH": str(site)}
    if mask:
        env["KINLINK_MASK_KEY"] = MASK_KEY
    cmd = [sys.executable, "-m", "kinlink.cli", "report", str(bundle), "--out", str(out), "-q"]
    if mask:
        cmd.append("--mask")
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=site)
    return time.perf_counter() - started


def digest(path: Path) -> str:
    if not path.is_file():
        return "(absent)"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base")
    parser.add_argument("head")
    parser.add_argument("--bundle", type=Path, action="append", required=True)
    parser.add_argument("--mask", action="store_true", help="also compare masked reports")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kl-compare")
    args = parser.parse_args()
    with open("/proc/loadavg") as fh:
        print(f"load average: {fh.read().strip()}")
    sites = {name: install(getattr(args, name), args.work) for name in ("base", "head")}
    differ = False
    for bundle in args.bundle:
        for mask in (False, True) if args.mask else (False,):
            label = f"{bundle}{' --mask' if mask else ''}"
            outs = {}
            for name, site in sites.items():
                out = args.work / "reports" / f"{name}-{bundle.name}{'-mask' if mask else ''}"
                seconds = run_report(site, bundle.resolve(), out, mask=mask)
                print(f"{label}: {name} {getattr(args, name)} report in {seconds:.1f} s")
                outs[name] = out
            for name in CONTRACT + OTHER:
                a, b = (digest(outs[n] / name) for n in ("base", "head"))
                same = "same" if a == b else "DIFFERENT"
                if a != b and name in CONTRACT:
                    differ = True
                kind = "contract" if name in CONTRACT else "other"
                print(f"  {name:30s} {kind:8s} {a}  {b}  {same}")
    print("contract files differ" if differ else "contract files identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
