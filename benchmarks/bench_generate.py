"""Time the synthetic bundle generator and report its peak memory.

Usage::

    python benchmarks/bench_generate.py [N_RECORDS] [--seed S] [--fmt csv|parquet]

Generates ``N_RECORDS`` (default 400000) individuals rows into a temporary folder, then prints
the wall time, the throughput, the peak resident set size of this process
(``resource.getrusage``) and the bundle's size on disk.  A benchmark script, not a test: it
asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_records", nargs="?", type=int, default=400_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fmt", choices=("csv", "parquet"), default="csv")
    args = parser.parse_args(argv)

    from kinlink.samples.generator import generate_bundle

    with tempfile.TemporaryDirectory(prefix="kinlink-bench-") as tmp:
        start = time.perf_counter()
        summary = generate_bundle(tmp, args.n_records, seed=args.seed, fmt=args.fmt)
        elapsed = time.perf_counter() - start
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mib = usage.ru_maxrss / 1024  # KiB on Linux
    cpu = usage.ru_utime + usage.ru_stime
    print(f"records      {summary['records']:>12,}  ({args.fmt}, seed {args.seed})")
    print(f"persons      {summary['persons']:>12,}")
    print(f"cases        {summary['cases']:>12,}")
    print(f"hearings     {summary['hearings']:>12,}")
    print(f"wall time    {elapsed:>12.1f} s")
    print(f"cpu time     {cpu:>12.1f} s")
    print(f"throughput   {summary['records'] / elapsed:>12,.0f} records/s (wall)")
    print(f"peak RSS     {peak_mib:>12,.0f} MiB")
    print(f"on disk      {size / 2**20:>12,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
