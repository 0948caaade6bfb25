"""Whole ``kinlink report`` as a user runs it: wall time, CPU and the memory of every process.

``/usr/bin/time -v`` and ``ru_maxrss`` give the peak of the largest *single* process. The
report writer forks children (``kinlink.background``) that share the parent's pages
copy-on-write and copy some of them as they run, so the memory a machine must have is the
whole process tree's. This script runs ``kinlink report BUNDLE --out OUT`` as a child and
samples, every ``--every`` seconds, the sum of the proportional set size (PSS: shared pages
divided among the processes that share them) of the child and all its descendants, from
``/proc/PID/smaps_rollup``. The peak of that sum is the figure to hold against a memory target;
the summed RSS (shared pages counted once per process, an upper bound) and ``ru_maxrss`` are
printed beside it.

Sampling can miss a peak shorter than the interval; the default 0.1 s is far shorter than any
stage of a report large enough to matter.

Usage::

    flock /tmp/kinlink-heavy.lock python benchmarks/bench_whole_report.py /work/data/gen-400000-1
    python benchmarks/bench_whole_report.py BUNDLE --out R -- --mask   # extra report options
    python benchmarks/bench_whole_report.py BUNDLE --summary   # with kinlink's seconds per stage
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            out.extend(int(c) for c in text.split())
    except OSError:  # the process ended between two reads
        pass
    return out


def _tree(pid: int) -> list[int]:
    """``pid`` and every descendant alive now."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(_children(p))
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in bytes, 0 if it is gone."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
            elif line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return pss, rss


def measure(command: list[str], every: float) -> dict[str, float]:
    """Run ``command``; return its wall and CPU time and the tree's memory peaks (bytes)."""
    start = time.perf_counter()
    process = subprocess.Popen(command)
    peak_pss = peak_rss = 0
    peak_at = 0.0
    most = 1
    while process.poll() is None:
        tree = _tree(process.pid)
        sizes = [_memory(p) for p in tree]
        pss = sum(s[0] for s in sizes)
        if pss > peak_pss:
            peak_pss, peak_at = pss, time.perf_counter() - start
        peak_rss = max(peak_rss, sum(s[1] for s in sizes))
        most = max(most, len(tree))
        time.sleep(every)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "exit": process.returncode,
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "tree_pss": peak_pss,
        "peak_at": peak_at,
        "tree_rss": peak_rss,
        "maxrss": usage.ru_maxrss * 1024,
        "processes": most,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", help="bundle folder (or file) to report on")
    parser.add_argument("--out", help="report folder (default: a temporary one, removed)")
    parser.add_argument("--every", type=float, default=0.1, help="sampling interval, seconds")
    parser.add_argument(
        "--summary",
        action="store_true",
        help="let kinlink print its summary (with the seconds of each stage: load, resolve, "
        "families, report) instead of running it with -q",
    )
    parser.add_argument("extra", nargs="*", help="more `kinlink report` options, after --")
    # argparse gives both positionals their values at the bundle, so options after the bundle
    # and "--" would be refused: split them off first.
    argv = sys.argv[1:] if argv is None else argv
    cut = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:cut])
    args.extra = [*args.extra, *argv[cut + 1 :]]
    scratch = None if args.out else tempfile.mkdtemp(prefix="kinlink-bench-")
    out = args.out or str(Path(scratch or ".") / "report")
    kinlink = shutil.which("kinlink", path=str(Path(sys.executable).parent)) or "kinlink"
    quiet = [] if args.summary else ["-q"]
    command = [kinlink, "report", args.bundle, "--out", out, *quiet, *args.extra]
    try:
        with open("/proc/loadavg") as f:
            load_before = f.read().split()[:3]
        figures = measure(command, args.every)
        with open("/proc/loadavg") as f:
            load_after = f.read().split()[:3]
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    gib = 2**30
    print(" ".join(command))
    print(
        f"exit {figures['exit']}  wall {figures['wall']:.1f} s  CPU {figures['cpu']:.1f} s  "
        f"peak memory of the process tree {figures['tree_pss'] / gib:.2f} GiB (PSS, "
        f"{figures['tree_pss'] / 1e9:.2f} GB, {figures['peak_at']:.0f} s in; summed RSS "
        f"{figures['tree_rss'] / gib:.2f} GiB)  largest single process "
        f"{figures['maxrss'] / gib:.2f} GiB (ru_maxrss)  processes at most {figures['processes']}  "
        f"load {'/'.join(load_before)} -> {'/'.join(load_after)}"
    )
    return int(figures["exit"])


if __name__ == "__main__":
    raise SystemExit(main())
