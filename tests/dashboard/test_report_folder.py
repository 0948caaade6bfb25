"""A report folder shows what its bundle shows, read from what the report saved (issue 16).

Opening a report reads its ``summary.json``, ``review_flags.csv`` and ``data/`` (the frames, the
judged flags ``data/flags.parquet`` and the facts ``data/facts/``) instead of building the facts
and running the analyses and the judging again: every count, flag, reason, confidence, queue and
fact must be the same as when the dashboard opens the bundle itself, and the first page (the
Overview) must not need the facts at all.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kinlink
from kinlink.dashboard import overview, queues
from kinlink.dashboard.data import DashboardData, load
from kinlink.graph.resolve import explain_with
from kinlink.queries.flags import Flag
from kinlink.queries.report_data import FACTS_FOLDER, FLAGS_FILE
from kinlink.queries.report_writer import DATA_FOLDER


@pytest.fixture(scope="module")
def report(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report"
    kinlink.open(bundle).report(out)
    return out


def assert_same_pages(a: DashboardData, b: DashboardData) -> None:
    """Everything the pages read is the same in ``a`` and ``b``."""
    assert a.flags == b.flags and len(a.flags)
    assert a.confirmed == b.confirmed
    assert a.flags_by_family == b.flags_by_family
    for part in ("totals", "by_code", "by_nationality", "by_court"):
        assert getattr(a.summary, part) == getattr(b.summary, part), part
    assert overview.headline(a) == overview.headline(b)
    pd.testing.assert_frame_equal(a.review.astype(str), b.review.astype(str))
    pd.testing.assert_frame_equal(queues.check_first(a), queues.check_first(b))
    for name in queues.QUEUES:
        pd.testing.assert_frame_equal(queues.queue(a, name), queues.queue(b, name))
    for name in ("records", "persons", "families", "cases", "hearings", "units"):
        pd.testing.assert_frame_equal(getattr(a.facts, name), getattr(b.facts, name))
    pd.testing.assert_frame_equal(a.rejects.astype(str), b.rejects.astype(str))
    pd.testing.assert_frame_equal(a.quality.astype(str), b.quality.astype(str))
    assert a.gaps == b.gaps and a.since == b.since


def test_the_overview_of_a_report_needs_no_facts_nor_analyses(
    report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the Overview ran an analysis or built the facts")

    monkeypatch.setattr("kinlink.queries.facts.build_facts", refuse)
    monkeypatch.setattr("kinlink.queries.analyses.analyse", refuse)
    monkeypatch.setattr("kinlink.dashboard.data.judge", refuse)
    opened = load(report)
    counts = overview.headline(opened)
    assert counts["Records"] == 3000 and counts["Flags"] > 0
    assert len(overview.by_code(opened)) and len(overview.by_nationality(opened))
    assert opened.flags_by_family  # the judged flags are read, not judged again
    assert "facts" not in vars(opened)


def test_a_report_shows_what_its_bundle_shows(
    report: Path, loaded: DashboardData, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (report / DATA_FOLDER / FLAGS_FILE).is_file()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the report's flags were raised or judged again")

    monkeypatch.setattr("kinlink.queries.analyses.analyse", refuse)
    monkeypatch.setattr("kinlink.dashboard.data.judge", refuse)
    monkeypatch.setattr("kinlink.queries.facts.build_facts", refuse)  # read from data/facts/
    assert_same_pages(loaded, load(report))


def test_a_report_without_saved_flags_runs_the_analyses_as_before(
    report: Path, loaded: DashboardData, tmp_path: Path
) -> None:
    import shutil

    older = tmp_path / "older"
    shutil.copytree(report, older)
    (older / DATA_FOLDER / FLAGS_FILE).unlink()  # as written before data/flags.parquet ...
    shutil.rmtree(older / DATA_FOLDER / FACTS_FOLDER)  # ... and data/facts/
    opened = load(older)

    def keys(flags: list[Flag]) -> list[tuple[str, str]]:
        return [(f.family_id, f.code) for f in flags]

    assert keys(opened.flags) == keys(loaded.flags)
    assert keys(opened.confirmed) == keys(loaded.confirmed)
    assert opened.summary.totals == loaded.summary.totals
    assert "facts" in vars(opened)  # the analyses ran on the report's frames


def test_match_review_of_a_report_explains_pairs_as_the_resolution_scored_them(
    bundle: Path, tmp_path: Path, loaded: DashboardData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's model.json and data/unit_links.parquet, used as they are: nothing is fitted,
    and every pair's levels, weights, family boost and probability are the resolution's."""
    out = tmp_path / "report"
    kinlink.open(bundle).report(out)  # after this test's patches nothing may fit

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("match review fitted a model")

    monkeypatch.setattr("kinlink.graph.resolve.fit", refuse)
    monkeypatch.setattr("kinlink.graph.resolve.resolver.fit", refuse)
    saved, kept = load(out).scorer(), loaded.scorer()
    assert saved is not None and kept is not None
    matches = loaded.matches
    assert matches is not None
    boosted = matches[matches["family_boost"] > 0]
    assert len(boosted)  # the sample has pairs the family boost moved
    pairs = pd.concat([matches.head(100), boosted.head(100), matches.tail(50)])
    for a, b in zip(pairs["record_id_l"], pairs["record_id_r"], strict=True):
        pd.testing.assert_frame_equal(explain_with(saved, a, b), explain_with(kept, a, b))
    ids = loaded.facts.records["record_id"]
    a, b = ids.iloc[0], ids.iloc[-1]  # any two records, not only scored pairs
    pd.testing.assert_frame_equal(explain_with(saved, a, b), explain_with(kept, a, b))


def test_a_masked_report_opens_with_its_masked_flags(
    bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under --mask data/ holds pseudonyms only: the flags are the masked ones flags.csv has, and
    the facts are built from the masked frames (no data/facts/); every page still opens."""
    from kinlink.csvfile import read_csv
    from kinlink.dashboard.data import SOURCE_ENV
    from kinlink.queries.report_writer import ReportOptions

    from .test_app import PAGES, open_page, start

    out = tmp_path / "masked"
    kinlink.open(bundle).report(out, ReportOptions(mask_key=b"not a real key"))
    assert not (out / DATA_FOLDER / FACTS_FOLDER).exists()
    opened = load(out)
    written = read_csv(out / "flags.csv")
    assert [(f.family_id, f.code, f.reason) for f in opened.flags] == list(
        zip(written["family_id"], written["code"], written["reason"], strict=True)
    )
    assert all(f.family_id.startswith("F-") for f in opened.flags)
    assert opened.facts.records["record_id"].str.startswith("R-").all()
    monkeypatch.setenv(SOURCE_ENV, str(out))
    at = start()
    assert {m.label: m.value for m in at.metric}["Records"] == "3,000"
    for page in PAGES:
        open_page(at, page)
