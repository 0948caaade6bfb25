"""Small hand-built bundles for the analysis tests (frames with the loader's dtypes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from kinlink.graph.build import build_graph
from kinlink.graph.families import LinkedBundle, link
from kinlink.queries.facts import Facts, build_facts

TEXT = (
    "source",
    "given_names",
    "surnames",
    "nationality",
    "country_of_location",
    "fear_assessment",
    "location",
)
BOOL = ("uac", "fear_claimed")


def arr(values: Any, dtype: str) -> Any:
    return pd.array(values, dtype=dtype)


def dates(values: Any) -> Any:
    return pd.to_datetime(pd.Series(values, dtype=object))


@dataclass(frozen=True)
class MiniBundle:
    """The frames build_graph reads, plus rejects/quality like a loaded Bundle."""

    individuals: pd.DataFrame
    family_units: pd.DataFrame
    cases: pd.DataFrame
    hearings: pd.DataFrame
    rejects: pd.DataFrame
    quality: pd.DataFrame


@dataclass
class Built:
    bundle: MiniBundle
    persons: pd.DataFrame
    G: nx.MultiDiGraph
    facts: Facts

    @property
    def linked(self) -> LinkedBundle:
        """The bundle, persons and families, as the report writer reads them."""
        return link(self.bundle, self.persons)


def frames(
    records: Sequence[Mapping[str, Any]],
    units: Iterable[tuple[str, str]] = (),
    cases: Sequence[Mapping[str, Any]] = (),
    hearings: Sequence[Mapping[str, Any]] = (),
) -> MiniBundle:
    ind = pd.DataFrame([{"source": "CBP", **r} for r in records])
    for col in TEXT:
        ind[col] = arr(ind[col] if col in ind else [None] * len(ind), dtype="string")
    for col in BOOL:
        ind[col] = arr(ind[col] if col in ind else [None] * len(ind), dtype="boolean")
    for col in ("as_of", "dob"):
        ind[col] = dates(ind[col] if col in ind else [None] * len(ind))
    ind["record_id"] = arr(ind["record_id"], dtype="string")
    ind["_line"] = range(2, len(ind) + 2)
    fu = pd.DataFrame(list(units), columns=["family_unit_id", "record_id"], dtype="string")
    fu["role"] = arr([None] * len(fu), dtype="string")
    fu["_line"] = range(2, len(fu) + 2)
    cs = pd.DataFrame(
        list(cases),
        columns=[
            "case_id",
            "record_id",
            "lead_case_id",
            "court",
            "mpp",
            "status",
            "status_date",
            "nta_date",
        ],
    )
    for col in ("case_id", "record_id", "lead_case_id", "court", "status"):
        cs[col] = arr(cs[col], dtype="string")
    cs["mpp"] = arr(cs["mpp"], dtype="boolean")
    for col in ("status_date", "nta_date"):
        cs[col] = dates(cs[col])
    cs["_line"] = range(2, len(cs) + 2)
    hs = pd.DataFrame(
        list(hearings), columns=["hearing_id", "case_id", "date", "court", "type", "result"]
    )
    for col in ("hearing_id", "case_id", "court", "type", "result"):
        hs[col] = arr(hs[col], dtype="string")
    hs["date"] = dates(hs["date"])
    hs["_line"] = range(2, len(hs) + 2)
    rejects = pd.DataFrame(columns=["file", "line", "column", "reason"])
    quality = pd.DataFrame(columns=["file", "column", "problem", "count"])
    return MiniBundle(ind, fu, cs, hs, rejects, quality)


def build(
    records: Sequence[Mapping[str, Any]],
    units: Iterable[tuple[str, str]] = (),
    cases: Sequence[Mapping[str, Any]] = (),
    hearings: Sequence[Mapping[str, Any]] = (),
    persons: Mapping[str, str] | None = None,
) -> Built:
    """Build graph and facts; ``persons`` maps record -> person (default: the ``person`` key of
    each record, else one person per record)."""
    mapping = dict(persons or {})
    for r in records:
        mapping.setdefault(r["record_id"], r.get("person", "P" + r["record_id"]))
    clean = [{k: v for k, v in r.items() if k != "person"} for r in records]
    bundle = frames(clean, units, cases, hearings)
    persons_df = pd.DataFrame({"record_id": list(mapping), "person_id": list(mapping.values())})
    G = build_graph(bundle, persons_df)
    return Built(bundle, persons_df, G, build_facts(bundle, persons_df))


@pytest.fixture
def make() -> Callable[..., Built]:
    return build


def case(
    cid: str,
    record: str,
    *,
    mpp: bool | None = True,
    status: str | None = "PENDING",
    court: str | None = "El Paso",
    lead: str | None = None,
    status_date: str | None = None,
) -> dict[str, Any]:
    return {
        "case_id": cid,
        "record_id": record,
        "lead_case_id": lead,
        "court": court,
        "mpp": mpp,
        "status": status,
        "status_date": status_date,
        "nta_date": None,
    }


@pytest.fixture
def mkcase() -> Callable[..., dict[str, Any]]:
    return case
