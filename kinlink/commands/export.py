"""``kinlink export``: write a bundle's case-linkage graph to Neo4j or FalkorDB."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from kinlink.commands import add_mapping_argument, progress_enabled

NAME = "export"
HELP = "write a bundle's graph to Neo4j or FalkorDB (idempotent batched MERGE)"
EXAMPLE = (
    "KINLINK_NEO4J_PASSWORD=… kinlink export data/samples/bundle "
    "--neo4j-uri bolt://localhost:7687 --user neo4j"
)
USER_ENV = "KINLINK_NEO4J_USER"
AUTO = "kinlink"  # --falkordb with no address: the server kinlink runs (kinlink graphdb)


def add_graph_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments that say where a graph comes from (shared with ``kinlink cypher``)."""
    parser.add_argument(
        "--resolver",
        choices=["fellegi-sunter", "exact"],
        default="fellegi-sunter",
        help="identity resolver used when BUNDLE is a bundle (not a saved graph folder)",
    )
    add_mapping_argument(parser)


def add_neo4j_arguments(parser: argparse.ArgumentParser, uri_group: Any = None) -> None:
    """``--neo4j-uri`` (in ``uri_group`` if given), ``--user``, ``--database``; the password
    is read only from the environment."""
    (uri_group or parser).add_argument(
        "--neo4j-uri", metavar="URI", help="Neo4j bolt:// or neo4j:// URI"
    )
    parser.add_argument(
        "--user",
        default=os.environ.get(USER_ENV, "neo4j"),
        help=f"Neo4j user (default ${USER_ENV} or neo4j); the password is read from "
        "$KINLINK_NEO4J_PASSWORD, never from a flag",
    )
    parser.add_argument("--database", help="Neo4j database (default: the server's default)")


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


def load_graph_for(
    path: Path, *, resolver: str, progress: bool, mapping: Path | None = None
) -> Any:
    """The graph of ``path``: a saved graph folder is read as is; a bundle (or a spreadsheet
    read through ``mapping``) is loaded, resolved and built."""
    if (path / "graph.json").is_file():
        from kinlink.graph.store import load_graph

        return load_graph(path)
    from kinlink.graph.build import build_graph
    from kinlink.loaders import load_bundle
    from kinlink.pipeline import resolve_with_evidence

    bundle = load_bundle(path, mapping=mapping)
    resolution, evidence = resolve_with_evidence(bundle, resolver=resolver, progress=progress)  # type: ignore[arg-type]
    # the same persons as the report's (after the family evidence)
    persons = evidence.persons if evidence is not None else resolution.persons
    return build_graph(bundle, persons, progress=progress)


def falkordb_engine(address: str, graph: str) -> Any:
    """A :class:`FalkorEngine` for ``HOST:PORT``, a unix socket path, or ``kinlink`` (the server
    kinlink runs, which must be running)."""
    from kinlink.errors import InputError
    from kinlink.graph.export import FalkorEngine

    if address == AUTO:
        from kinlink.graph.export.server import status

        running = status()
        if running is None:
            raise InputError(
                "no kinlink FalkorDB is running: start one with `kinlink graphdb start` (or "
                "`kinlink export BUNDLE --falkordb`)"
            )
        address = running.address

    if "/" in address:
        return FalkorEngine(graph, unix_socket=address)
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise InputError(f"--falkordb {address!r}: expected HOST:PORT or a socket path")
    return FalkorEngine(graph, host=host, port=int(port))


def run(args: argparse.Namespace) -> int:
    from kinlink.graph.export import connect_neo4j, export_graph

    progress = progress_enabled(args)
    G = load_graph_for(args.bundle, resolver=args.resolver, progress=progress, mapping=args.mapping)
    if args.neo4j_uri:
        engine = connect_neo4j(args.neo4j_uri, args.user, database=args.database)
        where = f"Neo4j at {args.neo4j_uri}"
    elif args.falkordb == AUTO:
        from kinlink.graph.export.server import start

        server = start()
        engine = falkordb_engine(server.address, args.graph)
        where = f"FalkorDB at {server.address} (graph {args.graph})"
        if not args.quiet:
            state = "started" if server.started else "running"
            print(f"kinlink's FalkorDB server ({state})\n" + server.how_to_connect(args.graph))
    else:
        engine = falkordb_engine(args.falkordb, args.graph)
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
