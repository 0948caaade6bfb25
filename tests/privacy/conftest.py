"""The privacy tests' bundle and the scan every masked output goes through.

:func:`identifiers` collects what must never leave a masked run: every name token, A-number (as
written and as its 9 digits), date of birth, raw record, case, hearing and unit id, and city of
the input. :func:`leaks` scans texts for them, and for line numbers (``line 12``, a ``line``
column holding numbers) and whole dates (a masked output cuts dates to the month). The scan is
by content, not by file name: a new output file is scanned like the old ones.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from kinlink.csvfile import read_csv
from kinlink.queries.flags import RULES
from kinlink.samples.generator import generate_bundle

KEY_ENV = "KINLINK_MASK_KEY"
HOSTILE_ROWS = (
    # a duplicate record_id, an impossible date of birth, an A-number with letters, a row with
    # too few fields, dates out of range (year 1450 and 9185: issue 15)
    "{dup},CBP,A-123-456-789,Wilfredo Anselmo,Quintanilla Zúniga,1983-02-30,M,HND,,MEX,,,,,,,,\n"
    "HOSTILE-2,CBP,A12345X789,Eustaquia,Barahona,31/12/1990,F,HND,,MEX,,2020-01-01,,,,,,\n"
    "HOSTILE-3,NGO,A-999-888-777\n"
    "HOSTILE-4,EOIR,,Hermenegilda,Ocampo Ruiz,1450-03-02,F,GTM,,USA,,9185-10-14,,,,,,\n"
)
NORMALISED_HOSTILE = ("123456789", "999888777")
#: Dates that may appear whole: those of the policy documents the flags cite.
CITATION_DATES = frozenset(rule.source.date for rule in RULES.values())


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated bundle (600 records) with a few hostile rows, some of them rejected."""
    folder = tmp_path_factory.mktemp("privacy") / "bundle"
    generate_bundle(folder, 600, seed=8)
    ind = folder / "individuals.csv"
    first_id = pd.read_csv(ind, dtype=str, nrows=1)["record_id"].iloc[0]
    with open(ind, "a", encoding="utf-8") as fh:
        fh.write(HOSTILE_ROWS.format(dup=first_id))
    return folder


@dataclass(frozen=True)
class Identifiers:
    """What a masked output must not contain."""

    names: set[str]
    anums: set[str]
    dobs: set[str]
    dob_digits: set[str]
    ids: set[str]
    cities: set[str]


def _table(bundle: Path, stem: str) -> pd.DataFrame:
    return pd.read_csv(bundle / f"{stem}.csv", dtype=str, keep_default_na=False)


def identifiers(bundle: Path) -> Identifiers:
    """Every identifying value of ``bundle`` (place words and shared dates left out, see below)."""
    ind = _table(bundle, "individuals")
    cases, hearings, units = (_table(bundle, s) for s in ("cases", "hearings", "family_units"))
    names = {
        tok.lower()
        for col in ("given_names", "surnames")
        for cell in ind[col]
        for tok in re.split(r"[\s\-']+", cell)
        if len(tok) >= 3
    }
    # words of courts (San Antonio, Ciudad Juárez) are legitimately in the report
    courts = set(cases["court"]) | set(hearings["court"])
    court_words = {tok.lower() for cell in courts for tok in re.split(r"[\s\-']+", cell)}
    cities = {c for c in ind["location"] if c and c.lower() not in court_words}
    cities = {c for c in cities if not any(c in court for court in courts)}
    names -= court_words | {w.lower() for c in ind["location"] for w in re.split(r"[\s\-']+", c)}
    anums = {a for a in ind["a_number"] if a} | set(NORMALISED_HOSTILE)
    anums |= {d[-9:].zfill(9) for a in ind["a_number"] if len(d := re.sub(r"\D", "", a)) >= 8}
    dobs = {d for d in ind["dob"] if d}
    # the loaders keep a dob as written as YYYYMMDD digits (dob_raw): never in a masked output
    dob_digits = {digits for d in dobs if len(digits := re.sub(r"\D", "", d)) == 8}
    ids = set(ind["record_id"]) | set(cases["case_id"]) | set(cases["lead_case_id"])
    ids |= set(hearings["hearing_id"]) | set(units["family_unit_id"])
    return Identifiers(names, anums, dobs, dob_digits, ids - {""}, cities)


def texts(out: Path) -> dict[str, str]:
    """The text of every file under ``out`` (XLSX unzipped, Parquet as CSV)."""
    found: dict[str, str] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        name = str(path.relative_to(out))
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as zf:
                for part in zf.namelist():
                    found[f"{name}:{part}"] = zf.read(part).decode("utf-8", "replace")
        elif path.suffix == ".parquet":
            table = pq.read_table(path)
            found[name] = " ".join(table.column_names) + "\n" + table.to_pandas().to_csv()
        else:
            found[name] = html.unescape(path.read_text(encoding="utf-8"))
    return found


_WORDS = re.compile(r"[^\W\d_]{3,}")
_TOKENS = re.compile(r"[\w\-.]+")
_LINE = re.compile(r"\blines? \d+", re.I)
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def line_columns(name: str, frame: pd.DataFrame) -> list[str]:
    """Columns named like a line number that hold numbers."""
    bad = []
    for col in frame.columns:
        if "line" in str(col).lower():
            values = frame[col].astype(str)
            if values.str.fullmatch(r"\d+").any():
                bad.append(f"{name}: column {col!r} holds line numbers")
    return bad


def leaks(found: dict[str, str], ids: Identifiers) -> list[str]:
    """Every identifying value, line number or whole date in ``found`` (name -> text)."""
    out = []
    for name, text in found.items():
        lower = text.lower()
        out += [f"{name}: name {t!r}" for t in sorted(ids.names & set(_WORDS.findall(lower)))]
        out += [f"{name}: A-number {a!r}" for a in sorted(ids.anums) if a.lower() in lower]
        out += [f"{name}: dob {d!r}" for d in sorted(ids.dobs) if d in text]
        tokens = set(_TOKENS.findall(text)) | {t.strip(".") for t in _TOKENS.findall(text)}
        out += [f"{name}: raw id {i!r}" for i in sorted(ids.ids & tokens)]
        out += [f"{name}: dob {d!r} as digits" for d in sorted(ids.dob_digits & tokens)]
        out += [f"{name}: city {c!r}" for c in sorted(ids.cities) if c in text]
        out += [f"{name}: {m!r}" for m in sorted(set(_LINE.findall(text)))]
        out += [f"{name}: date {d}" for d in sorted(set(_DATE.findall(text)) - CITATION_DATES)]
    return out


def csv_line_columns(out: Path) -> list[str]:
    """:func:`line_columns` over every CSV and Parquet file under ``out``."""
    bad = []
    for path in sorted(out.rglob("*.csv")):
        bad += line_columns(path.name, read_csv(path))
    for path in sorted(out.rglob("*.parquet")):
        bad += line_columns(path.name, pq.read_table(path).to_pandas())
    return bad
