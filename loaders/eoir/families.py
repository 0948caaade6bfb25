"""Lead/rider links and case identifiers -> lead cases, family units, MPP and family-docket flags.

EOIR joins family members' cases to one *lead* case (``tbl_Lead_Rider``: ``idnLeadCase``,
``idnRiderCase``). A link counts when it is active (``blnActive`` true, or the column absent) and
not severed (``datSeveredOn`` empty); the others are read, counted and not used. The cases joined
by counting links, transitively, form one family unit ``EOIR-LR-<lead IDNCASE>``; its lead gets
the role HEAD, the riders no role (the release does not say how they are related).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kinlink.loaders.eoir.codes import FAMILY_CASE_IDS, MPP_CASE_IDS, is_true
from kinlink.loaders.eoir.layout import CASE_IDENTIFIER, LEAD_RIDER
from kinlink.loaders.eoir.reader import LINE, FileStats, Rejects, read_table, stream_table
from kinlink.loaders.eoir.values import Counts, drop_rows, keep_known_cases, member, unknown_case

UNIT_PREFIX = "EOIR-LR-"


@dataclass
class Identifiers:
    """Cases carrying an MPP identifier (``MP``/``RM``) or a family-docket one (``FA``)."""

    mpp: set[str] = field(default_factory=set)
    family_docket: set[str] = field(default_factory=set)


def read_identifiers(
    path: Path,
    case_ids: pd.Index,
    case_file: str,
    rejects: Rejects,
    stats: FileStats,
    counts: Counts,
) -> Identifiers:
    """Stream ``A_TblCaseIdentifier`` and keep the cases with MPP or FA identifiers."""
    found = Identifiers()
    for chunk in stream_table(
        path,
        CASE_IDENTIFIER.wanted,
        required=CASE_IDENTIFIER.required,
        rejects=rejects,
        stats=stats,
    ):
        chunk = keep_known_cases(
            chunk, ("IDNCASE", "CASE_ID"), case_ids, rejects, path.name, case_file
        )
        code = chunk["CASE_ID"].str.upper()
        mpp = code.isin(MPP_CASE_IDS)
        family = code.isin(FAMILY_CASE_IDS)
        found.mpp.update(chunk.loc[mpp, "IDNCASE"].tolist())
        found.family_docket.update(chunk.loc[family, "IDNCASE"].tolist())
        counts.note("case identifiers with other codes (not used)", int((~mpp & ~family).sum()))
    return found


def read_links(
    path: Path,
    case_ids: pd.Index,
    case_file: str,
    rejects: Rejects,
    stats: FileStats,
    counts: Counts,
) -> pd.DataFrame:
    """The counting lead/rider links: ``lead``, ``rider``, ``order`` (rows checked, others counted).

    Links naming no case, a case the case table lacks, or the same case twice are rejected.
    """
    frame = read_table(
        path, LEAD_RIDER.wanted, required=LEAD_RIDER.required, rejects=rejects, stats=stats
    )
    file = path.name
    for column in ("IDNLEADCASE", "IDNRIDERCASE"):
        frame = drop_rows(frame, frame[column].isna(), rejects, file, column, f"missing {column}")
    frame = drop_rows(
        frame,
        frame["IDNLEADCASE"] == frame["IDNRIDERCASE"],
        rejects,
        file,
        "IDNRIDERCASE",
        "lead and rider are the same case",
    )
    for column in ("IDNLEADCASE", "IDNRIDERCASE"):
        frame = drop_rows(
            frame,
            ~member(frame[column], case_ids),
            rejects,
            file,
            column,
            unknown_case(case_file).replace("IDNCASE", column),
        )
    has_flag = frame["BLNACTIVE"].notna().any()
    active = is_true(frame["BLNACTIVE"]) if has_flag else pd.Series(True, index=frame.index)
    counting = active & frame["DATSEVEREDON"].isna()
    counts.note("lead/rider links inactive or severed (not used)", int((~counting).sum()))
    frame = frame[counting]
    order = pd.to_numeric(frame["IDNLEADRIDER"], errors="coerce").fillna(-1)
    return pd.DataFrame(
        {
            "lead": frame["IDNLEADCASE"].to_numpy(),
            "rider": frame["IDNRIDERCASE"].to_numpy(),
            "order": order.to_numpy(),
            LINE: frame[LINE].to_numpy(),
        }
    )


def lead_cases(links: pd.DataFrame, counts: Counts) -> pd.Series:
    """Rider case -> its lead case; a rider with several counting links keeps the latest."""
    ordered = links.sort_values(["order", LINE], kind="stable")
    several = ordered["rider"].duplicated(keep=False)
    counts.note(
        "rider cases with several active leads (latest kept)",
        int(ordered.loc[several, "rider"].nunique()),
    )
    last = ordered.drop_duplicates("rider", keep="last")
    return pd.Series(last["lead"].to_numpy(), index=pd.Index(last["rider"].to_numpy()))


def family_units(links: pd.DataFrame, leads: pd.Series) -> pd.DataFrame:
    """One unit per connected group of cases over counting links.

    The unit is named after its head: the member that rides on no other case (the smallest such
    IDNCASE if several; the smallest member if the links form a cycle).

    Notes
    -----
    Union-find over the links: O(L α(L)).

    Examples
    --------
    >>> links = pd.DataFrame({"lead": ["1", "1", "3"], "rider": ["2", "3", "4"],
    ...                       "order": [1, 2, 3], "_line": [2, 3, 4]})
    >>> leads = pd.Series(["1", "1", "3"], index=["2", "3", "4"])
    >>> family_units(links, leads).values.tolist()
    [['EOIR-LR-1', '1', 'HEAD'], ['EOIR-LR-1', '2', None], ['EOIR-LR-1', '3', None], \
['EOIR-LR-1', '4', None]]
    """
    m = len(links)
    found, cases = pd.factorize(
        np.concatenate(
            [links["lead"].to_numpy(dtype=object), links["rider"].to_numpy(dtype=object)]
        )
    )
    parent = list(range(len(cases)))

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in zip(found[:m].tolist(), found[m:].tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    ids = pd.Series(cases, dtype=object).astype(str)
    members = pd.DataFrame(
        {
            "record_id": ids,
            "group": [find(i) for i in range(len(cases))],
            "rider": ids.isin(set(leads.index.astype(str))),
            "length": ids.str.len(),  # with the id: IDNCASE order as numbers ("9" before "10")
        }
    ).sort_values(["group", "rider", "length", "record_id"], kind="stable")
    head = members.groupby("group", sort=False)["record_id"].transform("first")
    frame = pd.DataFrame(
        {
            "family_unit_id": UNIT_PREFIX + head,
            "record_id": members["record_id"],
            "role": (head == members["record_id"]).map({True: "HEAD", False: None}),
        }
    )
    return frame.sort_values(["family_unit_id", "record_id"], kind="stable").reset_index(drop=True)
