"""The dashboard's importable logic: masking, search, queues, family view, review, sources, CLI."""

from __future__ import annotations

import doctest
import logging
from pathlib import Path
from types import ModuleType

import networkx as nx
import pandas as pd
import pytest

from kinlink.cli import main
from kinlink.commands import dashboard as command
from kinlink.dashboard import family_view, masking, overview, queues, review, search
from kinlink.dashboard.data import DashboardData, detect_source
from kinlink.dashboard.search import SearchIndex
from kinlink.errors import InputError
from kinlink.graph.schema import NodeKind, node_id

# -- doctests (dashboard/ is not in pytest's doctest paths: its page scripts run on import) ----


@pytest.mark.parametrize("module", [masking, search, queues, family_view, review, overview])
def test_module_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


# -- masking -------------------------------------------------------------------------------------


def test_mask_frame_hides_every_a_number_and_dob_but_keeps_the_rest() -> None:
    frame = pd.DataFrame(
        {
            "record_id": ["r1", "r2"],
            "a_number": ["208001355", None],
            "a_numbers": ["208001355;208004937", ""],
            "dob": pd.to_datetime(pd.Series(["1981-09-24", None])),
            "dobs": ["1981-09-24;1982-01-02", ""],
        }
    )
    out = masking.mask_frame(frame)
    text = out.astype(str).to_string()
    for secret in ("208001355", "208004937", "09-24", "01-02"):
        assert secret not in text
    assert out["record_id"].tolist() == ["r1", "r2"]
    assert out["a_numbers"].iloc[0] == "A-XXX-XXX-355;A-XXX-XXX-937"
    assert out["dob"].iloc[0] == "1981-XX-XX" and out["dob"].iloc[1] is None
    assert masking.mask_frame(frame, enabled=False) is frame


def test_mask_frame_masks_the_a_number_and_dob_rows_of_a_match_explanation() -> None:
    table = pd.DataFrame(
        {
            "field": ["a_number", "dob", "surnames"],
            "value_a": ["208001355", "1981-09-24", "Pérez"],
            "value_b": ["208001356", "1981-09-25", "Perez"],
        }
    )
    out = masking.mask_frame(table)
    assert out["value_a"].tolist() == ["A-XXX-XXX-355", "1981-XX-XX", "Pérez"]
    assert out["value_b"].tolist() == ["A-XXX-XXX-356", "1981-XX-XX", "Perez"]


# -- search --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    records = pd.DataFrame(
        {
            "record_id": ["r1", "r2", "r3", "r4", "r5"],
            "person_id": ["P1", "P1", "P2", "P3", "P4"],
            "given_names": ["María José", "Maria", "María", "José", "Ana"],
            "surnames": ["López García", "Lopez", "Lopez Lara", "de la Cruz", "Ruiz"],
            "a_number": ["012345678", None, "087654321", None, "011111111"],
            "dob": pd.to_datetime(pd.Series(["1990-01-02", None, "1985-05-05", None, None])),
        }
    )
    persons = pd.DataFrame(
        {
            "name": ["María José López García", "María Lopez Lara", "José de la Cruz", "Ana Ruiz"],
            "family_id": ["F1", None, "F2", None],
            "nationality": ["HND", "GTM", "MEX", "SLV"],
        },
        index=pd.Index(["P1", "P2", "P3", "P4"], name="person_id"),
    )
    return SearchIndex.build(records, persons)


def test_search_ignores_accents_case_and_word_order(index: SearchIndex) -> None:
    assert index.search("LOPEZ maria")["person_id"].iloc[0] == "P1"  # exact "Maria Lopez" key
    assert index.search("lara lópez maría")["person_id"].iloc[0] == "P2"
    assert index.search("Cruz José")["person_id"].tolist()[0] == "P3"


def test_search_by_a_nickname_of_several_names_finds_each(index: SearchIndex) -> None:
    """ "Pepe" stands for José alone (mapped when keyed); a nickname of several names ("Beto":
    Alberto, Roberto, ...) is tried as each name it may stand for."""
    assert index.search("Pepe de la Cruz")["person_id"].iloc[0] == "P3"
    records = pd.DataFrame(
        {
            "record_id": ["a", "b", "c"],
            "person_id": ["PA", "PR", "PC"],
            "given_names": ["Alberto", "Roberto", "Carlos"],
            "surnames": ["Ruiz"] * 3,
            "a_number": [None] * 3,
            "dob": pd.to_datetime(pd.Series([None] * 3)),
        }
    )
    found = SearchIndex.build(records).search("Beto Ruiz", cutoff=90)
    assert set(found["person_id"]) == {"PA", "PR"}
    beto = records.iloc[:1].assign(record_id="d", person_id="PB", given_names="Beto")
    literal = SearchIndex.build(pd.concat([records, beto])).search("Beto Ruiz", cutoff=90)
    assert literal["person_id"].iloc[0] == "PB"  # the name as typed ranks first


