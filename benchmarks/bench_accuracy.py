"""Accuracy of the whole batch report on generated bundles: persons, each flag file, review.

For every ``records-seed`` asked, the bundle is generated (or reused from ``--workdir``), the
real ``kinlink report`` runs in a child process (its wall time and peak memory are measured
apart from this script), and ``kinlink evaluate`` scores the report against the generator's
truth. A spec ``RECORDS-SEED[-none|-few][-tRATE]`` (``40000-1-none``, ``40000-1-none-t2``) is
generated in that regime (:mod:`kinlink.samples.regime`): no A-number and no other id at all, or
one in ten, an NGO-style world; ``tRATE`` multiplies every typing error.

Per flag file it prints the precision and recall of the *confirmed* flags (the contract file,
scored on ``(record_id, code)`` items as ``kinlink evaluate`` does), F1, the number of families
set aside in ``review_flags.csv`` and how many of them are true: a review row counts as true
when at least half of its ``(record_id, code)`` items are in the truth's flag file (the flag
would have been right had it been confirmed). The review share is the families in review over
every flagged family (confirmed or in review). Issue 13's bars: F1 >= 0.99 with A-numbers,
>= 0.95 without; review at most 10% of flagged families and at least half of it true.

    python benchmarks/bench_accuracy.py 40000-1 40000-1-none 400000-1
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

FLAG_FILES = ("separated_families", "mixed_nationality_units", "joint_reprocessing")
SHORT = {
    "separated_families": "separated",
    "mixed_nationality_units": "mixed",
    "joint_reprocessing": "joint",
}


def _bundle(workdir: Path, spec: str) -> tuple[Path, bool]:
    """The bundle of a spec ``RECORDS-SEED[-all|-few|-none][-tRATE]``, generated once, and
    whether it has no identifiers."""
    from kinlink.samples.generator import generate_bundle
    from kinlink.samples.regime import Regime

    parts = spec.split("-")
    records, seed = int(parts[0]), int(parts[1])
    identifiers = next((p for p in parts[2:] if p in ("all", "few", "none")), "all")
    typo = next((float(p[1:]) for p in parts[2:] if p.startswith("t")), 1.0)
    regime = Regime(identifiers=identifiers, typo_rate=typo)  # type: ignore[arg-type]
    path = workdir / f"bundle-{spec}"
    if not (path / "truth" / "records.csv").is_file():
        generate_bundle(path, records, seed=seed, regime=regime)
    return path, identifiers == "none"


def _report(bundle: Path, out: Path) -> tuple[float, float]:
    """Run ``kinlink report`` in a child; its wall seconds and its own peak resident GiB."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "kinlink.cli", "report", str(bundle), "--out", str(out), "-q"]
    )
    _, status, usage = os.wait4(child.pid, 0)  # this child's usage alone
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"kinlink report {bundle} failed with exit code {child.returncode}")
    return time.perf_counter() - start, usage.ru_maxrss / 2**20  # KiB on Linux


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "bundles", nargs="+", help="RECORDS-SEED[-none|-few][-tRATE], e.g. 40000-1-none"
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kinlink-bench"))
    args = parser.parse_args(argv)
    from kinlink.queries.evaluate import evaluate

    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"command: {' '.join(sys.argv)}")
    print(f"load average at start: {_load()}")
    header = (
        f"{'bundle':>14} {'persons':>7} "
        + " ".join(f"{SHORT[n] + ' P/R/F1':>22} {'review':>7}" for n in FLAG_FILES)
        + f" {'review %':>8} {'true %':>6} {'report s':>8} {'GiB':>5}"
    )
    print(header)
    failures = 0
    for spec in args.bundles:
        bundle, no_anumber = _bundle(args.workdir, spec)
        out = args.workdir / f"report-{spec}"
        seconds, peak = _report(bundle, out)
        scores = evaluate(out, bundle / "truth")
        cells = []
        review_rows = review_true = 0
        for name in FLAG_FILES:
            s = scores[name]
            r = scores.get(f"review:{name}", {"rows": 0, "true": 0})
            review_rows += r["rows"]
            review_true += r["true"]
            bar = 0.95 if no_anumber else 0.99
            failures += s["f1"] < bar
            score = f"{s['precision']:.4f}/{s['recall']:.4f}/{s['f1']:.4f}"
            cells.append(f"{score} {r['rows']:>3}({r['true']:>3})")
        flagged = set()
        for name in FLAG_FILES:
            flagged |= set(pd.read_csv(out / f"{name}.csv", dtype=str)["family_id"])
        review = pd.read_csv(out / "review_flags.csv", dtype=str)
        review_families = set(review["family_id"])
        share = len(review_families) / max(1, len(flagged | review_families))
        true_share = review_true / review_rows if review_rows else float("nan")
        failures += share > 0.10 or (review_rows and true_share < 0.5)
        print(
            f"{spec:>14} {scores['persons']['f1']:>7.4f} "
            + " ".join(f"{c:>30}" for c in cells)
            + f" {100 * share:>7.2f}% {100 * true_share:>5.0f}% {seconds:>8.1f} {peak:>5.2f}",
            flush=True,
        )
    print(f"load average at end: {_load()}")
    print(f"bars missed: {failures}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
