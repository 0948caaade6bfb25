"""Accuracy of the whole batch report on generated bundles: persons and each flag file's F1.

For every ``records-seed`` asked, the bundle is generated (or reused from ``--workdir``), the
real ``kinlink report`` runs in a child process (its wall time and peak memory are measured
apart from this script), and ``kinlink evaluate`` scores the report against the generator's
truth. Issue 4's bar is F1 0.98 for every flag file.

    python benchmarks/bench_accuracy.py 4000-5 20000-11 40000-1 400000-1
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

FLAG_FILES = ("separated_families", "mixed_nationality_units", "joint_reprocessing")
BAR = 0.98


def _bundle(workdir: Path, records: int, seed: int) -> Path:
    from kinlink.samples.generator import generate_bundle

    path = workdir / f"bundle-{records}-{seed}"
    if not (path / "truth" / "records.csv").is_file():
        generate_bundle(path, records, seed=seed)
    return path


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundles", nargs="+", help="RECORDS-SEED, e.g. 40000-1")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kinlink-bench"))
    args = parser.parse_args(argv)
    from kinlink.queries.evaluate import evaluate

    args.workdir.mkdir(parents=True, exist_ok=True)
    header = f"{'bundle':>12} {'persons':>8} " + " ".join(f"{n[:9]:>9}" for n in FLAG_FILES)
    print(f"{header} {'min P':>7} {'report s':>9} {'peak GiB':>9}")
    below = 0
    for spec in args.bundles:
        records, seed = (int(x) for x in spec.split("-"))
        bundle = _bundle(args.workdir, records, seed)
        out = args.workdir / f"report-{records}-{seed}"
        seconds, peak = _report(bundle, out)
        scores = evaluate(out, bundle / "truth")
        f1 = [scores[name]["f1"] for name in FLAG_FILES]
        precision = min(scores[name]["precision"] for name in FLAG_FILES)
        below += sum(v < BAR for v in f1)
        print(
            f"{spec:>12} {scores['persons']['f1']:>8.4f} "
            + " ".join(f"{v:>9.4f}" for v in f1)
            + f" {precision:>7.4f} {seconds:>9.1f} {peak:>9.2f}",
            flush=True,
        )
    print(f"flag files under F1 {BAR}: {below}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