def test_search_forgives_a_typo_and_ranks_fuller_matches_first(index: SearchIndex) -> None:
    found = index.search("Maira Lopes Garcia")
    assert found["person_id"].iloc[0] == "P1"
    assert list(found["score"]) == sorted(found["score"], reverse=True)


@pytest.mark.parametrize("written", ["A087654321", "A-087-654-321", "87654321", "087 654 321"])
def test_search_finds_an_a_number_in_any_written_form(index: SearchIndex, written: str) -> None:
    found = index.search(written)
    assert found[["person_id", "score"]].values.tolist()[0] == ["P2", 100.0]


def test_search_finds_an_a_number_one_digit_off_below_exact_hits(index: SearchIndex) -> None:
    found = index.search("A087654329")
    assert found[["person_id", "score"]].values.tolist() == [["P2", 90.0]]


def test_search_by_id_and_results_describe_the_person(index: SearchIndex) -> None:
    row = index.search("r2").iloc[0]
    assert (row["person_id"], row["family_id"], row["records"]) == ("P1", "F1", 2)
    assert row["a_numbers"] == "012345678" and row["dobs"] == "1990-01-02"
    assert index.search("F2")["person_id"].tolist() == ["P3"]
    assert index.search("   ").empty and index.search("zzzzqqq").empty


# -- queues, family view, review on the sample -------------------------------------------------


def test_queues_hold_every_flagged_family_of_their_file(loaded: DashboardData) -> None:
    for name in queues.QUEUES:
        frame = queues.queue(loaded, name)
        expected = {f.family_id for f in loaded.flags if f.analysis == name}
        assert set(frame["family_id"]) == expected
        for row in frame.head(5).itertuples():
            members = loaded.facts.family_members[row.family_id]
            assert row.persons == len(members)
            assert row.record_ids == ";".join(loaded.facts.family_record_ids(row.family_id))
    frame = queues.queue(loaded, "separated_families")
    court = queues.filter_options(frame, "courts")[0]
    kept = queues.filter_queue(frame, courts=[court], codes=["COURT_SPLIT", "MPP_SPLIT"])
    assert all(court in c.split(";") for c in kept["courts"])
    assert all({"COURT_SPLIT", "MPP_SPLIT"} & set(c.split(";")) for c in kept["codes"])


def test_family_nodes_cover_persons_records_units_cases_and_courts(
    loaded: DashboardData, flagged_family: str
) -> None:
    local = loaded.local
    nodes = family_view.family_nodes(local.family_graph(flagged_family), flagged_family)
    kinds = {n.split(":", 1)[0] for n in nodes}
    assert {"family", "person", "record", "unit", "case", "court"} <= kinds
    records = set(loaded.facts.family_record_ids(flagged_family))
    assert {n.split(":", 1)[1] for n in nodes if n.startswith("record:")} == records
    G = loaded.graph()  # the whole graph: the family view's pieces must agree with it
    assert nodes == family_view.family_nodes(G, flagged_family)
    case = next(n for n in nodes if n.startswith("case:") and G.in_degree(n))
    hearings = {u for u, _, k in G.in_edges(case, keys=True) if k == "OF"}
    assert hearings and hearings <= set(local.neighbours(case, limit=1000))
    court = next(n for n in nodes if n.startswith("court:"))
    assert len(local.neighbours(court, limit=3)) == 3
    assert local.neighbours("court:nowhere") == family_view.neighbours(G, "court:nowhere") == []
    for node in [*nodes, *sorted(hearings)]:
        assert local.neighbours(node) == family_view.neighbours(G, node), node
    expanded = list(dict.fromkeys(nodes + local.neighbours(court) + sorted(hearings)))
    piece = local.around(expanded)
    assert set(expanded) <= set(piece.nodes)
    whole = G.subgraph(piece.nodes)
    assert dict(piece.nodes(data=True)) == dict(whole.nodes(data=True))
    assert sorted(piece.edges(keys=True)) == sorted(whole.edges(keys=True))
    els = family_view.elements(piece, nodes, masked=True)
    ids = {n["data"]["id"] for n in els["nodes"]}
    assert ids == set(nodes)
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in els["edges"])
    numbers = [n["data"]["a_number"] for n in els["nodes"] if "a_number" in n["data"]]
    assert numbers and all(a.startswith("A-XXX-XXX-") for a in numbers)


