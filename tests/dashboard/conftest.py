"""The dashboard tests' bundle: a copy of the sample bundle (3,000 records) plus one bad row.

The copy lives in a temporary folder, so Match review can write its ``reviews.csv`` without
touching the committed sample. The sample is regenerated (same seed, same bytes) when the
checkout does not have it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from streamlit import config as st_config

from kinlink.dashboard.data import SOURCE_ENV, DashboardData, load
from kinlink.dashboard.guard import ALLOW_REMOTE_ENV

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "bundle"
APP = ROOT / "dashboard" / "app.py"
#: An individuals row with no record_id: the loader rejects it (line 3002 of the copy).
BAD_ROW = ",CBP,A000000001,Nadie,Ninguno,1990-01-01,M,HND,Spanish,MEX,Tijuana,2020-01-01,,,,,,\n"


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of the sample bundle, with one rejected individuals row."""
    folder = tmp_path_factory.mktemp("dashboard") / "bundle"
    if (SAMPLE / "individuals.csv").is_file():
        shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("reviews.csv"))
    else:
        from kinlink.samples.generator import generate_bundle

        generate_bundle(folder, 3000, seed=2019)
    with (folder / "individuals.csv").open("a", encoding="utf-8") as fh:
        fh.write(BAD_ROW)
    return folder


@pytest.fixture(scope="session")
def loaded(bundle: Path) -> DashboardData:
    """The bundle as the dashboard loads it (to pick expected persons and families)."""
    return load(bundle)


@contextmanager
def server_address(address: str | None) -> Iterator[None]:
    """Streamlit's ``server.address`` option for the ``AppTest`` runs inside (as if the server
    had been started with ``--server.address ADDRESS``; ``None``: Streamlit's default)."""
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", address)
    try:
        yield
    finally:
        st_config.set_option("server.address", before)


@pytest.fixture(autouse=True)
def local_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every dashboard test runs the app as ``kinlink dashboard`` serves it: on 127.0.0.1."""
    monkeypatch.delenv(ALLOW_REMOTE_ENV, raising=False)
    with server_address("127.0.0.1"):
        yield


@pytest.fixture
def app_env(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the dashboard at the test bundle for the duration of a test."""
    monkeypatch.setenv(SOURCE_ENV, str(bundle))
    yield bundle


@pytest.fixture
def flagged_family(loaded: DashboardData) -> str:
    """A family with a separated-families flag, another flag besides, and hearings."""
    with_hearings = set(loaded.facts.hearings["family_id"].dropna())
    for family, flags in loaded.flags_by_family.items():
        separated = any(f.analysis == "separated_families" for f in flags)
        if separated and len(flags) >= 2 and family in with_hearings:
            return family
    raise AssertionError("the sample bundle has no such family")
