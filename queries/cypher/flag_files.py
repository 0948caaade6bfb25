"""The contract's flag files computed by the saved Cypher queries (``report --engine cypher``).

:func:`flag_frames` exports the graph to a private FalkorDB (or uses the engine it is given),
runs ``separated_families.cypher``, ``mixed_nationality_units.cypher`` and
``joint_reprocessing.cypher`` and shapes their rows exactly like
:func:`kinlink.queries.report_files.contract_tables` does for the Python analyses: same files,
same columns, lists sorted and joined with ``;``, ``mexican_member`` as ``true``/``false``. The
``sources`` column (the policy documents the codes follow) is looked up from the codes in
:data:`kinlink.queries.flags.RULES`; everything else comes from the queries. The tests check
that the two engines agree row for row.
"""

from __future__ import annotations

import logging
from typing import Final, Literal

import networkx as nx
import pandas as pd

from kinlink.contract import FLAG_FILES, REPORT_FILES
from kinlink.errors import ExportError
from kinlink.graph.export import GraphEngine, embedded_falkordb, export_graph
from kinlink.queries.cypher.runner import flat, run_saved
from kinlink.queries.flags import RULES

log = logging.getLogger(__name__)

__all__ = ["FLAG_COLUMNS", "flag_frames", "query_flag_frames"]

#: The columns each contract query returns: the file's columns but ``sources``, which is looked up.
FLAG_COLUMNS: Final[dict[str, list[str]]] = {
    stem: [c for c in REPORT_FILES[stem].columns if c != "sources"] for stem in FLAG_FILES
}


def query_flag_frames(
    engine: GraphEngine, *, mpp_split_none: Literal["mpp_case", "any_case"] = "mpp_case"
) -> dict[str, pd.DataFrame]:
    """Run the three contract queries on a database that already holds the graph.

    Raises
    ------
    ExportError
        If a query fails or returns other columns than the contract file needs.
    """
    out: dict[str, pd.DataFrame] = {}
    for stem, columns in FLAG_COLUMNS.items():
        params = {"mpp_split_none": mpp_split_none} if stem == "separated_families" else {}
        df = run_saved(engine, stem, params)
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise ExportError(f"{stem}.cypher returned no column(s) {', '.join(missing)}")
        if len(df) == 0:
            out[stem] = pd.DataFrame({c: [] for c in [*columns, "sources"]}, dtype=object)
            continue
        table = flat(df[columns]).reset_index(drop=True)
        codes = df["codes"] if "codes" in df.columns else [["MIXED"]] * len(df)
        table["sources"] = [_sources(c) for c in codes]
        out[stem] = table
    return out


def _sources(codes: list[str]) -> str:
    """The policy sources of ``codes``, as the networkx report writes them."""
    return ";".join(sorted({RULES[code].source.citation() for code in codes}))


def flag_frames(
    G: nx.MultiDiGraph,
    *,
    engine: GraphEngine | None = None,
    mpp_split_none: Literal["mpp_case", "any_case"] = "mpp_case",
    progress: bool = False,
) -> dict[str, pd.DataFrame]:
    """The contract flag tables of ``G``, computed by the saved Cypher queries.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph from :func:`kinlink.graph.build.build_graph`.
    engine : GraphEngine, optional
        An empty database to export ``G`` into and query; by default a private FalkorDB that is
        started here and stopped before returning.
    mpp_split_none : {"mpp_case", "any_case"}
        As for :func:`kinlink.queries.separated.separated_families`.
    progress : bool
        Progress bar for the export.

    Returns
    -------
    dict of str to DataFrame
        ``separated_families``, ``mixed_nationality_units``, ``joint_reprocessing``: the same
        frames :func:`kinlink.queries.report_files.contract_tables` returns for those files.

    Raises
    ------
    ExportError
        If FalkorDB is missing or fails to start, or a query fails.
    """
    if engine is not None:
        export_graph(G, engine, progress=progress)
        return query_flag_frames(engine, mpp_split_none=mpp_split_none)
    with embedded_falkordb() as private:
        export_graph(G, private, progress=progress)
        return query_flag_frames(private, mpp_split_none=mpp_split_none)