def test_resolve_focus_and_timeline(loaded: DashboardData, flagged_family: str) -> None:
    person = loaded.facts.family_members[flagged_family][0]
    record = loaded.facts.person_records[person][0]
    for text in (flagged_family, person, record):
        assert family_view.resolve_focus(loaded.facts, text)[0] == flagged_family
    assert family_view.resolve_focus(loaded.facts, "nobody") == (None, None)
    hearings = family_view.timeline(loaded.facts, flagged_family)
    expected = loaded.facts.hearings["family_id"].eq(flagged_family).sum()
    assert len(hearings) == expected > 0
    assert hearings["date"].dropna().is_monotonic_increasing
    flags = family_view.family_flags(loaded.flags_by_family[flagged_family])
    assert flags["source"].str.contains(r"\(20\d\d-\d\d-\d\d\)").all()
    assert node_id(NodeKind.FAMILY, flagged_family) not in family_view.flagged_nodes([])


def test_append_review_validates_and_keeps_an_existing_header(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="decision"):
        review.append_review(tmp_path, "a", "b", "maybe")
    with pytest.raises(InputError, match="two different"):
        review.append_review(tmp_path, "a", "a", "same")
    (tmp_path / "reviews.csv").write_text("decision,record_id_a,record_id_b,note\nsame,x,y,ok\n")
    review.append_review(tmp_path, "a", "b", "different")
    assert review.read_reviews(tmp_path).values.tolist() == [
        ["same", "x", "y", "ok"],
        ["different", "a", "b", ""],
    ]
    (tmp_path / "reviews.csv").write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="needs columns"):
        review.append_review(tmp_path, "a", "b", "same")


# -- sources and the command ---------------------------------------------------------------------


def test_detect_source(tmp_path: Path, bundle: Path) -> None:
    assert detect_source(bundle) == ("bundle", bundle)
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "graph.json").write_text("{}")
    assert detect_source(tmp_path / "g") == ("graph", tmp_path / "g")
    report = tmp_path / "report"
    (report / "graph").mkdir(parents=True)
    (report / "graph" / "graph.json").write_text("{}")
    assert detect_source(report) == ("graph", report / "graph")
    (report / "summary.json").write_text("{}")
    (report / "data").mkdir()
    (report / "data" / "linked.json").write_text("{}")
    assert detect_source(report) == ("report", report)  # its data/ before its graph/
    (tmp_path / "r2").mkdir()
    (tmp_path / "r2" / "summary.json").write_text("{}")
    with pytest.raises(InputError, match="older kinlink"):
        detect_source(tmp_path / "r2")
    with pytest.raises(InputError, match="no such file or folder"):
        detect_source(tmp_path / "missing")


def test_saved_graph_loads_with_the_report_rejects(tmp_path: Path, loaded: DashboardData) -> None:
    from kinlink.dashboard.data import load
    from kinlink.graph.store import save_graph

    save_graph(loaded.graph(), tmp_path / "graph")
    loaded.rejects.to_csv(tmp_path / "rejects.csv", index=False)
    again = load(tmp_path)
    assert again.kind == "graph" and again.bundle is None
    assert len(again.flags) == len(loaded.flags) and len(again.rejects) == 1


def test_dashboard_command_refuses_a_bad_source_and_warns_off_localhost(
    tmp_path: Path, bundle: Path, monkeypatch: pytest.MonkeyPatch, capsys, caplog
) -> None:
    assert main(["dashboard", str(tmp_path)]) == 2
    assert "holds no bundle" in capsys.readouterr().err
    calls: list[tuple[list[str], dict[str, str]]] = []

    def execve(path: str, cmd: list[str], env: dict[str, str]) -> None:
        assert path == cmd[0]
        calls.append((cmd, env))

    monkeypatch.setattr(command.os, "execve", execve)
    monkeypatch.setenv("KINLINK_DASHBOARD_ALLOW_REMOTE", "1")  # a leftover never counts
    # another address without --allow-remote: refused, nothing started
    assert main(["dashboard", str(bundle), "--host", "0.0.0.0"]) == 2
    assert "--allow-remote" in capsys.readouterr().err and calls == []
    with caplog.at_level(logging.WARNING, logger="kinlink"):
        code = main(
            ["dashboard", str(bundle), "--host", "0.0.0.0", "--port", "8765", "--allow-remote"]
        )
    assert code == 0
    cmd, env = calls[0]
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"
    assert cmd[cmd.index("--server.port") + 1] == "8765"
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"
    assert env["KINLINK_DASHBOARD_SOURCE"] == str(bundle.resolve())
    assert env["KINLINK_DASHBOARD_ALLOW_REMOTE"] == "1"
    assert "anyone who can reach" in capsys.readouterr().err + caplog.text
    assert "KINLINK_NEO4J_URI" not in env or env["KINLINK_NEO4J_URI"] != "bolt://db:7687"
    assert main(["dashboard", str(bundle), "--neo4j-uri", "bolt://db:7687"]) == 0
    cmd, env = calls[1]
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert env["KINLINK_NEO4J_URI"] == "bolt://db:7687"
    assert "KINLINK_DASHBOARD_ALLOW_REMOTE" not in env


