"""The analyses on the generator's TRUE persons reproduce the generator's own truth files.

The generator computes its truth files with an independent implementation of the contract's
rules; running kinlink's graph and analyses on the true person clustering must give the same
flagged families (compared by their record sets, since family ids are numbered differently), the
same codes, case lists, nationalities and Mexican-member flags.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kinlink.graph.build import build_graph
from kinlink.graph.families import link
from kinlink.queries.analyses import analyse
from kinlink.queries.facts import build_facts
from kinlink.queries.report_files import contract_tables

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "bundle"

COMPARED = {
    "separated_families": ["codes", "record_ids"],
    "mixed_nationality_units": ["nationalities", "mexican_member", "record_ids"],
    "joint_reprocessing": ["codes", "case_ids", "record_ids"],
}


def _bundles() -> list[str]:
    """The committed sample bundle when it has its truth, and a freshly generated one."""
    return ["committed", "generated"]


@pytest.fixture(scope="module", params=_bundles())
def tables(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, pd.DataFrame]]:
    if request.param == "committed":
        assert (SAMPLE / "truth" / "records.csv").is_file(), "the committed sample lost its truth"
        path = SAMPLE
    else:
        from kinlink.samples import generator

        path = tmp_path_factory.mktemp("generated") / "bundle"
        generator.generate_bundle(path, 3000, seed=11)
    from kinlink.loaders import load_bundle

    bundle = load_bundle(path)
    persons = pd.read_csv(path / "truth" / "records.csv", dtype=str, keep_default_na=False)
    linked = link(bundle, persons[["record_id", "person_id"]])
    G = build_graph(linked, linked.persons, linked.families)
    result = analyse(build_facts(linked, linked.persons, linked.families))
    # every flag's evidence names nodes of the graph, and only families of two or more are flagged
    sizes = result.facts.families.groupby("family_id").size()
    for flag in result.flags:
        assert all(n in G for n in flag.evidence.nodes()), flag
        assert sizes[flag.family_id] >= 2
    return path, contract_tables(result)


def _rows(frame: pd.DataFrame, columns: list[str]) -> set[tuple[str, ...]]:
    return {tuple(str(v) for v in row) for row in frame[columns].itertuples(index=False)}


@pytest.mark.parametrize("stem", sorted(COMPARED))
def test_flag_files_match_truth(tables: tuple[Path, dict[str, pd.DataFrame]], stem: str) -> None:
    path, mine = tables
    truth = pd.read_csv(path / "truth" / f"{stem}.csv", dtype=str, keep_default_na=False)
    columns = COMPARED[stem]
    expected, got = _rows(truth, columns), _rows(mine[stem], columns)
    only_truth, only_mine = sorted(expected - got)[:3], sorted(got - expected)[:3]
    assert got == expected, f"{stem}: only in truth {only_truth}, only in kinlink {only_mine}"


def test_families_match_truth(tables: tuple[Path, dict[str, pd.DataFrame]]) -> None:
    path, mine = tables
    truth = pd.read_csv(path / "truth" / "families.csv", dtype=str, keep_default_na=False)

    def groups(frame: pd.DataFrame) -> set[frozenset[str]]:
        return {frozenset(g) for _, g in frame.groupby("family_id")["person_id"]}

    mine_multi = {g for g in groups(mine["families"]) if len(g) >= 2}
    truth_groups = groups(truth)
    assert {g for g in truth_groups if len(g) >= 2} == mine_multi
