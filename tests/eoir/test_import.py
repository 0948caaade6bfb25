"""``kinlink import-eoir`` on the fixture release: row accounting, mapping, and the analyses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from kinlink.cli import main
from kinlink.errors import SchemaError
from kinlink.loaders import load_bundle
from kinlink.loaders.eoir import import_release
from kinlink.loaders.eoir.families import lead_cases
from kinlink.loaders.eoir.values import Counts
from kinlink.pipeline import run_report

EXPECTED_REJECTS = [
    ("A_TblCase.csv", 9, "", "expected 39 fields, found 5"),
    ("A_TblCase.csv", 13, "IDNCASE", "duplicate IDNCASE (first at line 10)"),
    ("A_TblCase.csv", 14, "", "expected 39 fields, found 40"),
    ("B_TblProceeding.csv", 12, "IDNCASE", "unknown IDNCASE (not in A_TblCase.csv)"),
    ("B_TblProceeding.csv", 13, "", "expected 38 fields, found 39"),
    ("tbl_Lead_Rider.csv", 6, "IDNRIDERCASE", "unknown IDNRIDERCASE (not in A_TblCase.csv)"),
    ("tbl_schedule.csv", 8, "IDNCASE", "unknown IDNCASE (not in A_TblCase.csv)"),
]


@pytest.fixture(scope="module")
def bundle(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eoir_bundle") / "bundle"
    import_release(release, out)
    return out


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_every_release_row_is_loaded_or_rejected(bundle: Path) -> None:
    rejects = _csv(bundle / "import_rejects.csv")
    got = [(f, int(line), c, r) for f, line, c, r in rejects.itertuples(index=False)]
    assert got == EXPECTED_REJECTS
    summary = json.loads((bundle / "import_summary.json").read_text())
    read = {f["file"]: f["rows_read"] for f in summary["files"]}
    rejected = rejects.groupby("file").size().to_dict()
    loaded = {
        "A_TblCase.csv": len(_csv(bundle / "individuals.csv")),
        "tbl_schedule.csv": len(_csv(bundle / "hearings.csv")),
        "B_TblProceeding.csv": int(_csv(bundle / "cases.csv")["proceedings"].astype(int).sum()),
    }
    for file, n in loaded.items():
        assert read[file] == n + rejected.get(file, 0), file
    links = read["tbl_Lead_Rider.csv"]
    used = summary["counts"]["lead/rider links inactive or severed (not used)"]
    assert links == 3 + used + rejected["tbl_Lead_Rider.csv"]  # 3 counting links


def test_release_defects_are_detected_per_file(bundle: Path) -> None:
    files = {
        f["file"]: f for f in json.loads((bundle / "import_summary.json").read_text())["files"]
    }
    assert files["B_TblProceeding.csv"]["delimiter"] == "pipe"
    assert files["A_TblCase.csv"]["delimiter"] == "tab"
    assert files["tblLanguage.csv"]["encoding"] == "cp1252"
    assert files["A_TblCase.csv"]["encoding"] == "utf-8"
    assert files["tbl_schedule.csv"]["nul_bytes"] == 2


def test_individuals_have_no_identifying_columns(bundle: Path) -> None:
    people = _csv(bundle / "individuals.csv").set_index("record_id")
    assert not {"given_names", "surnames", "a_number", "dob"} & set(people.columns)
    assert set(people["source"]) == {"EOIR"}
    assert list(people.loc["1003", ["nationality", "language", "sex"]]) == ["GTM", "K'ICHÉ", "M"]
    assert people.loc["2001", "nationality"] == "SLV"  # EOIR's ES is El Salvador, not Spain
    assert people.loc["4003", "nationality"] == ""  # SOVIET UNION has no ISO code
    assert people.loc["4003", "sex"] == ""


def test_cases_map_latest_proceeding_links_and_mpp(bundle: Path) -> None:
    cases = _csv(bundle / "cases.csv").set_index("case_id")
    expect = {  # court, status, status_date, nta_date, lead, mpp, basis
        "1001": (
            "LRD",
            "PENDING",
            "",
            "2019-05-02",
            "",
            "true",
            "case_identifier;proceeding_location;hearing_location",
        ),
        "1002": (
            "HLG",
            "PENDING",
            "",
            "2019-04-20",
            "1001",
            "true",
            "case_identifier;proceeding_location",
        ),
        "1003": (
            "LRD",
            "IN_ABSENTIA",
            "2020-01-15",
            "2019-05-02",
            "1001",
            "true",
            "case_identifier;proceeding_location;hearing_location",
        ),
        "2001": (
            "LRD",
            "PENDING",
            "",
            "2019-05-02",
            "",
            "true",
            "proceeding_location;hearing_location",
        ),
        "2002": ("MIA", "PENDING", "", "2019-05-02", "2001", "false", ""),
        "3002": ("", "", "", "", "", "false", ""),  # severed link; its proceeding was malformed
        "4001": ("SNA", "PENDING", "", "2019-05-02", "", "true", "hearing_location"),
        "4002": ("HLG", "RELIEF_GRANTED", "2020-03-03", "2019-05-02", "", "false", ""),
        "4003": ("HLG", "CLOSED", "2020-04-04", "2019-05-02", "", "false", ""),
    }
    columns = ["court", "status", "status_date", "nta_date", "lead_case_id", "mpp", "mpp_basis"]
    for case, values in expect.items():
        assert tuple(cases.loc[case, columns]) == values, case
    assert cases.loc["3001", "family_docket"] == "true"
    assert (cases["record_id"] == cases.index).all()


def test_family_units_come_from_counting_links_only(bundle: Path) -> None:
    units = _csv(bundle / "family_units.csv")
    assert units.values.tolist() == [
        ["EOIR-LR-1001", "1001", "HEAD"],
        ["EOIR-LR-1001", "1002", ""],
        ["EOIR-LR-1001", "1003", ""],
        ["EOIR-LR-2001", "2001", "HEAD"],
        ["EOIR-LR-2001", "2002", ""],
    ]


def test_hearings_types_and_results(bundle: Path) -> None:
    hearings = _csv(bundle / "hearings.csv").set_index("hearing_id")
    got = hearings[["case_id", "date", "court", "type", "result"]].to_dict("index")
    assert got == {
        "601": {
            "case_id": "1001",
            "date": "2019-09-01",
            "court": "LRD",
            "type": "MASTER",
            "result": "ADJOURNED",
        },
        "602": {
            "case_id": "1003",
            "date": "2020-01-15",
            "court": "LRD",
            "type": "MASTER",
            "result": "IN_ABSENTIA",
        },
        "603": {
            "case_id": "4002",
            "date": "2020-03-03",
            "court": "HLG",
            "type": "INDIVIDUAL",
            "result": "HELD",
        },
        "604": {
            "case_id": "4001",
            "date": "2019-10-10",
            "court": "LRD",
            "type": "MASTER",
            "result": "CANCELLED",
        },
        "605": {
            "case_id": "2001",
            "date": "2021-08-01",
            "court": "LRD",
            "type": "MASTER",
            "result": "",
        },
    }


def test_bundle_loads_cleanly_and_analyses_flag_the_families(bundle: Path, tmp_path: Path) -> None:
    loaded = load_bundle(bundle)
    assert loaded.rejects.empty
    assert len(loaded.individuals) == 11 and len(loaded.hearings) == 5
    run_report(bundle, tmp_path / "report")
    persons = _csv(tmp_path / "report" / "persons.csv")
    assert persons["person_id"].nunique() == len(persons)  # no names: nothing is merged

    def flags(name: str, column: str) -> dict[str, set[str]]:
        frame = _csv(tmp_path / "report" / name)
        return {
            ids: set(value.split(";"))
            for ids, value in zip(frame["record_ids"], frame[column], strict=True)
        }

    assert flags("separated_families.csv", "codes") == {
        "1001;1002;1003": {"COURT_SPLIT"},
        "2001;2002": {"COURT_SPLIT", "MPP_SPLIT"},
    }
    assert flags("joint_reprocessing.csv", "codes") == {"1001;1002;1003": {"WIND_DOWN_SPLIT"}}
    assert flags("mixed_nationality_units.csv", "nationalities") == {
        "1001;1002;1003": {"GTM", "HND"}
    }


def test_extra_mpp_hearing_location(release: Path, tmp_path: Path) -> None:
    import_release(release, tmp_path / "b", mpp_hearing_locs=("sna",))
    cases = _csv(tmp_path / "b" / "cases.csv").set_index("case_id")
    assert cases.loc["3001", "mpp"] == "true"
    assert cases.loc["3001", "mpp_basis"] == "proceeding_location"


def test_court_can_be_the_base_city(release: Path, tmp_path: Path) -> None:
    import_release(release, tmp_path / "b", court_from="base-city")
    cases = _csv(tmp_path / "b" / "cases.csv").set_index("case_id")
    assert cases.loc[["1001", "1002", "2002"], "court"].tolist() == ["SNA", "HLG", "MIA"]
    assert cases.loc["1001", "court_name"] == "SAN ANTONIO"
    run_report(tmp_path / "b", tmp_path / "report")
    separated = _csv(tmp_path / "report" / "separated_families.csv")
    codes = dict(zip(separated["record_ids"], separated["codes"], strict=True))
    assert codes == {"1001;1002;1003": "COURT_SPLIT", "2001;2002": "COURT_SPLIT;MPP_SPLIT"}


def test_cli_imports_and_reports_missing_tables(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-eoir", str(release), "--out", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "rows rejected 7" in out and "B_TblProceeding.csv: 12 rows, pipe-delimited" in out
    broken = tmp_path / "broken"
    shutil.copytree(release, broken)
    (broken / "B_TblProceeding.csv").unlink()
    assert main(["import-eoir", str(broken), "--out", str(tmp_path / "c")]) == 2
    assert "required table B_TblProceeding" in capsys.readouterr().err
    assert main(["import-eoir", str(tmp_path / "nowhere"), "--out", str(tmp_path / "d")]) == 2


def test_missing_required_column_is_a_schema_error(release: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(release, broken)
    path = broken / "tbl_schedule.csv"
    path.write_bytes(path.read_bytes().replace(b"IDNSCHEDULE", b"IDN_SCHED", 1))
    with pytest.raises(SchemaError, match=r"tbl_schedule.csv: required column IDNSCHEDULE"):
        import_release(broken, tmp_path / "out")


def test_optional_tables_may_be_missing(release: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in ("A_TblCase.csv", "B_TblProceeding.csv"):
        shutil.copy(release / name, bare / name)
    summary = import_release(bare, tmp_path / "b")
    assert {"tbl_schedule", "tblLookupNationality"} <= set(summary.missing_tables)
    bundle = load_bundle(tmp_path / "b")
    assert bundle.rejects.empty and bundle.hearings.empty and bundle.family_units.empty
    assert bundle.individuals["nationality"].isna().all()  # no lookup: never guessed from codes
    assert bundle.cases.set_index("case_id").loc["1003", "status"] == "IN_ABSENTIA"


def test_a_rider_with_several_active_leads_keeps_the_latest() -> None:
    links = pd.DataFrame(
        {
            "lead": ["1", "5", "1"],
            "rider": ["2", "2", "3"],
            "order": [7.0, 9.0, 8.0],
            "_line": [2, 3, 4],
        }
    )
    counts = Counts()
    assert lead_cases(links, counts).to_dict() == {"2": "5", "3": "1"}
    assert counts["rider cases with several active leads (latest kept)"] == 1
