"""Flags set aside for review: which flags the report stands behind, and which hinge on a guess.

:func:`judge` runs :func:`kinlink.queries.confidence.judge_flags` and turns its verdicts into
what the report writes:

* every flag's reason gains the identity evidence it stands on: the family evidence that joined
  or kept apart its members (:func:`kinlink.graph.family_evidence.merge_sentence`) and, for a
  flag in review, the decision it hinges on;
* the contract's three flag files list the *confirmed* flags only;
* ``review_flags.csv`` lists the others, one row per family and flag file
  (:data:`REVIEW_COLUMNS`): the flag file's columns plus ``flag_file``, ``record_id_a``,
  ``record_id_b`` (the pair the flag hinges on), ``probability`` (that the alternative decision
  is right: they are one person for a ``merge``, two for a ``split``), ``why``, ``kind`` and
  ``levels`` (the pair's family comparison levels);
* a flag whose probability of holding is under one half
  (:func:`~kinlink.queries.confidence.judge_flags`: a member that is surely one of two
  namesakes, the evidence cannot tell which) is ``unlikely``: in neither file, only in
  ``flags.csv``;
* ``flags.csv`` gains ``confidence``, ``holds`` and the deciding pair.

Examples
--------
>>> hinge_sentence("merge", "N1", "C1", 0.3)  # doctest: +NORMALIZE_WHITESPACE
'Set aside for review: it holds only if records N1 and C1 are two different people; the
family evidence gives 0.30 that they are one person.'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Final, Literal

import pandas as pd

from kinlink.contract import REPORT_FILES
from kinlink.graph.family_evidence import FamilyEvidence, merge_sentence
from kinlink.queries.confidence import JUDGED_COLUMNS, judge_flags
from kinlink.queries.facts import Facts
from kinlink.queries.flags import CONTRACT_FILES, Flag

__all__ = [
    "CONFIDENCE_COLUMNS",
    "REVIEW_COLUMNS",
    "Judged",
    "hinge_sentence",
    "judge",
    "judged_from_review",
    "review_table",
]

#: Columns ``flags.csv`` gains: the confidence, the probability that the flag holds, and the
#: pair a flag not confirmed hinges on with the probability of the alternative decision.
CONFIDENCE_COLUMNS: Final = list(REPORT_FILES["flags"].columns[-5:])

#: Columns of ``review_flags.csv`` (:data:`kinlink.contract.REPORT_FILES`): the contract's,
#: then the deciding pair's ``kind`` (``merge``: they may be one person; ``split``: they may be
#: two) and family comparison ``levels``, then what the flag files add.
REVIEW_COLUMNS: Final = list(REPORT_FILES["review_flags"].columns)


@dataclass(frozen=True)
class Judged:
    """Every flag with its confidence.

    Attributes
    ----------
    flags : list of Flag
        Every flag of the run, reasons extended with their identity evidence.
    confirmed, review, unlikely : list of Flag
        The same flags split by confidence.
    table : DataFrame
        :data:`~kinlink.queries.confidence.JUDGED_COLUMNS`, one row per family and code.
    """

    flags: list[Flag]
    confirmed: list[Flag]
    review: list[Flag]
    unlikely: list[Flag]
    table: pd.DataFrame

    def confidence_frame(self) -> pd.DataFrame:
        """:data:`CONFIDENCE_COLUMNS` per flag, in :attr:`flags` order (for ``flags.csv``)."""
        info = _rows_by_flag(self.table)
        rows = []
        for fl in self.flags:
            row = info[(fl.family_id, fl.code)]
            rows.append(
                {
                    "confidence": row["confidence"],
                    "holds": f"{float(row['holds']):.4f}",
                    "record_id_a": row["record_id_a"] or "",
                    "record_id_b": row["record_id_b"] or "",
                    "probability": ""
                    if row["probability"] is None
                    else f"{row['probability']:.4f}",
                }
            )
        return pd.DataFrame(rows, columns=CONFIDENCE_COLUMNS, dtype=object)


def hinge_sentence(
    kind: str, record_a: str, record_b: str, probability: float, holds: float = 1.0
) -> str:
    """The decision a flag in review hinges on, in a sentence (``holds`` under one half: the
    flag is held back as unlikely)."""
    if holds < 0.5:
        return (
            f"Held back as unlikely (probability {holds:.2f} that it holds): it holds only if "
            f"record {record_a} is not the same person as {record_b} nor as another member it "
            f"may be; the family evidence gives {probability:.2f} to {record_b} alone."
        )
    if kind == "merge":
        return (
            f"Set aside for review: it holds only if records {record_a} and {record_b} are two "
            f"different people; the family evidence gives {probability:.2f} that they are one "
            "person."
        )
    return (
        f"Set aside for review: it holds only if records {record_a} and {record_b} are one "
        f"person, as the family evidence decided; it gives {probability:.2f} that they are two "
        "different people."
    )


def _identity_notes(facts: Facts, evidence: FamilyEvidence | None) -> dict[str, list[str]]:
    """family_id -> sentences about the family evidence that joined its members."""
    if evidence is None or evidence.decisions.empty:
        return {}
    # the analyses' look-up by record id (made once), not a new one over every record
    records = facts.record_rows
    person_of = records.reader(["person_id"])
    family_of = facts.persons["family_id"]
    notes: dict[str, list[str]] = {}
    for row in evidence.decisions[evidence.decisions["merged"]].to_dict("records"):
        record = row["record_id_a"]
        person = person_of(record)[0] if record in records else None
        fid = family_of.get(person) if person is not None else None
        if isinstance(fid, str):
            notes.setdefault(fid, []).append(merge_sentence(row))
    return notes


def _rows_by_flag(table: pd.DataFrame) -> dict[tuple[str, str], dict[Any, Any]]:
    """(family_id, code) -> that row of a judged table (one dict lookup per flag, not ``.loc``)."""
    keys = zip(table["family_id"].tolist(), table["code"].tolist(), strict=True)
    return dict(zip(keys, table.to_dict("records"), strict=True))


def judge(
    facts: Facts,
    flags: list[Flag],
    evidence: FamilyEvidence | None,
    *,
    mpp_split_none: Literal["mpp_case", "any_case"] = "mpp_case",
    as_of: pd.Timestamp | None = None,
) -> Judged:
    """Judge every flag against the evidence's alternatives and extend its reason.

    Parameters
    ----------
    facts : Facts
        The facts the flags were raised on (persons after the family evidence).
    flags : list of Flag
        Every flag of the run.
    evidence : FamilyEvidence or None
        The family evidence of the run (``None``: every flag is confirmed).
    mpp_split_none, as_of
        As given to the analyses.
    """
    alternatives = evidence.alternatives if evidence is not None else None
    table = judge_flags(facts, flags, alternatives, mpp_split_none=mpp_split_none, as_of=as_of)
    info = _rows_by_flag(table)
    notes = _identity_notes(facts, evidence)
    out: list[Flag] = []
    split: dict[str, list[Flag]] = {"confirmed": [], "review": [], "unlikely": []}
    for fl in flags:
        row = info[(fl.family_id, fl.code)]
        extra = list(notes.get(fl.family_id, ()))
        if row["confidence"] != "confirmed":
            extra.append(
                hinge_sentence(
                    row["kind"],
                    row["record_id_a"],
                    row["record_id_b"],
                    row["probability"],
                    row["holds"],
                )
            )
        judged = dataclasses.replace(fl, reason=" ".join([fl.reason, *extra])) if extra else fl
        out.append(judged)
        split[row["confidence"]].append(judged)
    return Judged(
        out, split["confirmed"], split["review"], split["unlikely"], table[JUDGED_COLUMNS]
    )


def judged_from_review(flags: list[Flag], review: pd.DataFrame) -> Judged:
    """The verdicts a written report recorded (its ``review_flags.csv``), for flags raised again
    on its saved graph: a family's codes listed there are in review, with the pair and
    probability written; every other flag is confirmed.

    Examples
    --------
    >>> from kinlink.queries.flags import Evidence, make_flag
    >>> flags = [make_flag("F1", "MPP_SPLIT", Evidence(), "r"), make_flag("F2", "MIXED",
    ...          Evidence(), "r")]
    >>> saved = pd.DataFrame({"family_id": ["F1"], "flag_file": ["separated_families"],
    ...     "codes": ["MPP_SPLIT"], "record_id_a": ["a"], "record_id_b": ["b"],
    ...     "probability": ["0.3000"], "kind": ["merge"], "levels": [""], "why": ["w"]})
    >>> judged = judged_from_review(flags, saved)
    >>> len(judged.confirmed), len(judged.review)
    (1, 1)
    """
    saved: dict[tuple[str, str], dict[Any, Any]] = {}
    for row in review.to_dict("records"):
        for code in str(row.get("codes") or "").split(";"):
            if code:
                saved[(str(row["family_id"]), code)] = row
    rows = []
    for fl in flags:
        info = saved.get((fl.family_id, fl.code))
        probability = float(info["probability"]) if info and info.get("probability") else None
        rows.append(
            {
                "family_id": fl.family_id,
                "code": fl.code,
                "confidence": "review" if info else "confirmed",
                "holds": 1.0 - probability if probability is not None else 1.0,
                **{
                    col: (info or {}).get(col)
                    for col in ("kind", "record_id_a", "record_id_b", "levels", "why")
                },
                "alternative": None,
                "probability": probability,
            }
        )
    table = pd.DataFrame(rows, columns=JUDGED_COLUMNS)
    review_flags = [fl for fl in flags if (fl.family_id, fl.code) in saved]
    confirmed = [fl for fl in flags if (fl.family_id, fl.code) not in saved]
    return Judged(list(flags), confirmed, review_flags, [], table)


def review_table(judged: Judged, review_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``review_flags.csv``: the review flags' rows of each flag file, with the deciding pair.

    Parameters
    ----------
    judged : Judged
        The verdicts.
    review_tables : dict
        The contract flag tables (:func:`kinlink.queries.report_files.contract_tables`) built from
        the review flags only, keyed by file stem.

    Returns
    -------
    DataFrame
        :data:`REVIEW_COLUMNS`, one row per family and flag file, sorted by both. A family's
        codes in review for one file share the row; the pair shown is the likeliest
        alternative among those that would undo them.
    """
    review = judged.table[judged.table["confidence"].eq("review")]
    best: dict[tuple[str, str], Any] = {}
    for row in review.to_dict("records"):
        key = (row["family_id"], _file_of(row["code"]))
        if key not in best or row["probability"] > best[key]["probability"]:
            best[key] = row
    frames = []
    for stem in CONTRACT_FILES:
        frame = review_tables.get(stem)
        if frame is not None and len(frame):
            frames.append(frame.assign(flag_file=stem))
    if not frames:
        return pd.DataFrame(columns=REVIEW_COLUMNS, dtype=object)
    out = pd.concat(frames, ignore_index=True)
    if "codes" not in out.columns:
        out["codes"] = None
    out.loc[out["flag_file"].eq("mixed_nationality_units"), "codes"] = "MIXED"
    keys = list(zip(out["family_id"], out["flag_file"], strict=True))
    for col in ("record_id_a", "record_id_b", "probability", "kind", "levels", "why"):
        out[col] = [_cell(best.get(key, {}).get(col)) for key in keys]
    out = out.reindex(columns=REVIEW_COLUMNS).fillna("")
    return out.sort_values(["family_id", "flag_file"], ignore_index=True).astype(object)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return value


def _file_of(code: str) -> str:
    for stem, codes in CONTRACT_FILES.items():
        if code in codes:
            return stem
    return "consolidation"
