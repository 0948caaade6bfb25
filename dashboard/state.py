"""Streamlit-side data access: which source is open, cached loads and the mask toggle.

The source folder comes from the ``KINLINK_DASHBOARD_SOURCE`` environment variable, which
``kinlink dashboard`` sets before it starts Streamlit.

The loaded data, the search index, the fitted match model and the Cypher connection are
``st.cache_resource`` (one copy per server process, shared by every session and page); the work
queues and the pairs to review are ``st.cache_data`` frames. :func:`prepare` builds all but the
Cypher connection on the first page view of a source (the Cypher page opens its connection on its
first query), so later page views only read caches.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import Final

import pandas as pd
import streamlit as st

from kinlink.csvfile import csv_bytes
from kinlink.dashboard import queues, review
from kinlink.dashboard.cypher_view import CypherConnection, open_connection
from kinlink.dashboard.data import MAPPING_ENV, SOURCE_ENV, DashboardData, load
from kinlink.dashboard.masking import display_frame, download_frame, download_key
from kinlink.dashboard.search import SearchIndex
from kinlink.errors import InputError
from kinlink.graph.resolve import Scorer
from kinlink.queries.facts import Facts

__all__ = [
    "MASK_KEY",
    "SOURCE_ENV",
    "candidate_pairs",
    "check_first",
    "cypher_connection",
    "data",
    "download_button",
    "facts",
    "masked",
    "prepare",
    "queue_frame",
    "reload",
    "scorer",
    "search_index",
    "source",
    "table",
]

MASK_KEY: Final = "mask"


def source() -> str:
    """The folder the dashboard opens (absolute path).

    Raises
    ------
    InputError
        The environment variable is not set.
    """
    given = os.environ.get(SOURCE_ENV, "")
    if not given:
        raise InputError(
            f"no source: run `kinlink dashboard BUNDLE_OR_REPORT` (or set {SOURCE_ENV})"
        )
    return str(Path(given).resolve())


@st.cache_resource(show_spinner=False)
def _load(path: str) -> DashboardData:
    bar = st.progress(0.0, text="loading")

    def report(stage: str, fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=stage)

    try:
        return load(path, progress=report, mapping=os.environ.get(MAPPING_ENV) or None)
    finally:
        bar.empty()


def data() -> DashboardData:
    """The loaded source (loads, resolves and shows progress on the first call only)."""
    return _load(source())


def facts() -> Facts:
    """The open source's facts (read or built on first use, with a spinner)."""
    loaded = data()
    if "facts" in vars(loaded):
        return loaded.facts
    with st.spinner("Reading the facts…"):
        return loaded.facts


@st.cache_resource(show_spinner="Indexing names and A-numbers…")
def _search_index(path: str) -> SearchIndex:
    d = _load(path)
    index = SearchIndex.build(d.facts.records, d.facts.persons)
    gc.collect()
    gc.freeze()  # see data._kept
    return index


def search_index() -> SearchIndex:
    """The search index of the open source (built once)."""
    return _search_index(source())


@st.cache_resource(show_spinner="Preparing the match model to explain pairs…")
def _scorer(path: str) -> Scorer | None:
    return _load(path).scorer()


def scorer() -> Scorer | None:
    """The resolver's model for the open source's bundle: the one kept when it was resolved; for
    a report, its ``model.json`` as it is (fitted on first use only for an older report without
    one); ``None`` when the bundle is unknown."""
    return _scorer(source())


def _close(connection: CypherConnection) -> None:
    connection.close()


@st.cache_resource(show_spinner="Loading the graph into the query engine…", on_release=_close)
def _cypher(path: str) -> CypherConnection:
    return open_connection(_load(path).graph())


def cypher_connection() -> CypherConnection:
    """The open source's graph in a Cypher engine (embedded FalkorDB, or Neo4j if configured)."""
    return _cypher(source())


@st.cache_data(show_spinner="Building the work queue…")
def _queue(path: str, name: str) -> pd.DataFrame:
    return queues.queue(_load(path), name)


def queue_frame(name: str) -> pd.DataFrame:
    """The work queue ``name`` of the open source."""
    return _queue(source(), name)


