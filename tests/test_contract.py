"""The one vocabulary (kinlink.contract) agrees with the loaders, the report and the generator."""

from __future__ import annotations

from pathlib import Path

import pytest

from kinlink.contract import (
    IDENTIFYING,
    LINE,
    REPORT_FILES,
    TABLES,
    identifying,
)
from kinlink.loaders import load_bundle
from kinlink.samples import records, truth

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "bundle"


def test_loaded_frames_have_the_declared_columns_in_order() -> None:
    bundle = load_bundle(SAMPLE)
    for table in TABLES:
        frame = getattr(bundle, table.stem)
        assert tuple(frame.columns) == tuple(c.name for c in table.loaded_columns)


def test_the_generator_writes_the_contract_tables() -> None:
    """The generator declares the input on its own (it is an independent implementation); the
    names must still be the contract's."""
    written = {
        "individuals": records.INDIVIDUAL_COLUMNS,
        "family_units": records.FAMILY_UNIT_COLUMNS,
        "cases": records.CASE_COLUMNS,
        "hearings": records.HEARING_COLUMNS,
    }
    for table in TABLES:
        assert tuple(written[table.stem]) == table.names


def test_truth_files_have_the_contract_columns() -> None:
    assert tuple(truth.SEPARATED_COLUMNS) == REPORT_FILES["separated_families"].contract_columns
    assert tuple(truth.MIXED_COLUMNS) == REPORT_FILES["mixed_nationality_units"].contract_columns
    assert tuple(truth.JOINT_COLUMNS) == REPORT_FILES["joint_reprocessing"].contract_columns


@pytest.mark.parametrize(
    "name",
    [
        "record_id",
        "given_names",
        "surnames",
        "given_names_orig",
        "surnames_orig",
        "a_number",
        "dob",
        "other_id",
        "phone",
        "address",
        LINE,
        "case_id",
        "hearing_id",
        "family_unit_id",
        "lead_case_id",
    ],
)
def test_identifying_columns(name: str) -> None:
    assert name in IDENTIFYING


def test_what_identifies_nobody_is_not_flagged() -> None:
    for stem, name in [
        ("individuals", "nationality"),
        ("individuals", "sex"),
        ("cases", "status"),
        ("hearings", "date"),
        ("individuals", "as_of"),
    ]:
        assert not identifying(stem, name), (stem, name)
    assert identifying("individuals", "an_extra_column")


def test_every_id_column_says_what_it_refers_to() -> None:
    for table in TABLES:
        for c in table.columns:
            assert (c.kind == "id") == (c.refers_to is not None), (table.stem, c.name)
