"""Helpers to write small bundles for loader tests."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

INDIVIDUALS_HEADER = [
    "record_id",
    "source",
    "a_number",
    "given_names",
    "surnames",
    "dob",
    "sex",
    "nationality",
    "country_of_location",
    "as_of",
    "uac",
]


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    """A minimal valid bundle: two records of one person in one unit."""
    write_csv(
        tmp_path / "individuals.csv",
        INDIVIDUALS_HEADER,
        [
            [
                "r1",
                "CBP",
                "A-012-345-678",
                "José Luis",
                "Pérez López",
                "2001-02-03",
                "M",
                "HND",
                "MEX",
                "2020-01-01",
                "N",
            ],
            [
                "r2",
                "ngo",
                "",
                "Pepe",
                "Perez",
                "2001-03-02",
                "m",
                "Honduras",
                "USA",
                "2021-01-01",
                "",
            ],
        ],
    )
    write_csv(
        tmp_path / "family_units.csv",
        ["family_unit_id", "record_id", "role"],
        [["U1", "r1", "head"], ["U1", "r2", "child"]],
    )
    return tmp_path