@st.cache_data(show_spinner=False)
def _check_first(path: str) -> pd.DataFrame:
    return queues.check_first(_load(path))


def check_first() -> pd.DataFrame:
    """The "Check first" queue of the open source (flags set aside for review)."""
    return _check_first(source())


@st.cache_data(show_spinner="Reading the scored pairs…")
def _candidates(path: str) -> pd.DataFrame:
    return review.candidate_pairs(_load(path).matches)


def candidate_pairs() -> pd.DataFrame:
    """The scored pairs to review, most uncertain first."""
    return _candidates(source())


@st.cache_resource(show_spinner=False)
def _ready(path: str) -> bool:
    loaded = _load(path)
    if loaded.kind != "bundle":
        # a report (or a saved graph) is read page by page: each page reads or builds what it
        # shows on its first view (the search index, the queues, the facts), with a spinner
        return True
    _search_index(path)
    for name in queues.QUEUES:
        _queue(path, name)
    _check_first(path)
    _candidates(path)
    _scorer(path)  # the model kept when the bundle was resolved
    gc.collect()
    gc.freeze()  # see data._kept: what is loaded lives as long as the server
    return True


def prepare() -> DashboardData:
    """Load the source; for a bundle, also build everything the pages read: the search index,
    the work queues, the pairs to review and the fitted match model.

    A bundle is resolved on the first page view anyway, so everything is built then (with a
    progress bar and spinners) and every later page view reads caches only. A report folder's
    first page (the Overview) reads only the report's summary; each other page reads or builds
    what it needs on its first view (:class:`~kinlink.dashboard.data.DashboardData`).
    """
    loaded = data()
    _ready(source())
    return loaded


def reload() -> None:
    """Forget everything loaded, so the next page view loads (and resolves) the source again.

    Used after saving match reviews, which the resolver reads on its next run.
    """
    gc.unfreeze()  # let the old graph be collected once the caches drop it
    st.cache_resource.clear()
    st.cache_data.clear()


def restore(key: str, default: str = "") -> None:
    """Give the text box ``key`` back the value it had when its page was left.

    Streamlit forgets a widget's value when a run does not draw it (another page was open);
    :func:`keep` saves it under another key so that coming back shows the same search.
    """
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(f"{key}::kept", default)


def keep(key: str) -> None:
    """Save the text box ``key``'s value for :func:`restore`."""
    st.session_state[f"{key}::kept"] = st.session_state.get(key, "")


def masked() -> bool:
    """Whether A-numbers and dates of birth are masked (the sidebar toggle; on by default)."""
    return bool(st.session_state.get(MASK_KEY, True))


def table(frame: pd.DataFrame, *, key: str | None = None) -> None:
    """Show ``frame`` (dates as text; masked when the toggle is on). Every page's tables go
    through here, so none can show an unmasked A-number or date of birth."""
    st.dataframe(display_frame(frame, masked=masked()), hide_index=True, key=key)


def download_button(
    frame: pd.DataFrame,
    label: str,
    file_name: str,
    *,
    key: str,
    masked_frame: Callable[[bytes], pd.DataFrame] | None = None,
    rebuilt: tuple[str, ...] = (),
) -> None:
    """A CSV download of ``frame`` (dates as text). When the mask toggle is on, the download is
    :func:`~kinlink.dashboard.masking.download_frame` of ``masked_frame(key)`` if given (the
    page's own masked version, whose free-text columns ``rebuilt`` are written from masked
    values), else of ``frame``: pseudonyms for ids, months for dates, nothing identifying.

    The CSV is written when the button is clicked, not on every page view: pseudonymising the
    ids of thousands of flagged families took most of a work-queue page's render.
    """
    hide = masked()  # read now: the callable runs on another thread, outside the session

    def contents() -> bytes:
        if hide and masked_frame is not None:
            frame_out = download_frame(
                masked_frame(download_key()[0]), masked=True, rebuilt=rebuilt
            )
        else:
            frame_out = download_frame(frame, masked=hide)
        return csv_bytes(frame_out)

    st.download_button(label, contents, file_name=file_name, mime="text/csv", key=key)
