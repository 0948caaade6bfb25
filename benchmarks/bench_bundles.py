"""The bundle a benchmark measures: the one given, or a freshly generated one.

Shared by the graph/report and Cypher-export benchmarks, which both need a loaded bundle and a
person for every record: the generator's true persons when the bundle has a truth folder (so
the timing excludes the resolver), the exact-key baseline otherwise.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd


def bundle_and_persons(bundle: Path | None, *, records: int, seed: int) -> tuple[Any, pd.DataFrame]:
    """Load ``bundle`` (or generate ``records`` records with ``seed``) and its persons."""
    from kinlink.loaders import load_bundle

    path = bundle
    if path is None:
        from kinlink.samples.generator import generate_bundle

        path = Path(tempfile.mkdtemp(prefix="kinlink-bench-")) / "bundle"
        generate_bundle(path, records, seed=seed, fmt="parquet")
    loaded = load_bundle(path)
    truth = Path(path) / "truth" / "records.csv"
    if truth.is_file():
        persons = pd.read_csv(truth, dtype=str, keep_default_na=False)[["record_id", "person_id"]]
    else:
        from kinlink.graph.baseline import exact_clusters

        persons = exact_clusters(loaded.individuals)
    return loaded, persons
