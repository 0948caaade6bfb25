"""``kinlink dashboard``: start the analyst's Streamlit dashboard on a bundle or a saved graph."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kinlink.commands import add_mapping_argument

NAME = "dashboard"
HELP = "start the analyst's dashboard (Streamlit) on a bundle, a saved graph or a report"
EXAMPLE = "kinlink dashboard data/samples/bundle --port 8501"

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        type=Path,
        help="bundle folder, spreadsheet (with --mapping), report folder, or saved graph folder",
    )
    add_mapping_argument(parser)
    parser.add_argument("--port", type=int, default=8501, help="port to listen on (8501)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (127.0.0.1: this machine only); another address needs --allow-remote",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="serve other machines (the dashboard has no login: put an authenticating proxy "
        "in front; see SECURITY.md)",
    )
    parser.add_argument(
        "--since",
        type=Path,
        metavar="PREVIOUS_REPORT",
        help="a previous report folder: the Overview shows what changed since it (flags new, "
        "gone or changed; persons merged or split)",
    )
    parser.add_argument(
        "--neo4j-uri",
        metavar="URI",
        help="run the Cypher page's queries on this Neo4j database, which must already hold the "
        "graph (kinlink export); user from $KINLINK_NEO4J_USER, password from "
        "$KINLINK_NEO4J_PASSWORD (default: an embedded FalkorDB)",
    )


def streamlit_command(
    source: Path,
    *,
    port: int,
    host: str,
    neo4j_uri: str | None = None,
    mapping: Path | None = None,
    allow_remote: bool = False,
    since: Path | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The ``streamlit run`` command line and environment that serve the dashboard.

    Usage statistics are off and the server is headless (no browser is opened). The app refuses
    to serve a non-local ``host`` unless ``allow_remote`` (:mod:`kinlink.dashboard.guard`).

    Examples
    --------
    >>> cmd, env = streamlit_command(Path("b"), port=8600, host="127.0.0.1")
    >>> cmd[1:4], cmd[cmd.index("--server.port") + 1], env["KINLINK_DASHBOARD_SOURCE"][-1]
    (['-m', 'streamlit', 'run'], '8600', 'b')
    """
    import kinlink.dashboard
    from kinlink.dashboard.cypher_view import NEO4J_URI_ENV
    from kinlink.dashboard.data import MAPPING_ENV, SINCE_ENV, SOURCE_ENV
    from kinlink.dashboard.guard import ALLOW_REMOTE_ENV

    app = Path(kinlink.dashboard.__file__).with_name("app.py")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]
    env = {**os.environ, SOURCE_ENV: str(source.resolve())}
    env.pop(ALLOW_REMOTE_ENV, None)  # only --allow-remote allows it, never a leftover variable
    if allow_remote:
        env[ALLOW_REMOTE_ENV] = "1"
    if neo4j_uri:
        env[NEO4J_URI_ENV] = neo4j_uri
    env.pop(MAPPING_ENV, None)
    if mapping is not None:
        env[MAPPING_ENV] = str(mapping.resolve())
    env.pop(SINCE_ENV, None)
    if since is not None:
        env[SINCE_ENV] = str(since.resolve())
    return command, env


def run(args: argparse.Namespace) -> int:
    from kinlink.dashboard.data import detect_source
    from kinlink.dashboard.guard import is_local
    from kinlink.errors import InputError

    if not is_local(args.host):
        if not args.allow_remote:
            raise InputError(
                f"--host {args.host} would let other machines read the records, and the "
                "dashboard has no login; keep 127.0.0.1 (use an SSH tunnel to reach it), or "
                "add --allow-remote behind an authenticating proxy (see SECURITY.md)"
            )
        log.warning(
            "binding to %s: anyone who can reach this address can read the records (names, "
            "A-numbers, dates of birth); keep the default 127.0.0.1 unless you must share it",
            args.host,
        )
    detect_source(args.source)  # a clear error now rather than in the browser
    if args.mapping is not None:
        from kinlink.loaders.mapping import read_mapping

        read_mapping(args.mapping)  # a bad mapping is said here, not in the browser
    if args.since is not None and not (args.since / "summary.json").is_file():
        raise InputError(f"--since {args.since}: not a kinlink report folder (no summary.json)")
    command, env = streamlit_command(
        args.source,
        port=args.port,
        host=args.host,
        neo4j_uri=args.neo4j_uri,
        mapping=args.mapping,
        allow_remote=args.allow_remote,
        since=args.since,
    )
    if not args.quiet:
        print(
            f"kinlink dashboard: http://{args.host}:{args.port} (Ctrl+C to stop)",
            file=sys.stderr,
            flush=True,
        )
    # Become the Streamlit server (no child process to orphan): Ctrl+C and SIGTERM reach it.
    os.execve(sys.executable, command, env)
    return 0  # not reached: os.execve does not return
