"""Guess a mapping from a spreadsheet's headers and a sample of its values (``kinlink mapping``).

:func:`guess_mapping` reads the input's headers and up to ``sample`` rows, places each column it
recognises (:mod:`kinlink.loaders.vocabulary`: English and Spanish headers; then the values:
A-numbers, dates, countries, sexes, relationship words), decides each date column's order from
its values, writes value maps for relationship words, and returns the mapping as TOML text with
a comment for everything it could not place or decide. The guess is meant to be read and kept:
``kinlink report INPUT --mapping mapping.toml`` uses it as written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kinlink.contract import INDIVIDUALS, LINE, NEEDED_BY, TABLES
from kinlink.loaders import normalize, workbook
from kinlink.loaders.dates import DateOrderError, parse_dates
from kinlink.loaders.read import RawTable, read_table
from kinlink.loaders.sources import TABLE_SUFFIXES, input_kind
from kinlink.loaders.vocabulary import closest_column, column_for, fold, role_of

#: Share of a column's sampled values that must read as a kind for the values to place it.
BY_VALUES = 0.8

# Surnames and given names split over two columns, joined in this order.
_SURNAME_PARTS = (
    (
        "apellido paterno",
        "primer apellido",
        "paternal surname",
        "father s last name",
        "first surname",
        "first last name",
    ),
    (
        "apellido materno",
        "segundo apellido",
        "maternal surname",
        "mother s last name",
        "second surname",
        "second last name",
    ),
)
_GIVEN_PARTS = (
    ("primer nombre", "first name", "first given name"),
    ("segundo nombre", "middle name", "middle names", "second name", "second given name"),
)
_YEAR_LAST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.]\d{4}")
_WHOLE_NAME = ("full name", "name", "nombre completo", "nombre y apellidos", "client name")


def _toml(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


@dataclass
class _Table:
    """What the guess says about one bundle table."""

    stem: str
    source: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # target -> TOML value
    comments: dict[str, list[str]] = field(default_factory=dict)  # target -> comment lines

    def place(self, target: str, value: str, *comments: str) -> None:
        self.columns[target] = value
        self.comments.setdefault(target, []).extend(c for c in comments if c)


@dataclass
class Guess:
    """A guessed mapping: its tables and the notes for the end of the file."""

    input: Path
    tables: list[_Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def toml(self) -> str:
        """The mapping file's text."""
        lines = [
            f"# kinlink mapping for {self.input.name}, guessed by `kinlink mapping` from its",
            "# headers and a sample of its values. Check it, edit it if needed, then run",
            f"#   kinlink check {self.input.name} --mapping mapping.toml",
            f"#   kinlink report {self.input.name} --mapping mapping.toml --out REPORT",
            "# The format is described in docs/own-data.md.",
            "kinlink_mapping = 1",
        ]
        for spec in self.tables:
            lines += ["", f"[{spec.stem}]"]
            if spec.source is not None:
                lines.append(f"from = {_toml(spec.source)}")
            for target, value in spec.columns.items():
                lines += [f"# {c}" for c in spec.comments.get(target, [])]
                lines.append(f"{target} = {value}")
            for target, comments in spec.comments.items():
                if target not in spec.columns:
                    lines += [f"# {c}" for c in comments]
        if self.notes:
            lines += ["", *[f"# {note}" for note in self.notes]]
        return "\n".join(lines) + "\n"


def _values(raw: RawTable, header: str, sample: int) -> pd.Series:
    return raw.frame[header].dropna().head(sample)


def _share(values: pd.Series, bad: pd.Series) -> float:
    return 1 - float(bad.mean()) if len(values) else 0.0


def _by_values(values: pd.Series) -> str | None:
    """The individuals or family column a header's values look like, or ``None``.

    Dates are tried first: ``1988-03-14`` without its hyphens would pass for an A-number.
    """
    if len(values) < 2:
        return None
    try:
        dated = parse_dates(values)
        if _share(values, dated.bad) >= BY_VALUES:
            return "date"
    except DateOrderError:
        return "date"
    checks = (
        ("a_number", lambda v: normalize.a_number(v)[1]),
        ("sex", lambda v: normalize.sex(v)[1]),
        ("nationality", lambda v: normalize.nationality(v)[1]),
        ("role", lambda v: normalize.role(v)[1]),
    )
    for name, bad in checks:
        if _share(values, bad(values)) >= BY_VALUES:
            return name
    return None


def _first_line(raw: RawTable, header: str, value: str) -> int:
    rows = raw.frame.loc[raw.frame[header] == value, LINE]
    return int(rows.iloc[0]) if len(rows) else 0


