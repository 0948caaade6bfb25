"""``kinlink import-eoir`` on the release-shaped fixture: row accounting, mapping, the analyses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

import kinlink
from kinlink.cli import main
from kinlink.errors import SchemaError
from kinlink.loaders import load_bundle
from kinlink.loaders.eoir import import_release

from .conftest import DATA, write_release

EXPECTED_REJECTS = [
    ("A_TblCase.csv", 9, "", "expected 39 fields, found 5"),
    ("A_TblCase.csv", 13, "IDNCASE", "duplicate IDNCASE (first at line 10)"),
    ("A_TblCase.csv", 14, "", "expected 39 fields, found 40"),
    ("B_TblProceeding.csv", 9, "IDNCASE", "unknown IDNCASE (not in A_TblCase.csv)"),
    ("B_TblProceeding.csv", 10, "", "expected 38 fields, found 39"),
    ("tbl_Lead_Rider.csv", 6, "IDNRIDERCASE", "unknown IDNRIDERCASE (not in A_TblCase.csv)"),
    ("tbl_schedule.csv", 9, "IDNCASE", "unknown IDNCASE (not in A_TblCase.csv)"),
]
KEPT = ["1001", "1002", "1003", "2001", "2002", "4001", "4002", "4003", "4005", "4006", "4007"]
LEFT_OUT = ["3001", "3002", "3003", "5001", "5002"]


@pytest.fixture(scope="module")
def bundle(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eoir_bundle") / "bundle"
    import_release(release, out)
    return out


@pytest.fixture(scope="module")
def bundle_all(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eoir_bundle_all") / "bundle"
    import_release(release, out, scope="all")
    return out


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _summary(bundle: Path) -> dict:
    return json.loads((bundle / "import_summary.json").read_text())


def test_every_release_row_is_loaded_rejected_or_counted(bundle: Path) -> None:
    rejects = _csv(bundle / "import_rejects.csv")
    got = [(f, int(line), c, r) for f, line, c, r in rejects.itertuples(index=False)]
    assert got == EXPECTED_REJECTS
    summary = _summary(bundle)
    read = {f["file"]: f["rows_read"] for f in summary["files"]}
    rejected = rejects.groupby("file").size().to_dict()
    left_out = summary["left_out_by_scope"]
    loaded = {
        "A_TblCase.csv": len(_csv(bundle / "individuals.csv")),
        "tbl_schedule.csv": len(_csv(bundle / "hearings.csv")),
        "B_TblProceeding.csv": int(_csv(bundle / "cases.csv")["proceedings"].astype(int).sum()),
    }
    assert left_out == {
        "A_TblCase.csv": 5,
        "B_TblProceeding.csv": 3,
        "tbl_schedule.csv": 1,
        "A_TblCaseIdentifier.csv": 2,  # 3001 FA and 5001 MP
        "tbl_Lead_Rider.csv": 0,  # 3001's links are severed, inactive or rejected
    }
    for file, n in loaded.items():
        assert read[file] == n + rejected.get(file, 0) + left_out[file], file
    links = read["tbl_Lead_Rider.csv"]
    unused = summary["counts"]["lead/rider links inactive or severed (not used)"]
    assert links == 3 + unused + rejected["tbl_Lead_Rider.csv"]  # 3 counting links


def test_count_txt_reports_rows_that_went_missing(bundle: Path) -> None:
    checked = _summary(bundle)["count_txt"]
    assert checked["tbl_schedule.csv"] == {"published": 9, "read": 7, "missing": 2}
    assert checked["A_TblCase.csv"]["missing"] == 0
    assert checked["B_TblProceeding.csv"] == {"published": 17, "read": 17, "missing": 0}


def test_release_defects_are_detected_per_file(bundle: Path) -> None:
    files = {f["file"]: f for f in _summary(bundle)["files"]}
    assert {f["delimiter"] for f in files.values()} == {"tab"}
    assert files["tblLanguage.csv"]["encoding"] == "cp1252"
    assert files["A_TblCase.csv"]["encoding"] == "cp1252"
    assert files["tbl_schedule.csv"]["encoding"] == "utf-8"
    assert files["tbl_schedule.csv"]["nul_bytes"] == 2
    assert files["tbl_schedule.csv"]["blank_lines"] == 1
    assert "tblDecCode.csv" not in files  # a different table: never read as decisions


def test_individuals_nationality_language_and_no_identifying_columns(bundle: Path) -> None:
    people = _csv(bundle / "individuals.csv").set_index("record_id")
    assert sorted(people.index) == KEPT
    assert not {"given_names", "surnames", "a_number", "dob"} & set(people.columns)
    assert set(people["source"]) == {"EOIR"}
    assert list(people.loc["1003", ["nationality", "language", "sex"]]) == ["GTM", "K'ICHÉ", "M"]
    assert people.loc["1002", ["nationality", "language"]].tolist() == ["HND", "SPANISH"]  # 'HO '
    assert people.loc["2001", "nationality"] == "SLV"  # EOIR's ES is El Salvador, not Spain
    assert people.loc["4003", "nationality"] == ""  # SOVIET UNION has no ISO code
    assert people.loc["4003", "sex"] == ""


def test_cases_mpp_basis_decisions_and_courts(bundle: Path) -> None:
    cases = _csv(bundle / "cases.csv").set_index("case_id")
    assert sorted(cases.index) == KEPT
    columns = ["mpp", "mpp_basis", "mpp_location_in", "status", "decision", "court", "court_name"]
    expect = {
        "1001": ("true", "both", "proceeding;hearing", "PENDING", "", "MPL", "MPP LAREDO"),
        "1002": ("true", "identifier", "", "PENDING", "", "HLG", "HARLINGEN IMMIGRATION COURT"),
        "1003": (
            "true",
            "both",
            "proceeding;hearing",
            "IN_ABSENTIA",
            "Removed",
            "MPL",
            "MPP LAREDO",
        ),
        "2001": ("true", "location", "proceeding;hearing", "PENDING", "", "MPB", "MPP BROWNSVILLE"),
        "2002": ("false", "", "", "PENDING", "", "MIA", "MIAMI IMMIGRATION COURT"),
        "4001": ("true", "location", "hearing", "PENDING", "", "ELP", "EL PASO IMMIGRATION COURT"),
        "4002": (
            "true",
            "identifier",
            "",
            "RELIEF_GRANTED",
            "Relief Granted",
            "HLG",
            "HARLINGEN IMMIGRATION COURT",
        ),
        "4003": ("true", "identifier", "", "", "", "HLG", "HARLINGEN IMMIGRATION COURT"),
        "4005": (
            "true",
            "identifier",
            "",
            "CLOSED",
            "Administrative Closing",
            "HOU",
            "HOUSTON IMMIGRATION COURT",
        ),
        "4006": (
            "true",
            "identifier",
            "",
            "PENDING",
            "Transfer",
            "HOU",
            "HOUSTON IMMIGRATION COURT",
        ),
        "4007": (
            "true",
            "identifier",
            "",
            "TERMINATED",
            "Terminated",
            "HOU",
            "HOUSTON IMMIGRATION COURT",
        ),
    }
    for case, values in expect.items():
        assert tuple(cases.loc[case, columns]) == values, case
    assert cases.loc["1001", "base_city_name"] == "SAN ANTONIO, TX"  # BASE_CITY, not "IMMIGR..."
    assert cases.loc["1002", ["lead_case_id", "nta_date"]].tolist() == ["1001", "2019-04-20"]
    assert cases.loc["1003", ["status_date", "decision_code"]].tolist() == ["2020-01-15", "X"]
    assert cases.loc["4003", "decision_code"] == "Q"
    assert cases.loc["4006", ["other_comp", "decision_code"]].tolist() == ["T", ""]
    assert cases.loc[["1001", "1002", "2001", "4001"], "eoir_family_unit"].tolist() == [
        "true",
        "true",
        "false",
        "false",
    ]
    assert cases.loc[["1001", "2001"], "dedicated_docket"].tolist() == ["false", "true"]
    assert cases.loc[["2001", "4001"], "ferm"].tolist() == ["false", "true"]
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
            "court": "MPL",
            "type": "MASTER",
            "result": "ADJOURNED",
        },
        "602": {
            "case_id": "1003",
            "date": "2020-01-15",
            "court": "MPL",
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
            "court": "ENP",
            "type": "MASTER",
            "result": "CANCELLED",
        },
        "605": {
            "case_id": "2001",
            "date": "2021-08-01",
            "court": "MPB",
            "type": "MASTER",
            "result": "",
        },
    }


def test_all_keeps_every_case_and_still_keeps_cfr_and_test_location_out_of_mpp(
    bundle_all: Path,
) -> None:
    cases = _csv(bundle_all / "cases.csv").set_index("case_id")
    assert sorted(cases.index) == sorted(KEPT + LEFT_OUT)
    assert cases.loc[LEFT_OUT, "mpp"].tolist() == ["false"] * 5
    summary = _summary(bundle_all)
    assert summary["scope"] == "all" and summary["left_out_by_scope"] == {}
    assert (
        summary["counts"]["credible-fear reviews with an MPP identifier or location (not MPP)"] == 1
    )
    assert "MPP" not in summary["mpp_hearing_locations"]
    assert len(_csv(bundle_all / "hearings.csv")) == 6


def test_report_flags_the_split_and_mixed_nationality_families(
    bundle: Path, tmp_path: Path
) -> None:
    loaded = load_bundle(bundle)
    assert loaded.rejects.empty
    assert len(loaded.individuals) == len(KEPT) and len(loaded.hearings) == 5
    kinlink.open(bundle).report(tmp_path / "report")
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


def test_without_lookup_the_packaged_codes_decode(tmp_path: Path) -> None:
    release = write_release(tmp_path / "release", lookups=False)
    summary = import_release(release, tmp_path / "b")
    assert summary.sources == {"mpp_locations": "packaged", "nationality": "packaged"}
    people = _csv(tmp_path / "b" / "individuals.csv").set_index("record_id")
    assert people.loc[["1001", "1003", "2001", "4005"], "nationality"].tolist() == [
        "HND",
        "GTM",
        "SLV",
        "VEN",
    ]
    cases = _csv(tmp_path / "b" / "cases.csv").set_index("case_id")
    assert cases.loc[["1001", "2001", "4001"], "mpp_basis"].tolist() == [
        "both",
        "location",
        "location",
    ]
    # without tblLookupCourtDecision only long-established DEC_CODEs decode; OTHER_COMP never
    assert cases.loc[["1003", "4007", "4002", "4005"], "status"].tolist() == [
        "IN_ABSENTIA",
        "TERMINATED",
        "",
        "",
    ]
    assert summary.counts["decision codes with no known meaning (status left empty)"] == 4


def test_tables_are_found_at_any_depth_and_once(release: Path, tmp_path: Path) -> None:
    moved = tmp_path / "zip"
    shutil.copytree(release, moved / "EOIR Case Data (1)")
    assert import_release(moved, tmp_path / "b").counts["cases"] == len(KEPT)
    shutil.copy(release / DATA / "A_TblCase.csv", moved / "A_TblCase.csv")
    with pytest.raises(SchemaError, match="table A_TblCase found more than once"):
        import_release(moved, tmp_path / "c")


def test_cli_imports_and_reports_missing_tables(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-eoir", str(release), "--out", str(tmp_path / "b"), "--all"]) == 0
    out = capsys.readouterr().out
    assert "rows rejected 7" in out and "A_TblCase.csv: 19 rows, cp1252" in out
    assert "tbl_schedule.csv: 7 rows read, Count.txt says 9" in out
    broken = tmp_path / "broken"
    shutil.copytree(release, broken)
    (broken / DATA / "B_TblProceeding.csv").unlink()
    assert main(["import-eoir", str(broken), "--out", str(tmp_path / "c")]) == 2
    assert "required table B_TblProceeding" in capsys.readouterr().err
    assert main(["import-eoir", str(tmp_path / "nowhere"), "--out", str(tmp_path / "d")]) == 2


def test_missing_required_column_is_a_schema_error(release: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(release, broken)
    path = broken / DATA / "tbl_schedule.csv"
    path.write_bytes(path.read_bytes().replace(b"IDNSCHEDULE", b"IDN_SCHED", 1))
    with pytest.raises(SchemaError, match=r"tbl_schedule.csv: required column IDNSCHEDULE"):
        import_release(broken, tmp_path / "out")


def test_optional_tables_may_be_missing(release: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in ("A_TblCase.csv", "B_TblProceeding.csv"):
        shutil.copy(release / DATA / name, bare / name)
    summary = import_release(bare, tmp_path / "b", scope="all")
    assert {"tbl_schedule", "tblLookupNationality"} <= set(summary.missing_tables)
    bundle = load_bundle(tmp_path / "b")
    assert bundle.rejects.empty and bundle.hearings.empty and bundle.family_units.empty
    cases = bundle.cases.set_index("case_id")
    assert cases.loc["1003", "status"] == "IN_ABSENTIA"
    assert cases.loc["1001", "mpp"]  # the packaged MPP locations: MPL


def test_extra_mpp_hearing_location(release: Path, tmp_path: Path) -> None:
    import_release(release, tmp_path / "b", mpp_hearing_locs=("sna",))
    cases = _csv(tmp_path / "b" / "cases.csv").set_index("case_id")
    assert cases.loc["3001", ["mpp", "mpp_basis", "mpp_location_in"]].tolist() == [
        "true",
        "location",
        "proceeding",
    ]
    assert "5001" not in cases.index  # a credible-fear review, wherever it is heard


def test_court_can_be_the_base_city(release: Path, tmp_path: Path) -> None:
    import_release(release, tmp_path / "b", court_from="base-city")
    cases = _csv(tmp_path / "b" / "cases.csv").set_index("case_id")
    assert cases.loc[["1001", "1002", "2001", "2002"], "court"].tolist() == [
        "SNA",
        "HLG",
        "HLG",
        "MIA",
    ]
    assert cases.loc["1001", "court_name"] == "SAN ANTONIO, TX"
    kinlink.open(tmp_path / "b").report(tmp_path / "report")
    separated = _csv(tmp_path / "report" / "separated_families.csv")
    codes = dict(zip(separated["record_ids"], separated["codes"], strict=True))
    assert codes == {"1001;1002;1003": "COURT_SPLIT", "2001;2002": "COURT_SPLIT;MPP_SPLIT"}


def test_mpp_identifiers_are_read_from_the_lookup_however_it_spells_them(
    release: Path, tmp_path: Path
) -> None:
    """The release's tblLookUpCaseIdentifier replaces kinlink's own MPP codes, so an RM described
    as "Remain-in-México" (hyphens, an accent) must still make case 1002 an MPP case."""
    copy = shutil.copytree(release, tmp_path / "release")
    lookup = copy / "Lookup" / "tblLookUpCaseIdentifier.csv"
    header, *rows = lookup.read_bytes().decode("cp1252").splitlines()
    rows = [r.replace("Remain in Mexico", "Remain-in-México") for r in rows]
    assert any("Remain-in-México" in r for r in rows)
    lookup.write_bytes("\n".join([header, *rows, ""]).encode("cp1252"))
    summary = import_release(copy, tmp_path / "b")
    assert summary.mpp_case_ids == ["MP", "RM"]
    cases = _csv(tmp_path / "b" / "cases.csv").set_index("case_id")
    assert cases.loc["1002", ["mpp", "mpp_basis"]].tolist() == ["true", "identifier"]
