"""Time and peak memory of ``kinlink import-eoir`` (and optionally ``kinlink report``) on a
made-up release in the published layout.

Usage::

    python benchmarks/bench_eoir.py                          # 1M cases, 5M schedule rows
    python benchmarks/bench_eoir.py --cases 12000000 --schedule 45000000 \\
        --folder /work/data/eoir-full/release --keep --report    # a full-size release

The release is written by ``benchmarks/eoir_release.py`` (published layout: ``EOIR Case Data/``
and ``Lookup/``, tab-delimited, ``Count.txt``, padded codes, NUL bytes, ragged rows, a cp1252
lookup; about 0.6% of cases MPP, many in lead/rider families). It is generated into ``--folder``
when that folder holds no release yet. Each step runs as a child process; the script prints its
wall time, CPU time and peak resident memory (the child's own ``ru_maxrss``, from ``wait4``) with
the command and the load average. Wall time suffers when other work shares the machine; CPU time
much less. Nothing is asserted (targets: 5M schedule rows under 10 minutes and 4 GB; a full
release, 12M cases and 45M schedule rows, under 15 minutes and 4 GB).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eoir_release import generate

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases")
    parser.add_argument("--schedule", type=int, default=5_000_000, help="schedule rows")
    parser.add_argument("--folder", type=Path, help="release folder (generated if empty)")
    parser.add_argument("--out", type=Path, help="bundle folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the generated folders")
    parser.add_argument("--report", action="store_true", help="also run kinlink report")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_eoir_"))
    release = args.folder or work / "release"
    bundle = args.out or work / "bundle"
    try:
        if not (release.exists() and any(release.rglob("A_TblCase*"))):
            started = time.perf_counter()
            counts = generate(release, args.cases, args.schedule)
            size = sum(p.stat().st_size for p in release.rglob("*") if p.is_file())
            print(
                f"generated {release}: {counts}, {size / 1e9:.2f} GB "
                f"in {time.perf_counter() - started:.0f}s"
            )
        kinlink = ROOT / ".venv" / "bin" / "kinlink"
        exe = str(kinlink if kinlink.exists() else "kinlink")
        # Each child is timed on its own: wait4 gives the child's own peak memory.
        code = _timed([exe, "import-eoir", str(release), "--out", str(bundle)], "import-eoir")
        if code == 0 and args.report:
            report = bundle.parent / (bundle.name + "-report")
            code = _timed([exe, "report", str(bundle), "--out", str(report)], "report")
        return code
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


def _timed(command: list[str], label: str) -> int:
    """Run one child and print its own wall time, CPU time and peak memory (``wait4``)."""
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert child.stdout is not None
    output = child.stdout.read().decode("utf-8", errors="replace")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    print(output, end="")
    after = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(
        f"{label}: exit {child.returncode}, wall {wall:.1f}s, "
        f"CPU {usage.ru_utime + usage.ru_stime:.1f}s, peak RSS {usage.ru_maxrss / 1024:.0f} MB "
        f"(load {load} before, {after} after)\n  command: {' '.join(command)}"
    )
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())