def _date_spec(raw: RawTable, header: str, sample: int) -> tuple[str, list[str]]:
    """The spec of a date column and its comments: the order the values decide, or the
    question the user must answer."""
    values = raw.frame[header].dropna()
    try:
        read = parse_dates(values)
    except DateOrderError as err:
        return _toml(raw.header(header)), [
            f"{raw.header(header)!r} holds dates whose order the values do not decide: {err}".split(
                "; "
            )[0],
            'add the format: dob = { column = "...", format = "%d/%m/%Y" } (day first) or '
            '"%m/%d/%Y" (month first)',
        ]
    comments = []
    share = _share(values, read.bad)
    if read.order in ("month-first", "day-first"):
        first = read.order == "day-first"
        deciding = next(
            (
                v
                for v in pd.unique(values)
                if (m := _YEAR_LAST.match(v.strip()))
                and (int(m[1]) > 12 if first else int(m[2]) > 12)
            ),
            None,
        )
        if deciding is not None:
            line = _first_line(raw, header, deciding)
            comments.append(f"{read.order}: '{deciding}' (line {line}) reads only that way")
        value = f"{{ column = {_toml(raw.header(header))}, format = {_toml(read.order)} }}"
    else:
        value = _toml(raw.header(header))
    if share < 1:
        comments.append(f"{share:.0%} of its {len(values)} values read as dates")
    return value, comments


def _role_spec(raw: RawTable, header: str) -> tuple[str, list[str]]:
    distinct = sorted({str(v) for v in raw.frame[header].dropna().unique()}, key=str.lower)
    known = {v: role_of(v) for v in distinct[:60]}
    mapped = {v: r for v, r in known.items() if r and v.upper() != r}
    unknown = [v for v, r in known.items() if r is None]
    comments = []
    if unknown:
        shown = ", ".join(repr(v) for v in unknown[:10])
        comments.append(f"not understood (read as no role; add them to values): {shown}")
    if len(distinct) > 60:
        comments.append(f"{len(distinct)} distinct values; the first 60 were checked")
    if not mapped:
        return _toml(raw.header(header)), comments
    pairs = ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in mapped.items())
    return f"{{ column = {_toml(raw.header(header))}, values = {{ {pairs} }} }}", comments


def _parts(headers: list[str], groups: tuple[tuple[str, ...], ...]) -> list[str]:
    """Headers that name the parts of one name field, in order (both parts, or nothing)."""
    found = []
    for words in groups:
        match = [h for h in headers if fold(h) in words]
        if not match:
            return []
        found.append(match[0])
    return found


def _people(raw: RawTable, guess: Guess, source: str | None, sample: int) -> None:
    """Place the columns of a sheet of people: individuals, and family_units from its rows."""
    people = _Table("individuals", source)
    family = _Table("family_units", "individuals")
    headers = [h for h in raw.frame.columns if h != LINE]
    placed: dict[str, str] = {}  # target -> header
    how: dict[str, str] = {}
    unplaced: list[str] = []

    surname_parts = _parts(headers, _SURNAME_PARTS)
    given_parts = _parts(headers, _GIVEN_PARTS)
    for target, parts in (("surnames", surname_parts), ("given_names", given_parts)):
        if parts:
            placed[target] = parts[0]
            how[target] = "parts"
            people.place(
                target,
                "[" + ", ".join(_toml(raw.header(p)) for p in parts) + "]",
                f"{' and '.join(repr(raw.header(p)) for p in parts)} joined",
            )
    taken = {
        h
        for t in ("surnames", "given_names")
        if how.get(t) == "parts"
        for h in (surname_parts if t == "surnames" else given_parts)
    }

    for exact in (True, False):
        for header in headers:
            if header in taken or header in placed.values():
                continue
            for stem in ("individuals", "family_units"):
                target = column_for(header, stem) if exact else closest_column(header, stem)
                if (
                    target is None
                    or target in placed
                    or (stem, target) == ("family_units", "record_id")
                ):
                    continue
                placed[target] = header
                how[target] = "header" if exact else "close header"
                break
    for header in headers:
        if header in taken or header in placed.values():
            continue
        kind = _by_values(_values(raw, header, sample))
        targets: tuple[str, ...] = {"date": ("dob", "as_of"), "role": ("role",)}.get(
            kind or "", (kind,) if kind else ()
        )
        found = next((t for t in targets if t not in placed), None)
        if found is None:
            unplaced.append(header)
            continue
        placed[found] = header
        how[found] = "values"

    whole = [h for h in unplaced if fold(h) in _WHOLE_NAME]
    for target, header in placed.items():
        note = {
            "close header": f"{raw.header(header)!r} is close to {target}'s usual headers: check",
            "values": f"{raw.header(header)!r}: placed by its values, which read as {target}",
        }.get(how[target], "")
        if how[target] == "parts":
            continue
        family_side = target in ("family_unit_id", "role")
        spec = family if family_side else people
        if target in ("dob", "as_of"):
            value, comments = _date_spec(raw, header, sample)
            spec.place(target, value, note, *comments)
        elif target == "role":
            value, comments = _role_spec(raw, header)
            spec.place(target, value, note, *comments)
        else:
            spec.place(target, _toml(raw.header(header)), note)
    if "record_id" not in placed:
        people.place(
            "record_id",
            '{ line = "R" }',
            "no id column: each row's id is R and its line (R2, R3, ...)",
        )
    if "source" not in placed:
        label = re.sub(r"[^0-9A-Za-z]+", "_", guess.input.stem).strip("_").upper() or "INTAKE"
        people.place(
            "source",
            f"{{ value = {_toml(label)} }}",
            "no source column: every row gets this source",
        )
    columns = [c.name for c in INDIVIDUALS.columns]
    people.columns = {k: people.columns[k] for k in sorted(people.columns, key=columns.index)}
    guess.tables.append(people)
    if "family_unit_id" in family.columns:
        order = ("family_unit_id", "role")
        family.columns = {k: family.columns[k] for k in order if k in family.columns}
        family.comments.setdefault("family_unit_id", []).insert(
            0, "one sheet: each person with a family value is a member of that family unit"
        )
        guess.tables.append(family)
    elif "role" in family.columns:
        guess.notes.append(
            f"{placed['role']!r} holds relationships but no column names the "
            "family: add [family_units] with family_unit_id"
        )
    for header in whole:
        guess.notes.append(
            f"{raw.header(header)!r} holds whole names: kinlink compares given names and "
            "surnames apart; split it into two columns if you can, or map it to given_names"
        )
    rest = [h for h in unplaced if h not in whole]
    if rest:
        guess.notes.append(
            "not placed (kept as attributes of each record): "
            + ", ".join(repr(raw.header(h)) for h in rest)
        )
    placed_targets = set(placed) | {"record_id", "source"}
    for (stem, name), needed in NEEDED_BY.items():
        if stem == "individuals" and name not in placed_targets:
            guess.notes.append(f"no column for {name}: {needed} cannot be found")
        if stem == "family_units" and name not in placed_targets:
            guess.notes.append(f"no family column: {needed} cannot be found")


