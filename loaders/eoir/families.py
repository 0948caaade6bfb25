"""Lead/rider links and case identifiers -> lead cases, family units, MPP and docket flags.

EOIR joins family members' cases to one *lead* case (``tbl_Lead_Rider``: ``idnLeadCase``,
``idnRiderCase``; mostly children's cases riding on a parent's). A link counts when it is active
(``blnActive`` true, or the column absent) and not severed (``datSeveredOn`` empty); the others
are read, counted and not used. The cases joined by counting links, transitively, form one family
unit ``EOIR-LR-<head IDNCASE>``; its head gets the role HEAD, the others no role (the release
does not say how they are related).

Cases are handled by their row in the case table (``int64`` positions), so 12 million cases and
2.6 million links cost arrays, not Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kinlink import unionfind
from kinlink.loaders.eoir.codes import DOCKETS, is_true
from kinlink.loaders.eoir.layout import CASE_IDENTIFIER, LEAD_RIDER
from kinlink.loaders.eoir.reader import LINE, FileStats, Rejects, read_table, stream_table
from kinlink.loaders.eoir.values import (
    CaseIndex,
    Counts,
    KeptIds,
    drop_rows,
    to_ids,
    unknown_case,
    whole_ids,
)

UNIT_PREFIX = "EOIR-LR-"


@dataclass
class Identifiers:
    """Per case (by row of the case table): an MPP identifier, and each family docket."""

    mpp: np.ndarray
    dockets: dict[str, np.ndarray] = field(default_factory=dict)  # FA / DD / FM -> flags
    rows_by_case: np.ndarray | None = None  # identifier rows per case (for scope counts)


def known_cases(
    chunk: pd.DataFrame,
    column: str,
    index: CaseIndex,
    rejects: Rejects,
    file: str,
    case_file: str,
    *,
    reject_column: str | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Reject rows whose ``column`` is missing, not a whole number or not a known case.

    Returns the remaining rows and their case positions.
    """
    name = reject_column or column
    chunk, ids = whole_ids(chunk, column, rejects, file, name)
    at = index.positions(ids)
    unknown = pd.Series(at < 0, index=chunk.index)
    reason = unknown_case(case_file).replace("IDNCASE", name)
    chunk = drop_rows(chunk, unknown, rejects, file, name, reason)
    return chunk, at[at >= 0]


def read_identifiers(
    path: Path,
    index: CaseIndex,
    case_file: str,
    mpp_codes: set[str],
    rejects: Rejects,
    stats: FileStats,
    counts: Counts,
) -> Identifiers:
    """Stream ``A_TblCaseIdentifier``: which cases carry an MPP identifier or a family docket."""
    n = len(index)
    found = Identifiers(
        np.zeros(n, dtype=bool),
        {code: np.zeros(n, dtype=bool) for code in DOCKETS},
        np.zeros(n, dtype=np.int32),
    )
    used_at: list[np.ndarray] = []
    for chunk in stream_table(
        path,
        CASE_IDENTIFIER.wanted,
        required=CASE_IDENTIFIER.required,
        rejects=rejects,
        stats=stats,
    ):
        chunk = drop_rows(
            chunk, chunk["CASE_ID"].isna(), rejects, path.name, "CASE_ID", "missing CASE_ID"
        )
        chunk, at = known_cases(chunk, "IDNCASE", index, rejects, path.name, case_file)
        code = chunk["CASE_ID"].str.upper().to_numpy(dtype=object)
        mpp = np.isin(code, list(mpp_codes))
        found.mpp[at[mpp]] = True
        used = mpp.copy()
        for docket, flags in found.dockets.items():
            hit = code == docket
            flags[at[hit]] = True
            used |= hit
        used_at.append(at[used])
        counts.note("case identifiers with other codes (not used)", int((~used).sum()))
    if used_at:
        found.rows_by_case = np.bincount(np.concatenate(used_at), minlength=n).astype(np.int32)
    return found


@dataclass
class Links:
    """Counting lead/rider links by case position, and every link row per case (for scope)."""

    lead: np.ndarray
    rider: np.ndarray
    order: np.ndarray  # idnLeadRider (a later link has a greater one), -1 when missing
    line: np.ndarray
    rows_by_lead: np.ndarray  # link rows (counting or not) per lead case


