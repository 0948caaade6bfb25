"""What a report saves in its ``data/`` besides the frames it was computed from: the judged flags
and the facts.

``kinlink report`` builds the facts (:func:`kinlink.queries.facts.build_facts`), runs the analyses
and judges every flag (:mod:`kinlink.queries.review_flags`). ``data/flags.parquet`` keeps the
flags and ``data/facts/`` the facts (not under ``--mask``: there the dashboard builds them from
the masked, month-cut frames), so the dashboard opening the report shows the report's own flags,
reasons and confidences, and reads its facts, without building, analysing or judging again.

One row per flag, in the report's order (that of ``flags.csv``): ``family_id``, ``code``,
``reason`` (as ``flags.csv`` has it: with its identity evidence; a masked report's dates cut to
the month), the evidence's ``persons``, ``records``, ``cases``, ``hearings``, ``locations`` and
``dates`` as lists of text, and ``confidence`` (``confirmed``, ``review`` or ``unlikely``). The
policy source is the code's (:data:`~kinlink.queries.flags.RULES`), as for every flag.

Examples
--------
>>> import tempfile, pathlib
>>> from kinlink.queries.flags import Evidence, make_flag
>>> flags = [make_flag("F1", "MIXED", Evidence(persons=("P1", "P2"), locations=("GTM", "HND")),
...                    "two nationalities")]
>>> with tempfile.TemporaryDirectory() as d:
...     _ = save_flags(flags, {("F1", "MIXED"): "review"}, pathlib.Path(d))
...     judged = load_flags(pathlib.Path(d))
>>> judged.flags == flags, len(judged.review), len(judged.confirmed)
(True, 1, 0)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kinlink.queries.confidence import CONFIDENCE, JUDGED_COLUMNS
from kinlink.queries.facts import Facts
from kinlink.queries.flags import RULES, Evidence, Flag
from kinlink.queries.review_flags import Judged

log = logging.getLogger(__name__)

__all__ = [
    "FACTS_FOLDER",
    "FLAGS_FILE",
    "load_facts",
    "load_flags",
    "save_facts",
    "save_flags",
    "saved_facts",
    "saved_flags",
]

#: The sub-folder, in a report's ``data/``, holding its facts (one Parquet file per frame).
FACTS_FOLDER: Final = "facts"
_FACT_FRAMES: Final = ("records", "persons", "families", "cases", "hearings", "units")

#: The file, in a report's ``data/``, holding its judged flags.
FLAGS_FILE: Final = "flags.parquet"
_EVIDENCE: Final = ("persons", "records", "cases", "hearings", "locations", "dates")
_TEXT = pa.string()


def save_flags(flags: list[Flag], confidence: Mapping[tuple[str, str], str], folder: Path) -> Path:
    """Write ``flags`` with their confidence (keyed by family and code) to
    ``folder/flags.parquet``.

    Raises
    ------
    KeyError
        A flag has no confidence.
    """
    columns: dict[str, pa.Array] = {
        "family_id": pa.array([f.family_id for f in flags], type=_TEXT),
        "code": pa.array([f.code for f in flags], type=_TEXT),
        "reason": pa.array([f.reason for f in flags], type=_TEXT),
    }
    for name in _EVIDENCE:
        values = [list(getattr(f.evidence, name)) for f in flags]
        columns[name] = pa.array(values, type=pa.list_(_TEXT))
    columns["confidence"] = pa.array([confidence[(f.family_id, f.code)] for f in flags], type=_TEXT)
    path = folder / FLAGS_FILE
    pq.write_table(pa.table(columns), path)
    return path


def saved_flags(folder: Path) -> bool:
    """Whether ``folder`` (a report's ``data/``) holds saved flags."""
    return (folder / FLAGS_FILE).is_file()


def load_flags(folder: Path) -> Judged:
    """The flags :func:`save_flags` wrote, split by confidence.

    The verdict table holds ``family_id``, ``code`` and ``confidence`` (the rest of
    :data:`~kinlink.queries.confidence.JUDGED_COLUMNS` empty: the pair each review flag hinges on
    is in the report's ``review_flags.csv``).

    Raises
    ------
    FileNotFoundError
        ``folder`` holds no saved flags.
    ValueError
        A flag's code is unknown or its confidence is not one of
        :data:`~kinlink.queries.confidence.CONFIDENCE`.
    """
    table = pq.read_table(folder / FLAGS_FILE)
    data = {name: table.column(name).to_pylist() for name in table.column_names}
    flags: list[Flag] = []
    split: dict[str, list[Flag]] = {level: [] for level in CONFIDENCE}
    for i, (family_id, code, reason, level) in enumerate(
        zip(data["family_id"], data["code"], data["reason"], data["confidence"], strict=True)
    ):
        if code not in RULES or level not in split:
            raise ValueError(f"{folder / FLAGS_FILE}: row {i}: code {code!r}, confidence {level!r}")
        evidence = Evidence(**{name: tuple(data[name][i]) for name in _EVIDENCE})
        flag = Flag(family_id, code, evidence, reason, RULES[code].source)
        flags.append(flag)
        split[level].append(flag)
    verdicts = pd.DataFrame(
        {"family_id": data["family_id"], "code": data["code"], "confidence": data["confidence"]}
    ).reindex(columns=JUDGED_COLUMNS)
    return Judged(flags, split["confirmed"], split["review"], split["unlikely"], verdicts)


def save_facts(facts: Facts, folder: Path) -> Path:
    """Write the frames of ``facts`` to ``folder/facts/`` (one Parquet file each, with pandas'
    metadata, so that :func:`load_facts` gives back equal frames)."""
    target = folder / FACTS_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for name in _FACT_FRAMES:
        getattr(facts, name).to_parquet(target / f"{name}.parquet")
    return target


def saved_facts(folder: Path) -> bool:
    """Whether ``folder`` (a report's ``data/``) holds saved facts."""
    return all((folder / FACTS_FOLDER / f"{name}.parquet").is_file() for name in _FACT_FRAMES)


def load_facts(folder: Path) -> Facts:
    """The facts :func:`save_facts` wrote: frames equal to those saved (a column of Python
    objects stays one, even when every value is a number).

    Raises
    ------
    FileNotFoundError
        ``folder`` holds no saved facts.
    """
    frames = {}
    for name in _FACT_FRAMES:
        table = pq.read_table(folder / FACTS_FOLDER / f"{name}.parquet")
        frame = table.to_pandas()
        kept = {
            col["name"]
            for col in (table.schema.pandas_metadata or {}).get("columns", [])
            if col.get("numpy_type") == "object"
        }
        for column in kept.intersection(map(str, frame.columns)):
            if frame[column].dtype != object:
                frame[column] = frame[column].astype(object)
        frames[name] = frame
    return Facts(**frames)