def _score(raw: RawTable) -> int:
    """How many of a sheet's headers name individuals or family columns."""
    return sum(
        1
        for h in raw.frame.columns
        if h != LINE and (column_for(h, "individuals") or column_for(h, "family_units"))
    )


def guess_mapping(path: str | Path, *, sample: int = 2000) -> Guess:
    """Guess how to read ``path`` (a CSV or Parquet file, a workbook, or a folder).

    A folder or workbook whose tables already have the bundle's names gets a mapping that
    renames only what needs it; otherwise the table of people (the sheet or file whose headers
    name most people columns) is placed column by column, with ``family_units`` from its family
    column.

    Raises
    ------
    SchemaError
        The input cannot be read.
    """
    source = Path(path)
    kind = input_kind(source)
    guess = Guess(source)
    candidates: list[tuple[str | None, RawTable]] = []
    if kind == "file":
        candidates = [(None, read_table(source))]
    elif kind == "workbook":
        names = workbook.sheet_names(source)
        candidates = [(name, workbook.read_sheet(source, name)) for name in names]
    else:
        files = sorted(p for p in source.iterdir() if p.suffix.lower() in TABLE_SUFFIXES)
        candidates = [(p.name, read_table(p)) for p in files]
    stems = {t.stem for t in TABLES}
    bundle_like = {
        name: raw for name, raw in candidates if name and Path(name).stem.lower() in stems
    }
    if "individuals" in {Path(n).stem.lower() for n in bundle_like}:
        for name, raw in bundle_like.items():
            stem = Path(name).stem.lower()
            spec = _Table(stem, name if kind == "workbook" else None)
            for header in (h for h in raw.frame.columns if h != LINE):
                target = closest_column(header, stem)
                if target and target != header:
                    spec.place(target, _toml(raw.header(header)))
            guess.tables.append(spec)
        guess.notes.append("the tables already have the bundle's names: check the renames above")
        return guess
    if not candidates:
        guess.notes.append(f"{source}: no CSV, Parquet or workbook sheet to read")
        return guess
    chosen, raw = max(candidates, key=lambda c: _score(c[1]))
    _people(raw, guess, chosen if kind != "file" else None, sample)
    others = [n for n, _ in candidates if n != chosen and n is not None]
    if others:
        guess.notes.append(
            "also here, not read: "
            + ", ".join(repr(n) for n in others)
            + " (a [cases] or [hearings] section with from = ... reads one)"
        )
    return guess


__all__ = ["Guess", "guess_mapping"]
