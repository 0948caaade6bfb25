"""Wall time and peak memory of a whole ``kinlink report``, stage by stage.

Usage::

    python benchmarks/bench_report.py --bundle /work/data/gen-400000-1 [--bundle ...]
    python benchmarks/bench_report.py --records 400000 --seed 1     # generate one first

Each bundle is reported in a child process of its own (so one run's memory never counts in the
next), through the library path ``kinlink report`` takes: ``kinlink.open(BUNDLE).report(OUT)``.
Per stage (load, resolve, families, facts + analyses + files = report) it prints the wall and CPU
seconds and the peak resident set size sampled every 20 ms; then the whole run's wall time and
the process's peak RSS as the kernel counts it (``ru_maxrss``, what ``/usr/bin/time -v`` calls
"Maximum resident set size"). The load average is printed before and after, since wall time
suffers when other work shares the machine. Nothing is asserted; issue 17's targets are under
60 s and 2 GB at 400k records, under 5 minutes and 8 GB at 2M.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PAGE = 4096


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE


def _load() -> str:
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3])


class Sampler(threading.Thread):
    """Peak RSS since the last :meth:`lap`, sampled every 20 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _rss()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, _rss())
            time.sleep(0.02)

    def lap(self) -> int:
        peak, self.peak = max(self.peak, _rss()), _rss()
        return peak


def child(bundle: Path, out: Path) -> None:
    """Run the report on ``bundle`` in this process and print one JSON line of figures."""
    import kinlink

    sampler = Sampler()
    sampler.start()
    stages: list[dict[str, float]] = []
    started = time.perf_counter()

    def stage(name: str, func: object) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        func()  # type: ignore[operator]
        stages.append(
            {
                "stage": name,
                "wall": time.perf_counter() - wall,
                "cpu": time.process_time() - cpu,
                "peak": sampler.lap(),
            }
        )

    source = kinlink.open(bundle)
    stage("load", lambda: source.bundle)
    stage("resolve", source.resolve)
    stage("families", lambda: source.linked)
    stage("report", lambda: source.report(out))
    total = time.perf_counter() - started
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    records = len(source.bundle.individuals)
    print(json.dumps({"records": records, "stages": stages, "wall": total, "maxrss": maxrss}))


def measure(bundle: Path, out: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(bundle), "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, action="append", default=[])
    parser.add_argument("--records", type=int, help="generate a bundle of this many records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="report folder (default: a temporary one)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.out)
        return 0
    with tempfile.TemporaryDirectory(prefix="kinlink-bench-") as tmp:
        bundles = list(args.bundle)
        if args.records:
            from kinlink.samples.generator import generate_bundle

            path = Path(tmp) / "bundle"
            generate_bundle(path, args.records, seed=args.seed)
            bundles.append(path)
        for bundle in bundles:
            out = args.out or Path(tmp) / "report"
            print(f"$ kinlink report {bundle} --out {out}   (load average {_load()})", flush=True)
            figures = measure(bundle, out)
            for s in figures["stages"]:  # type: ignore[attr-defined]
                print(
                    f"  {s['stage']:<9} {s['wall']:7.1f} s wall {s['cpu']:7.1f} s cpu   "
                    f"peak RSS {s['peak'] / 2**30:5.2f} GiB"
                )
            print(
                f"  whole report: {figures['records']:,} records, {figures['wall']:.1f} s wall, "
                f"peak RSS {figures['maxrss'] / 2**30:.2f} GiB (ru_maxrss)   "
                f"(load average after {_load()})",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
