"""Loading bundles: schema errors, row rejects, encodings, Parquet, and row accounting."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinlink.errors import SchemaError
from kinlink.loaders import load_bundle

from .conftest import write_csv


def test_minimal_bundle_loads_normalised(bundle_dir: Path) -> None:
    bundle = load_bundle(bundle_dir)
    ind = bundle.individuals
    assert ind["record_id"].tolist() == ["r1", "r2"]
    assert ind["a_number"].tolist()[0] == "012345678"
    assert ind["source"].tolist() == ["CBP", "NGO"]
    assert ind["nationality"].tolist() == ["HND", "HND"]
    assert ind["given_names_orig"].tolist() == ["José Luis", "Pepe"]
    assert ind["_line"].tolist() == [2, 3]
    assert bundle.family_units["role"].tolist() == ["HEAD", "CHILD"]
    assert bundle.rejects.empty
    assert bundle.cases.empty and bundle.hearings.empty


def test_missing_required_table_stops(tmp_path: Path) -> None:
    write_csv(tmp_path / "individuals.csv", ["record_id", "source"], [["r1", "CBP"]])
    with pytest.raises(SchemaError, match=r"family_units\.csv"):
        load_bundle(tmp_path)


def test_missing_required_column_names_file_and_column(bundle_dir: Path) -> None:
    write_csv(bundle_dir / "individuals.csv", ["record_id", "sorce"], [["r1", "CBP"]])
    with pytest.raises(SchemaError, match=r"individuals\.csv: required column 'source'"):
        load_bundle(bundle_dir)


def test_missing_input_and_unknown_file_kinds(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="no such file or folder"):
        load_bundle(tmp_path / "nope")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    with pytest.raises(SchemaError, match=r"cannot read '\.docx' files"):
        load_bundle(tmp_path / "notes.docx")


def test_bad_rows_are_rejected_with_file_line_column_reason(bundle_dir: Path) -> None:
    write_csv(
        bundle_dir / "individuals.csv",
        ["record_id", "source", "dob"],
        [
            ["r1", "CBP", "2000-01-01"],
            ["r1", "EOIR", "2000-01-01"],  # duplicate id -> line 3
            ["", "NGO", ""],  # missing id -> line 4
            ["r3", "", ""],  # missing source -> line 5
            ["r4", "NGO", "2000-02-31"],  # impossible optional date -> loaded, counted
        ],
    )
    write_csv(
        bundle_dir / "cases.csv",
        ["case_id", "record_id", "lead_case_id"],
        [["c1", "r1", "c9"], ["c2", "r404", ""], ["c1", "r1", ""]],
    )
    write_csv(bundle_dir / "hearings.csv", ["hearing_id", "case_id"], [["h1", "c1"], ["h2", "c2"]])
    bundle = load_bundle(bundle_dir)
    rejects = {(r.file, r.line, r.column): r.reason for r in bundle.rejects.itertuples()}
    assert rejects[("individuals.csv", 3, "record_id")].startswith("duplicate record_id")
    assert "line 2" in rejects[("individuals.csv", 3, "record_id")]
    assert rejects[("individuals.csv", 4, "record_id")] == "missing required value"
    assert rejects[("individuals.csv", 5, "source")] == "missing required value"
    assert rejects[("cases.csv", 3, "record_id")].startswith("unknown record_id")
    assert rejects[("cases.csv", 4, "case_id")].startswith("duplicate case_id")
    assert rejects[("hearings.csv", 3, "case_id")].startswith("unknown case_id")
    # unit rows pointing at the now-rejected r2 go too
    assert rejects[("family_units.csv", 3, "record_id")].startswith("unknown record_id")
    assert bundle.individuals["record_id"].tolist() == ["r1", "r4"]
    assert pd.isna(bundle.individuals["dob"].iloc[1])
    quality = bundle.quality.set_index(["file", "column"])["count"]
    assert quality[("individuals.csv", "dob")] == 1
    assert quality[("cases.csv", "lead_case_id")] == 1
    assert pd.isna(bundle.cases["lead_case_id"].iloc[0])


def test_ragged_rows_and_multiline_cells_keep_true_line_numbers(bundle_dir: Path) -> None:
    (bundle_dir / "individuals.csv").write_text(
        "record_id,source,given_names\n"
        'r1,CBP,"Ana\nMaría"\n'  # lines 2-3
        "r2,NGO\n"  # line 4: too few fields
        "\n"  # line 5: blank, not a row
        "r3,NGO,Luz,extra\n"  # line 6: too many fields
        "r4,NGO,Sol,\n",  # line 7: one trailing empty field is tolerated
        encoding="utf-8",
    )
    write_csv(bundle_dir / "family_units.csv", ["family_unit_id", "record_id"], [])
    bundle = load_bundle(bundle_dir)
    assert bundle.individuals["_line"].tolist() == [2, 7]
    assert bundle.individuals["given_names"].tolist() == ["Ana María", "Sol"]
    assert bundle.rejects["line"].tolist() == [4, 6]
    assert bundle.rejects["reason"].tolist() == [
        "expected 3 fields, found 2",
        "expected 3 fields, found 4",
    ]


def test_blank_lines_before_the_header_are_skipped_and_lines_stay_true(bundle_dir: Path) -> None:
    (bundle_dir / "individuals.csv").write_text(
        "\n \n"  # lines 1-2: blank, then only a space
        "record_id,source,given_names\n"  # line 3: the header
        "r1,CBP,Ana\n"  # line 4
        "r2,NGO\n",  # line 5: too few fields
        encoding="utf-8",
    )
    write_csv(bundle_dir / "family_units.csv", ["family_unit_id", "record_id"], [])
    bundle = load_bundle(bundle_dir)
    assert bundle.individuals["_line"].tolist() == [4]
    assert bundle.rejects["line"].tolist() == [5]


def test_a_missing_column_names_the_header_line_after_blank_lines(bundle_dir: Path) -> None:
    (bundle_dir / "individuals.csv").write_text("\n\nrecord_id,sorce\nr1,CBP\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"individuals\.csv: required column 'source' .*line 3"):
        load_bundle(bundle_dir)


def test_bom_and_cp1252(bundle_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = bundle_dir / "individuals.csv"
    write_csv(
        path, ["record_id", "source", "surnames"], [["r1", "CBP", "Peña"]], encoding="utf-8-sig"
    )
    assert load_bundle(bundle_dir).individuals["surnames"].tolist() == ["Peña"]
    write_csv(path, ["record_id", "source", "surnames"], [["r1", "CBP", "Peña"]], encoding="cp1252")
    bundle = load_bundle(bundle_dir)
    assert bundle.individuals["surnames"].tolist() == ["Peña"]
    assert "cp1252" in caplog.text
    assert (bundle.quality["problem"] == "not UTF-8: read as cp1252").any()


def test_parquet_tables_load_like_csv(bundle_dir: Path) -> None:
    csv_bundle = load_bundle(bundle_dir)
    for stem in ("individuals", "family_units"):
        frame = pd.read_csv(bundle_dir / f"{stem}.csv", dtype=str)
        (bundle_dir / f"{stem}.csv").unlink()
        frame.to_parquet(bundle_dir / f"{stem}.parquet")
    parquet_bundle = load_bundle(bundle_dir)
    columns = ["record_id", "a_number", "dob", "nationality", "uac"]
    pd.testing.assert_frame_equal(
        parquet_bundle.individuals[columns], csv_bundle.individuals[columns]
    )
    assert parquet_bundle.individuals["_line"].tolist() == [2, 3]


def test_both_csv_and_parquet_is_an_error(bundle_dir: Path) -> None:
    pd.read_csv(bundle_dir / "individuals.csv").to_parquet(bundle_dir / "individuals.parquet")
    with pytest.raises(SchemaError, match="both"):
        load_bundle(bundle_dir)


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
row = st.tuples(
    st.sampled_from(["r1", "r2", "r3", "", " r1 ", "r\u00e9"]), cell, cell, cell, cell
).map(list)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(row, max_size=25))
def test_every_individuals_row_is_loaded_or_rejected(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    folder = tmp_path_factory.mktemp("bundle")
    with (folder / "individuals.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "source", "given_names", "dob", "a_number"])
        writer.writerows(rows)
    write_csv(folder / "family_units.csv", ["family_unit_id", "record_id"], [])
    bundle = load_bundle(folder)
    loaded = set(bundle.individuals["_line"])
    rejected = bundle.rejects.loc[bundle.rejects["file"] == "individuals.csv", "line"]
    assert loaded.isdisjoint(rejected)
    assert len(rejected) == rejected.nunique()
    # data rows that are not blank: each one is loaded or rejected, none lost
    with (folder / "individuals.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        expected = []
        previous = reader.line_num
        for parsed in reader:
            if parsed:
                expected.append(previous + 1)
            previous = reader.line_num
    assert sorted(loaded | set(rejected)) == expected


def test_a_row_of_nul_bytes_only_is_rejected_not_skipped_as_blank(tmp_path: Path) -> None:
    """Removing NUL bytes must not turn a row into a blank line that nobody accounts for."""
    (tmp_path / "individuals.csv").write_bytes(
        b"record_id,source\n\x00\nr1,CBP\n\n\x00\x00\r\nr2,NGO\n"
    )
    (tmp_path / "family_units.csv").write_text("family_unit_id,record_id\n", encoding="utf-8")
    bundle = load_bundle(tmp_path)
    assert bundle.individuals["record_id"].tolist() == ["r1", "r2"]
    assert bundle.rejects[["line", "reason"]].values.tolist() == [
        [2, "the row held only NUL bytes"],
        [5, "the row held only NUL bytes"],
    ]  # line 4 is a real blank line: not a row
    assert bundle.rows_read["individuals"] == 4


def test_a_nul_row_after_a_carriage_return_in_a_quoted_cell_is_rejected(tmp_path: Path) -> None:
    """The fuzz test's rows=[['\\r'], ['\\x00']]: the reader counts the lone carriage return in the
    quoted cell as a line end, so the NUL row is its line 4, and must be found there."""
    (tmp_path / "individuals.csv").write_bytes(b'record_id,source\r\n"\r"\r\n\x00\r\nr1,CBP\r\n')
    (tmp_path / "family_units.csv").write_text("family_unit_id,record_id\n", encoding="utf-8")
    bundle = load_bundle(tmp_path)
    assert bundle.individuals["record_id"].tolist() == ["r1"]
    assert bundle.rejects[["line", "reason"]].values.tolist() == [
        [2, "expected 2 fields, found 1"],
        [4, "the row held only NUL bytes"],
    ]
    assert bundle.rows_read["individuals"] == 3
