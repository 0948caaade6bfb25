"""``kinlink cypher`` and ``kinlink export`` end to end (in process, on a tiny bundle)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from kinlink.cli import main
from kinlink.graph.export import FalkorEngine


def _csv(path: Path, text: str) -> None:
    path.write_text(text.strip() + "\n", encoding="utf-8")


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A mother in Mexico and her son in the U.S., one MPP case each in two courts."""
    folder = tmp_path / "bundle"
    folder.mkdir()
    _csv(
        folder / "individuals.csv",
        """
record_id,source,given_names,surnames,dob,nationality,country_of_location,as_of
R1,CBP,Ana,Lopez,1990-01-02,HND,MEX,2020-01-01
R2,CBP,Luis,Lopez,2012-03-04,HND,USA,2020-02-01
""",
    )
    _csv(folder / "family_units.csv", "family_unit_id,record_id,role\nU1,R1,HEAD\nU1,R2,CHILD")
    _csv(
        folder / "cases.csv",
        """
case_id,record_id,lead_case_id,court,mpp,status
C1,R1,,El Paso,true,PENDING
C2,R2,C1,Houston,true,PENDING
""",
    )
    return folder


def _servers() -> set[str]:
    """Process ids of this process's live redis-server children."""
    me = str(os.getpid())
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            comm, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = rest.split()
        if fields[1] == me and fields[0] != "Z" and "redis-server" in comm:
            pids.add(stat.parent.name)
    return pids


def test_saved_query_to_csv(bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out" / "sep.csv"
    before = _servers()
    code = main(
        ["cypher", str(bundle), "separated_families", "--resolver", "exact", "--csv", str(out)]
    )
    assert code == 0
    df = pd.read_csv(out, dtype=str)
    assert df["codes"].tolist() == ["COURT_SPLIT;LOCATION_SPLIT"]
    assert df["record_ids"].tolist() == ["R1;R2"]
    assert "COURT_SPLIT;LOCATION_SPLIT" in capsys.readouterr().out
    assert _servers() == before  # the embedded server kinlink started was stopped


def test_free_text_query_with_parameters(bundle: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(
        [
            "cypher",
            str(bundle),
            "--query",
            "MATCH (r:Record) WHERE r.dob < $born RETURN r.key AS record ORDER BY record",
            "--param",
            "born=2000-01-01",
            "--resolver",
            "exact",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "R1" in out and "R2" not in out


def test_write_query_is_refused(bundle: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["cypher", str(bundle), "--query", "MATCH (n) DETACH DELETE n"])
    assert code == 2
    assert "only read-only queries" in capsys.readouterr().err


def test_bad_parameter_stops_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # the bundle does not even exist: the parameter check comes first
    code = main(["cypher", str(tmp_path / "nope"), "linked_cases", "--param", "case=C1"])
    assert code == 2
    assert "unknown parameter" in capsys.readouterr().err


def test_list(capsys: pytest.CaptureFixture) -> None:
    assert main(["cypher", "--list"]) == 0
    out = capsys.readouterr().out
    assert "shortest_chain(from_person, to_person)" in out


def test_export_to_a_running_falkordb_then_query_it(
    bundle: Path, server: FalkorEngine, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    target = ["--falkordb", server.address, "--graph", "cli_export"]
    args = ["export", str(bundle), *target, "--resolver", "exact"]
    assert main(args) == 0
    assert main(args) == 0  # idempotent
    engine = server.with_graph("cli_export")
    try:
        assert engine.run("MATCH (n:Record) RETURN count(n)").rows == [[2]]
        assert engine.run("MATCH ()-[r:RIDES_ON]->() RETURN count(r)").rows == [[1]]
        assert "exported" in capsys.readouterr().out
        # the kept graph is queried without a bundle
        out = tmp_path / "joint.csv"
        assert main(["cypher", "separated_families", *target, "--csv", str(out)]) == 0
        assert pd.read_csv(out, dtype=str)["record_ids"].tolist() == ["R1;R2"]
    finally:
        engine.drop_graph()
        engine.close()


def test_neo4j_password_only_from_the_environment(
    bundle: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv("KINLINK_NEO4J_PASSWORD", raising=False)
    code = main(["export", str(bundle), "--neo4j-uri", "bolt://127.0.0.1:1", "--resolver", "exact"])
    assert code == 2
    assert "KINLINK_NEO4J_PASSWORD" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", str(bundle), "--neo4j-uri", "bolt://x", "--password", "secret"])
