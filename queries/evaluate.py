"""Score a report folder against a generated bundle's truth.

- Persons and families: *pairwise* precision, recall and F1 over record pairs placed together
  (the usual measure for entity resolution: every pair of records that truly belong to one person
  must end up together, and no other pair may).
- Flag files: each file becomes a set of ``(record_id, code)`` items, one per record of a flagged
  family and per code (``MIXED`` for the mixed-nationality file), so a family flagged with almost
  the right membership earns almost full credit instead of none.

Only records present in both the report and the truth are scored; the counts of the others are
returned so nothing is hidden.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kinlink.csvfile import read_csv
from kinlink.errors import InputError

FLAG_FILES = {
    "separated_families": "codes",
    "mixed_nationality_units": None,
    "joint_reprocessing": "codes",
}


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 with the counts they come from."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    actual: int

    @classmethod
    def of(cls, true_positives: int, predicted: int, actual: int) -> Score:
        """Build a score from counts; an empty side scores 1.0 when both are empty.

        Examples
        --------
        >>> Score.of(8, 10, 16).f1
        0.6154
        >>> Score.of(0, 0, 0).f1
        1.0
        """
        precision = true_positives / predicted if predicted else float(actual == 0)
        recall = true_positives / actual if actual else float(predicted == 0)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(
            round(precision, 4), round(recall, 4), round(f1, 4), true_positives, predicted, actual
        )


def _pairs(sizes: np.ndarray) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise(predicted: pd.Series, actual: pd.Series) -> Score:
    """Pairwise scores of two clusterings of the same items (aligned Series of cluster labels).

    Examples
    --------
    >>> pairwise(pd.Series(["a", "a", "b", "b"]), pd.Series([1, 1, 1, 2])).precision
    0.5
    """
    joint = pd.DataFrame({"p": predicted.to_numpy(), "a": actual.to_numpy()})
    together = _pairs(joint.groupby(["p", "a"]).size().to_numpy())
    return Score.of(
        together,
        _pairs(joint.groupby("p").size().to_numpy()),
        _pairs(joint.groupby("a").size().to_numpy()),
    )


def _read(folder: Path, name: str, *, written_by_report: bool) -> pd.DataFrame:
    """A report file (written by :func:`kinlink.csvfile.write_csv`, so its added quotes are
    taken off) or a truth file (written by the generator with the values as they are)."""
    path = folder / f"{name}.csv"
    if not path.is_file():
        raise InputError(f"{path}: missing (is {folder} a kinlink report / truth folder?)")
    if written_by_report:
        return read_csv(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def flag_items(frame: pd.DataFrame, code_column: str | None) -> set[tuple[str, str]]:
    """``(record_id, code)`` items of a flag file.

    Examples
    --------
    >>> sorted(flag_items(pd.DataFrame({"codes": ["A;B"], "record_ids": ["r1;r2"]}), "codes"))
    [('r1', 'A'), ('r1', 'B'), ('r2', 'A'), ('r2', 'B')]
    """
    items: set[tuple[str, str]] = set()
    for row in frame.itertuples(index=False):
        codes = getattr(row, code_column).split(";") if code_column else ["MIXED"]
        for record in str(row.record_ids).split(";"):
            items.update((record, code) for code in codes if record and code)
    return items


def _family_of_record(persons: pd.DataFrame, families: pd.DataFrame) -> pd.Series:
    merged = persons[["record_id", "person_id"]].merge(
        families[["family_id", "person_id"]], on="person_id", how="left"
    )
    # a person in no family is its own singleton, so it never pairs with anyone
    merged["family_id"] = merged["family_id"].where(
        merged["family_id"] != "", "solo:" + merged["person_id"]
    )
    merged["family_id"] = merged["family_id"].fillna("solo:" + merged["person_id"])
    return merged.set_index("record_id")["family_id"]


def evaluate(
    report_dir: str | Path, truth_dir: str | Path, *, bundle_dir: str | Path | None = None
) -> dict[str, object]:
    """Score a report against truth; returns a JSON-ready dict.

    With ``bundle_dir`` (the bundle the report was made from) it also measures blocking
    recall: the share of true record pairs that the resolver's blocking proposes at all.

    Raises
    ------
    InputError
        A report or truth file is missing.
    """
    report, truth = Path(report_dir), Path(truth_dir)
    persons = _read(report, "persons", written_by_report=True)[["record_id", "person_id"]]
    true_persons = _read(truth, "records", written_by_report=False)[["record_id", "person_id"]]
    common = persons.merge(true_persons, on="record_id", suffixes=("", "_true"))
    result: dict[str, object] = {
        "records_scored": len(common),
        "records_only_in_report": len(persons) - len(common),
        "records_only_in_truth": len(true_persons) - len(common),
        "persons": asdict(pairwise(common["person_id"], common["person_id_true"])),
    }
    predicted_family = _family_of_record(persons, _read(report, "families", written_by_report=True))
    actual_family = _family_of_record(
        true_persons, _read(truth, "families", written_by_report=False)
    )
    ids = common["record_id"]
    result["families"] = asdict(pairwise(predicted_family.loc[ids], actual_family.loc[ids]))
    scored = set(ids)
    for name, code_column in FLAG_FILES.items():
        got = {
            i
            for i in flag_items(_read(report, name, written_by_report=True), code_column)
            if i[0] in scored
        }
        want = {
            i
            for i in flag_items(_read(truth, name, written_by_report=False), code_column)
            if i[0] in scored
        }
        result[name] = asdict(Score.of(len(got & want), len(got), len(want)))
    review_path = report / "review_flags.csv"
    if review_path.is_file():
        result.update(
            review_scores(_read(report, "review_flags", written_by_report=True), truth, scored)
        )
    if bundle_dir is not None:
        from kinlink.graph.resolve.recall import bundle_blocking_recall
        from kinlink.loaders import load_bundle

        individuals = load_bundle(bundle_dir).individuals
        result["blocking"] = bundle_blocking_recall(individuals, true_persons)
    return result


def review_scores(
    review: pd.DataFrame, truth_dir: str | Path, scored: set[str] | None = None
) -> dict[str, dict[str, int]]:
    """How many flags set aside for review are true, per flag file.

    A review row (a family, a flag file, its codes in review) is counted *true* when at least half
    of its ``(record_id, code)`` items are items of the truth's flag file: the flag would have
    been right, mostly, had it been confirmed. ``MIXED`` rows use the code ``MIXED``.

    Returns
    -------
    dict
        ``review:<file>`` -> ``{"rows": n, "true": k}``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for name in FLAG_FILES:
    ...         pd.DataFrame({"family_id": ["T"], "codes": ["A"], "record_ids": ["r1;r2"]}).to_csv(
    ...             pathlib.Path(d) / f"{name}.csv", index=False)
    ...     rows = pd.DataFrame({"flag_file": ["separated_families", "joint_reprocessing"],
    ...                          "codes": ["A", "B"], "record_ids": ["r1;r2", "r1"]})
    ...     review_scores(rows, d)["review:separated_families"]
    {'rows': 1, 'true': 1}
    """
    truth = Path(truth_dir)
    out: dict[str, dict[str, int]] = {}
    for name, code_column in FLAG_FILES.items():
        rows = review[review["flag_file"] == name]
        want = flag_items(_read(truth, name, written_by_report=False), code_column)
        true = 0
        for row in rows.itertuples(index=False):
            codes = str(row.codes).split(";") if code_column else ["MIXED"]
            items = {
                (r, c)
                for r in str(row.record_ids).split(";")
                for c in codes
                if r and c and (scored is None or r in scored)
            }
            true += bool(items) and 2 * len(items & want) >= len(items)
        out[f"review:{name}"] = {"rows": len(rows), "true": int(true)}
    return out


def format_scores(result: dict[str, object]) -> str:
    """A plain-text table of :func:`evaluate`'s result."""
    lines = [
        f"{'what':<26}{'precision':>10}{'recall':>10}{'f1':>10}{'predicted':>12}{'actual':>10}"
    ]
    for name, value in result.items():
        if isinstance(value, dict) and "f1" in value:
            lines.append(
                f"{name:<26}{value['precision']:>10.4f}{value['recall']:>10.4f}"
                f"{value['f1']:>10.4f}{value['predicted']:>12}{value['actual']:>10}"
            )
    for name, value in result.items():
        if isinstance(value, dict) and "rows" in value:
            lines.append(f"{name:<26}{value['rows']:>10} set aside, {value['true']} of them true")
    blocking = result.get("blocking")
    if isinstance(blocking, dict):
        lines.append(
            f"{'blocking recall':<26}{blocking['recall']:>30.4f}  "
            f"({blocking['found']} of {blocking['true_pairs']} true pairs among "
            f"{blocking['candidates']} candidates)"
        )
    counts = {k: v for k, v in result.items() if not isinstance(v, dict)}
    lines.append("  ".join(f"{k}={v}" for k, v in counts.items()))
    lines += [
        "",
        "predicted and actual count what is scored, not persons or families:",
        "  persons, families: pairs of records placed in one person (one family), by the report",
        "    and by the truth; precision = shared pairs / predicted, recall = shared / actual",
        "  flag files: (record, code) items, one per record of a flagged family and per code",
        "    (MIXED for mixed_nationality_units), so a family flagged with almost the right",
        "    members earns almost full credit",
        "  records_*: records scored, and records found on one side only (not scored)",
    ]
    return "\n".join(lines)
