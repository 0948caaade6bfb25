"""Every download button of the dashboard, with the mask on, writes nothing identifying.

The app runs through Streamlit's ``AppTest`` on the privacy bundle (generated records plus
hostile rows, one rejected). ``st.download_button`` is recorded: every page that has a button is
visited (the overview with its rejects, each work queue, the family view of flagged families,
and the Cypher page with every saved query), every button's CSV is written as a click would, and
each one is scanned like a masked report (:func:`conftest.leaks`). The buttons found must be all
the buttons the pages' code declares, so a new one cannot escape the scan.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from kinlink.dashboard import family_view
from kinlink.dashboard.data import SOURCE_ENV, DashboardData, load
from kinlink.dashboard.guard import ALLOW_REMOTE_ENV
from kinlink.dashboard.masking import download_frame
from kinlink.queries.cypher import load_query, query_names
from kinlink.queries.privacy import mask_reasons

from .conftest import identifiers, leaks

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
VIEWS = ROOT / "dashboard" / "views"
TIMEOUT = 120


@pytest.fixture(scope="module")
def loaded(bundle: Path) -> DashboardData:
    return load(bundle)


@pytest.fixture
def downloads(
    bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Callable[[], bytes]]]:
    """The app on the privacy bundle, served on 127.0.0.1; yields button key -> its CSV."""
    monkeypatch.setenv(SOURCE_ENV, str(bundle))
    monkeypatch.delenv(ALLOW_REMOTE_ENV, raising=False)
    monkeypatch.setenv("KINLINK_MASK_KEY", "download secret")
    buttons: dict[str, Callable[[], bytes]] = {}

    def record(label: str, data: Any, **kwargs: Any) -> bool:
        buttons[kwargs["key"]] = data if callable(data) else (lambda: data)
        return False

    monkeypatch.setattr(streamlit, "download_button", record)
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "127.0.0.1")
    try:
        yield buttons
    finally:
        st_config.set_option("server.address", before)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _scan(name: str, data: bytes, found: dict[str, str]) -> None:
    text = data.decode("utf-8")
    assert text.strip(), f"{name}: empty download"
    found[name] = text


def test_every_masked_download_holds_nothing_identifying(
    downloads: dict[str, Callable[[], bytes]], bundle: Path, loaded: DashboardData
) -> None:
    found: dict[str, str] = {}
    at = _run(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    assert at.toggle(key="mask").value is True
    _scan("overview rejects", downloads.pop("overview_rejects_csv")(), found)
    seen = {"overview_rejects_csv"}

    at.switch_page("views/queues.py")
    _run(at)
    for queue in ("separated_families", "mixed_nationality_units", "joint_reprocessing"):
        at.radio(key="queue_name").set_value(queue)
        _run(at)
        _scan(f"queue {queue}", downloads.pop("queue_csv")(), found)
    seen.add("queue_csv")
    at.radio(key="queue_name").set_value("check_first")  # the flags set aside for review
    _run(at)
    _scan("queue check_first", downloads.pop("check_first_csv")(), found)
    seen.add("check_first_csv")

    # the family view of the families with the most kinds of flag (every code, between them)
    codes_left = {fl.code for fl in loaded.flags}
    families = sorted(loaded.flags_by_family, key=lambda f: -len(loaded.flags_by_family[f]))
    for family in families:
        codes = {fl.code for fl in loaded.flags_by_family[family]}
        if not codes & codes_left:
            continue
        codes_left -= codes
        at.switch_page("views/family.py")
        at.session_state["focus"] = family
        _run(at)
        _scan(f"family {family}", downloads.pop("family_flags_csv")(), found)
        if not codes_left:
            break
    assert not codes_left
    seen.add("family_flags_csv")

    pytest.importorskip("falkordb", reason="the Cypher page needs the falkordb extra")
    person = loaded.facts.family_members[families[0]][0]
    other = loaded.facts.family_members[families[0]][-1]
    case = loaded.facts.family_case_ids(families[0])[0]
    values = {"person_id": person, "case_id": case, "from_person": person, "to_person": other}
    at.switch_page("views/cypher.py")
    _run(at)
    for name in query_names():
        at.selectbox(key="cypher_query").set_value(name)
        _run(at)
        for param in load_query(name).params:
            if param.required:
                at.text_input(key=f"cypher_{name}_{param.name}").input(values[param.name])
        _run(at)
        at.button(key="cypher_run").click()
        _run(at)
        assert not at.error, (name, [e.value for e in at.error])
        _scan(f"cypher {name}", downloads.pop("cypher_csv")(), found)
    seen.add("cypher_csv")

    assert leaks(found, identifiers(bundle)) == []
    assert _declared_buttons() == seen, "a download button the scan does not visit"


def _declared_buttons() -> set[str]:
    """The ``key`` of every ``download_button(...)`` call in the dashboard's pages (``state.py``
    holds the one wrapper around Streamlit's button, which every page calls)."""
    keys = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        if path.name == "state.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name != "download_button":
                continue
            for kw in node.keywords:
                if kw.arg == "key":
                    assert isinstance(kw.value, ast.Constant), f"{path}: a computed key"
                    keys.add(kw.value.value)
    return keys


def test_every_flag_reason_is_rebuilt_without_names_or_ids(
    bundle: Path, loaded: DashboardData
) -> None:
    """The family view's download, for every flagged family (not only those visited above)."""
    key = b"download secret"
    found = {}
    for family, flags in loaded.flags_by_family.items():
        table = family_view.family_flags(mask_reasons(flags, loaded.facts, key))
        masked = download_frame(table, masked=True, rebuilt=("reason",))
        assert {"code", "reason", "records", "dates"} <= set(masked.columns)
        found[family] = masked.to_csv(index=False)
    ids = identifiers(bundle)
    assert leaks(found, ids) == []
    # the same downloads with the mask off name people and ids: the scan sees them
    plain = {
        family: download_frame(family_view.family_flags(flags), masked=False).to_csv(index=False)
        for family, flags in loaded.flags_by_family.items()
    }
    found_plain = leaks(plain, ids)
    assert any(": name " in x for x in found_plain) and any(": raw id " in x for x in found_plain)