def read_links(
    path: Path,
    index: CaseIndex,
    case_file: str,
    rejects: Rejects,
    stats: FileStats,
    counts: Counts,
) -> Links:
    """The counting lead/rider links (rows checked; inactive and severed ones counted).

    Links naming no case, a case the case table lacks, or the same case twice are rejected.
    """
    frame = read_table(
        path, LEAD_RIDER.wanted, required=LEAD_RIDER.required, rejects=rejects, stats=stats
    )
    file = path.name
    frame, lead = known_cases(frame, "IDNLEADCASE", index, rejects, file, case_file)
    frame = frame.assign(_lead=lead)
    frame, rider = known_cases(frame, "IDNRIDERCASE", index, rejects, file, case_file)
    lead = frame["_lead"].to_numpy(dtype=np.int64)
    same = pd.Series(lead == rider, index=frame.index)
    frame = drop_rows(
        frame, same, rejects, file, "IDNRIDERCASE", "lead and rider are the same case"
    )
    lead, rider = lead[~same.to_numpy()], rider[~same.to_numpy()]
    rows_by_lead = np.bincount(lead, minlength=len(index)).astype(np.int32)
    has_flag = frame["BLNACTIVE"].notna().any()
    active = is_true(frame["BLNACTIVE"]) if has_flag else pd.Series(True, index=frame.index)
    counting = (active & frame["DATSEVEREDON"].isna()).to_numpy()
    counts.note("lead/rider links inactive or severed (not used)", int((~counting).sum()))
    order, _ = to_ids(frame["IDNLEADRIDER"])
    return Links(
        lead[counting],
        rider[counting],
        order[counting],
        frame[LINE].to_numpy(dtype=np.int64)[counting],
        rows_by_lead,
    )


def lead_cases(links: Links, counts: Counts) -> tuple[np.ndarray, np.ndarray]:
    """(rider positions, their lead positions); a rider with several counting links keeps the
    latest (greatest ``idnLeadRider``, then the later line).

    Examples
    --------
    >>> links = Links(np.array([1, 5, 1]), np.array([2, 2, 3]), np.array([7, 9, 8]),
    ...               np.array([2, 3, 4]), np.zeros(6, dtype=np.int32))
    >>> counts = Counts()
    >>> [a.tolist() for a in lead_cases(links, counts)], dict(counts)
    ([[2, 3], [5, 1]], {'rider cases with several active leads (latest kept)': 1})
    """
    ordered = np.lexsort((links.line, links.order))
    rider, lead = links.rider[ordered], links.lead[ordered]
    last = pd.Series(rider).duplicated(keep="last").to_numpy()
    several = pd.Series(rider).duplicated(keep=False).to_numpy()
    counts.note(
        "rider cases with several active leads (latest kept)", len(np.unique(rider[several]))
    )
    keep = ~last
    order = np.argsort(rider[keep], kind="stable")
    return rider[keep][order], lead[keep][order]


def components(lead: np.ndarray, rider: np.ndarray, n: int) -> np.ndarray:
    """Group of each of ``n`` cases over the links (``-1`` for a case in no link).

    The group is the smallest case position in it (:func:`kinlink.unionfind.components` over
    the positions that take part in a link).

    Examples
    --------
    >>> components(np.array([0, 3, 5]), np.array([1, 1, 4]), 6).tolist()
    [0, 0, -1, 0, 4, 4]
    >>> components(np.array([4, 3, 2, 1]), np.array([3, 2, 1, 0]), 5).tolist()
    [0, 0, 0, 0, 0]
    """
    group = np.full(n, -1, dtype=np.int64)
    if not len(lead):
        return group
    nodes, pairs = np.unique(np.concatenate([lead, rider]), return_inverse=True)
    a, b = pairs[: len(lead)], pairs[len(lead) :]
    group[nodes] = nodes[unionfind.components(len(nodes), a, b)]
    return group


def family_units(
    group: np.ndarray, riders: np.ndarray, case_ids: KeptIds, keep: np.ndarray
) -> pd.DataFrame:
    """One unit per group of kept cases: ``family_unit_id, record_id, role``.

    The unit is named after its head: the member that rides on no other case (the smallest such
    IDNCASE if several; the smallest member if the links form a cycle).

    Examples
    --------
    >>> ids = KeptIds(pd.Series(["10", "9", "30", "40"]), np.arange(4), 4)
    >>> family_units(np.array([0, 0, 0, -1]), np.array([0]), ids, np.ones(4, bool)).values.tolist()
    [['EOIR-LR-9', '10', None], ['EOIR-LR-9', '30', None], ['EOIR-LR-9', '9', 'HEAD']]
    """
    members = np.flatnonzero((group >= 0) & keep)
    ids = case_ids.at(members).to_numpy(dtype=object)
    is_rider = np.zeros(len(group), dtype=bool)
    is_rider[riders] = True
    frame = pd.DataFrame(
        {
            "group": group[members],
            "rider": is_rider[members],
            "length": [len(i) for i in ids],  # with the id: IDNCASE order as numbers
            "record_id": ids,
        }
    ).sort_values(["group", "rider", "length", "record_id"], kind="stable")
    head = frame.groupby("group", sort=False)["record_id"].transform("first")
    units = pd.DataFrame(
        {
            "family_unit_id": UNIT_PREFIX + head,
            "record_id": frame["record_id"],
            "role": (head == frame["record_id"]).map({True: "HEAD", False: None}),
        }
    )
    return units.sort_values(["family_unit_id", "record_id"], kind="stable").reset_index(drop=True)
