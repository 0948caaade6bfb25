"""``kinlink cypher``: run a saved (or read-only free-text) Cypher query on a bundle's graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kinlink.commands import add_graph_arguments, add_neo4j_arguments, graph_of

NAME = "cypher"
HELP = "run a saved Cypher query (or a read-only one of your own) on a bundle's graph"
EXAMPLE = "kinlink cypher data/samples/bundle person_family_and_cases --param person_id=P0123456789"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "bundle",
        type=Path,
        nargs="?",
        help="bundle folder or saved graph folder (left out with --list, and with --neo4j-uri "
        "or --falkordb unless --export is given)",
    )
    parser.add_argument(
        "query_name", nargs="?", help="a saved query (see --list); or give --query instead"
    )
    parser.add_argument("--list", action="store_true", help="list the saved queries and exit")
    parser.add_argument(
        "--query",
        metavar="CYPHER",
        help="a read-only query of your own; values go in --param, never in the text",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME[:TYPE]=VALUE",
        help="a query parameter (repeatable); TYPE is string, integer, float or boolean",
    )
    parser.add_argument("--csv", type=Path, metavar="OUT", help="write the result to this CSV")
    parser.add_argument(
        "--mask",
        action="store_true",
        help="query a masked copy of BUNDLE's graph, as `kinlink report --mask` writes it: ids "
        "are keyed hashes (key in $KINLINK_MASK_KEY; give parameters as pseudonyms), no "
        "identifying values, dates by month",
    )
    parser.add_argument(
        "--max-rows", type=int, default=100, help="rows to print as a table (all go to --csv)"
    )
    add_neo4j_arguments(parser)
    parser.add_argument(
        "--falkordb",
        nargs="?",
        const="kinlink",
        metavar="HOST:PORT|SOCKET",
        help="query a running FalkorDB server instead of a private one; with no address, the "
        "one kinlink runs (kinlink graphdb start, or kinlink export BUNDLE --falkordb)",
    )
    parser.add_argument("--graph", default="kinlink", help="FalkorDB graph name (--falkordb)")
    parser.add_argument(
        "--export",
        action="store_true",
        help="with --neo4j-uri or --falkordb: first export BUNDLE's graph there (idempotent)",
    )
    add_graph_arguments(parser)


def _list() -> str:
    from kinlink.queries.cypher import load_query, query_names

    lines = []
    for name in query_names():
        q = load_query(name)
        params = ", ".join(
            f"{p.name}{'' if p.required else '=' + repr(p.default)}" for p in q.params
        )
        lines.append(f"{name}({params})\n    {q.summary}")
    return "\n".join(lines)


def _query(engine: Any, args: argparse.Namespace, params: dict[str, Any]) -> Any:
    from kinlink.queries.cypher import run_saved, run_text

    if args.query:
        return run_text(engine, args.query, params)
    return run_saved(engine, args.query_name, params)


def _remote(args: argparse.Namespace) -> Any:
    """A connection to the database named by ``--neo4j-uri`` or ``--falkordb``, if any."""
    from kinlink.graph.export import connect_falkordb, connect_neo4j

    if args.neo4j_uri:
        return connect_neo4j(args.neo4j_uri, args.user, database=args.database)
    if args.falkordb:
        return connect_falkordb(args.falkordb, args.graph)
    return None


def run(args: argparse.Namespace) -> int:
    from kinlink.commands import progress_enabled
    from kinlink.csvfile import write_csv
    from kinlink.errors import InputError
    from kinlink.graph.export import embedded_falkordb, export_graph
    from kinlink.queries.cypher import check_read_only, flat, load_query, parse_params

    if args.list:
        print(_list())
        return 0
    if args.neo4j_uri and args.falkordb:
        raise InputError("give --neo4j-uri or --falkordb, not both")
    remote = bool(args.neo4j_uri or args.falkordb)
    if remote and not args.export and args.query_name is None and not args.query:
        # "kinlink cypher NAME --neo4j-uri …": no bundle is needed, the one positional is NAME
        args.query_name, args.bundle = args.bundle and str(args.bundle), None
    if bool(args.query) == bool(args.query_name):
        raise InputError("give either a saved QUERY_NAME or --query CYPHER (see --list)")
    params = parse_params(args.param)
    # check the query and its parameters before any slow work
    if args.query:
        check_read_only(args.query)
    else:
        load_query(args.query_name).bind(params)
    if args.export and (not remote or args.bundle is None):
        raise InputError("--export needs BUNDLE and --neo4j-uri or --falkordb")
    if not remote and args.bundle is None:
        raise InputError("give BUNDLE (or --neo4j-uri / --falkordb to query a kept database)")
    key = None
    if args.mask:
        if remote:
            raise InputError(
                "--mask queries a private masked copy of BUNDLE's graph; a Neo4j or FalkorDB "
                "database may hold unmasked records besides: leave out --neo4j-uri/--falkordb"
            )
        import logging

        from kinlink.queries.privacy import mask_key, mask_logs

        key = mask_key()
        mask_logs(logging.getLogger("kinlink"))
    progress = progress_enabled(args)
    if remote:
        engine = _remote(args)
        try:
            if args.export:
                export_graph(graph_of(args), engine, progress=progress)
            result = _query(engine, args, params)
        finally:
            engine.close()
    else:
        G = graph_of(args, mask_key=key)  # as `kinlink report --mask` writes it, when masked
        with embedded_falkordb() as engine:
            export_graph(G, engine, progress=progress)
            result = _query(engine, args, params)
    table = flat(result)
    if args.csv:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        write_csv(table, args.csv)
    if not args.quiet:
        shown = table.head(args.max_rows) if args.max_rows >= 0 else table
        with_pd = shown.to_string(index=False) if len(shown) else "(no rows)"
        print(with_pd)
        if len(table) > len(shown):
            print(f"... {len(table) - len(shown)} more rows (use --csv OUT for all)")
    if args.csv and not args.quiet:
        print(f"{len(table)} rows written to {args.csv}", file=sys.stderr)
    return 0
