"""``kinlink export``: write a bundle's case-linkage graph to Neo4j or FalkorDB."""

from __future__ import annotations

import argparse
from pathlib import Path

from kinlink.commands import (
    add_graph_arguments,
    add_neo4j_arguments,
    graph_of,
    progress_enabled,
)

NAME = "export"
HELP = "write a bundle's graph to Neo4j or FalkorDB (idempotent batched MERGE)"
AUTO = "kinlink"  # --falkordb with no address: the server kinlink runs (kinlink graphdb)
EXAMPLE = (
    "KINLINK_NEO4J_PASSWORD=… kinlink export data/samples/bundle "
    "--neo4j-uri bolt://localhost:7687 --user neo4j"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "bundle",
        type=Path,
        help="bundle folder, or a graph folder saved by the report (graph.json + Parquet)",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    add_neo4j_arguments(parser, uri_group=target)
    target.add_argument(
        "--falkordb",
        nargs="?",
        const=AUTO,
        metavar="HOST:PORT|SOCKET",
        help="a FalkorDB server; with no address, the one kinlink runs on this machine, "
        "started if needed (see kinlink graphdb)",
    )
    parser.add_argument("--graph", default="kinlink", help="FalkorDB graph name")
    parser.add_argument("--batch-size", type=int, default=5000, help="rows per UNWIND batch")
    add_graph_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from kinlink.graph.export import connect_falkordb, connect_neo4j, export_graph

    progress = progress_enabled(args)
    G = graph_of(args)
    if args.neo4j_uri:
        engine = connect_neo4j(args.neo4j_uri, args.user, database=args.database)
        where = f"Neo4j at {args.neo4j_uri}"
    elif args.falkordb == AUTO:
        from kinlink.graph.export.server import start

        server = start()
        engine = connect_falkordb(server.address, args.graph)
        where = f"FalkorDB at {server.address} (graph {args.graph})"
        if not args.quiet:
            state = "started" if server.started else "running"
            print(f"kinlink's FalkorDB server ({state})\n" + server.how_to_connect(args.graph))
    else:
        engine = connect_falkordb(args.falkordb, args.graph)
        where = f"FalkorDB at {args.falkordb} (graph {args.graph})"
    try:
        stats = export_graph(G, engine, batch_size=args.batch_size, progress=progress)
    finally:
        engine.close()
    if not args.quiet:
        print(
            f"exported {stats.nodes} nodes and {stats.relationships} relationships to {where} "
            f"in {stats.seconds:.1f} s ({stats.per_second:,.0f} per second, "
            f"{stats.retries} retried batches)"
        )
    return 0
