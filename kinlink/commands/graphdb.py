"""``kinlink graphdb``: start, stop or look at the FalkorDB server kinlink runs for you."""

from __future__ import annotations

import argparse

NAME = "graphdb"
HELP = "start, stop or show the FalkorDB server that kinlink runs on this machine"
EXAMPLE = "kinlink graphdb start && kinlink export data/samples/bundle --falkordb"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["start", "stop", "status"], help="what to do")
    parser.add_argument(
        "--port", type=int, help="port for start (default: 6379 when free, else any free port)"
    )


def run(args: argparse.Namespace) -> int:
    from kinlink.graph.export.server import start, status, stop

    if args.action == "start":
        info = start(port=args.port)
        print(("started" if info.started else "already running") + "\n" + info.how_to_connect())
        return 0
    if args.action == "stop":
        stopped = stop()
        print(f"stopped FalkorDB (pid {stopped.pid})" if stopped else "no kinlink FalkorDB running")
        return 0
    info = status()
    print(info.how_to_connect() if info else "no kinlink FalkorDB running")
    return 0 if info else 1