def test_cypher_uses_neo4j_when_configured_and_closes_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kinlink.dashboard import cypher_view

    class Engine:
        closed = 0

        def close(self) -> None:
            Engine.closed += 1

    seen: dict[str, str | None] = {}

    def connect(uri: str, user: str, *, database: str | None = None) -> Engine:
        seen.update(uri=uri, user=user, database=database)
        return Engine()

    monkeypatch.setattr(cypher_view, "connect_neo4j", connect)
    env = {"KINLINK_NEO4J_URI": "bolt://db:7687", "KINLINK_NEO4J_DATABASE": "mpp"}
    connection = cypher_view.open_connection(nx.MultiDiGraph(), environ=env)
    assert seen == {"uri": "bolt://db:7687", "user": "neo4j", "database": "mpp"}
    assert "Neo4j" in connection.description
    connection.close()
    connection.close()
    assert Engine.closed == 1
    assert set(cypher_view.saved_queries()) >= {"person_family_and_cases", "linked_cases"}


def test_masked_downloads_carry_pseudonyms_not_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 8: with the mask on, a download holds keyed-hash pseudonyms, stable per key."""
    from kinlink.dashboard.masking import download_frame
    from kinlink.queries.privacy import pseudonym

    frame = pd.DataFrame({"family_id": ["F1"], "record_ids": ["r1;r2"], "a_number": ["012345678"]})
    monkeypatch.setenv("KINLINK_MASK_KEY", "test-key")
    out = download_frame(frame, masked=True)
    text = out.to_csv(index=False)
    assert "F1" not in text and "r1" not in text and "012345678" not in text
    assert out["record_ids"].iloc[0].split(";") == [
        pseudonym("record", "r1", b"test-key"),
        pseudonym("record", "r2", b"test-key"),
    ]
    assert download_frame(frame, masked=False)["record_ids"].iloc[0] == "r1;r2"


def test_download_button_writes_the_masked_csv_when_clicked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The button gets a callable (no CSV written per page view) that honours the mask as it
    was when the page was drawn."""
    from kinlink.dashboard import state

    frame = pd.DataFrame({"family_id": ["F1"], "record_ids": ["r1;r2"], "a_number": ["012345678"]})
    monkeypatch.setenv("KINLINK_MASK_KEY", "test-key")
    buttons = {}
    monkeypatch.setattr(
        state.st, "download_button", lambda label, data, **kw: buttons.update({kw["key"]: data})
    )
    monkeypatch.setattr(state, "masked", lambda: True)
    state.download_button(frame, "Download CSV", "x.csv", key="masked")
    monkeypatch.setattr(state, "masked", lambda: False)
    state.download_button(frame, "Download CSV", "x.csv", key="plain")
    assert callable(buttons["masked"]) and callable(buttons["plain"])
    hidden, shown = buttons["masked"]().decode(), buttons["plain"]().decode()
    assert "r1" not in hidden and "012345678" not in hidden and "F1" not in hidden
    assert "r1;r2" in shown and "F1" in shown


def test_loaded_bundle_keeps_the_fitted_model_to_explain_pairs(
    loaded: DashboardData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The model the resolution fitted explains pairs; the dashboard does not fit a second one."""
    kept_model = loaded.opened.kept_scorer
    assert kept_model is not None

    def refit(*args: object, **kwargs: object) -> None:
        raise AssertionError("the dashboard fitted the model again")

    monkeypatch.setattr("kinlink.graph.resolve.fit", refit)
    assert loaded.scorer() is kept_model
    assert loaded.matches is not None
    pair = loaded.matches.iloc[0]
    kept = review.explain(kept_model, pair["record_id_l"], pair["record_id_r"])
    # the probability is the one the resolver gave the pair
    assert kept.iloc[-1]["probability"] == pytest.approx(pair["probability"], rel=1e-6)
