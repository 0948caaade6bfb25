"""Time and peak memory of graph build, analyses and report writing, separately.

Usage::

    python benchmarks/bench_report.py --records 400000            # generate (kinlink generator)
    python benchmarks/bench_report.py --bundle data/samples/bundle  # an existing bundle

Wall time suffers when other work shares the machine; the CPU time column does much less.
Persons come from the bundle's ``truth/records.csv`` when it has one (so the figures measure
the graph, analyses and report, not the resolver); otherwise from the exact-key baseline
resolver. Peak memory is the process's resident set size, sampled every 20 ms during each phase
(``peak``) and as the OS's high-water mark at its end (``maxrss``). Prints one line per phase and
a total; nothing is asserted (see issue 4: under 2 minutes and 4 GB for 400k records).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_bundles import bundle_and_persons

PAGE = 4096


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE


class _Sampler:
    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss())
            time.sleep(0.02)

    def __enter__(self) -> _Sampler:
        self.peak = _rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())


@contextmanager
def phase(name: str, results: list[tuple[str, float, int]]) -> Iterator[None]:
    gc.collect()
    before = _rss()
    start = time.perf_counter()
    cpu = time.process_time()
    with _Sampler() as s:
        yield
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    results.append((name, seconds, s.peak))
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        f"{name:<10} {seconds:8.1f} s wall {cpu:8.1f} s cpu   RSS {before / 2**30:5.2f} -> peak "
        f"{s.peak / 2**30:5.2f} GiB"
        f"   maxrss {maxrss / 2**30:6.2f} GiB",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, help="an existing bundle folder")
    parser.add_argument("--records", type=int, default=400_000, help="records to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="report folder (default: a temporary one)")
    args = parser.parse_args(argv)

    from kinlink.graph.build import build_graph
    from kinlink.queries.facts import derive_facts
    from kinlink.queries.report import analyse, write_report

    t0 = time.perf_counter()
    bundle, persons = bundle_and_persons(args.bundle, records=args.records, seed=args.seed)
    print(
        f"input: {len(bundle.individuals)} records, {persons['person_id'].nunique()} persons, "
        f"{len(bundle.family_units)} unit rows, {len(bundle.cases)} cases, "
        f"{len(bundle.hearings)} hearings (prepared in {time.perf_counter() - t0:.1f} s)",
        flush=True,
    )

    results: list[tuple[str, float, int]] = []
    with phase("graph", results):
        G = build_graph(bundle, persons)
    print(f"           {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")
    with phase("analyses", results):
        result = analyse(G, facts=derive_facts(G))
    print(
        f"           {len(result.flags)} flags on "
        f"{len({f.family_id for f in result.flags})} families"
    )
    out = args.out or Path(tempfile.mkdtemp(prefix="kinlink-bench-")) / "report"
    with phase("report", results):
        write_report(G, bundle, None, out, analyses=result)
    total = sum(s for _, s, _ in results)
    print(
        f"{'total':<10} {total:8.1f} s   peak RSS {max(p for *_, p in results) / 2**30:6.2f} GiB"
        f"   (report folder: {out})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
