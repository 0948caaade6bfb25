"""A preflight of an input (``kinlink check``): how each column was read, and what failed where.

:func:`check_input` loads the input as every command would (through its mapping, if given) and
describes the result: per table, each column's origin, what it was read as, how many of its
non-empty values were read, and the first few values that were not, with their lines; then the
rows set aside (``rejects``) and what the data cannot support (:meth:`Bundle.gaps`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kinlink.csvfile import write_csv
from kinlink.loaders.bundle import Bundle, load_bundle
from kinlink.loaders.mapping import Mapping


@dataclass(frozen=True)
class CheckResult:
    """A loaded input and the text that describes it."""

    bundle: Bundle
    examples: int = 3
    mask: bool = False

    @property
    def problems(self) -> int:
        """Values read as missing plus rows set aside."""
        return len(self.bundle.unparsed) + len(self.bundle.rejects)

    def text(self) -> str:
        """The preflight report, for a terminal."""
        b = self.bundle
        out: list[str] = []
        for stem, file in b.files.items():
            reads = [r for r in b.columns if r.table == stem]
            if not reads:
                continue
            loaded = len(getattr(b, stem))
            out.append(f"{stem} ({file}): {b.rows_read.get(stem, 0)} rows read, {loaded} loaded")
            width = max(len(r.column) for r in reads)
            origin_width = min(34, max(len(r.origin) for r in reads))
            for r in reads:
                share = "" if r.share is None else f"{r.share:6.1%}"
                counts = f"{r.usable:>7} of {r.present:<7}" if r.present else " " * 18
                out.append(
                    f"  {r.column:<{width}}  {r.origin:<{origin_width}}  {r.how:<24} "
                    f"{counts} {share}".rstrip()
                )
                bad = b.unparsed[
                    (b.unparsed["file"] == r.file) & (b.unparsed["column"] == r.column)
                ]
                for row in bad.head(self.examples).itertuples(index=False):
                    value = "" if self.mask else f" {str(row.value)!r}"
                    out.append(f"  {'':<{width}}    line {row.line}:{value} {row.problem}")
                if len(bad) > self.examples:
                    out.append(f"  {'':<{width}}    ... {len(bad) - self.examples} more")
            out.append("")
        rejects = b.rejects
        if len(rejects):
            out.append(f"rows set aside ({len(rejects)}; a report lists them in rejects.csv):")
            for row in rejects.head(10).itertuples(index=False):
                out.append(f"  {row.file}, line {row.line}, {row.column or 'row'}: {row.reason}")
            if len(rejects) > 10:
                out.append(f"  ... {len(rejects) - 10} more")
            out.append("")
        gaps = b.gaps()
        if gaps:
            out.append("what this data cannot support:")
            out += [f"  {gap}" for gap in gaps]
            out.append("")
        total = len(b.unparsed)
        out.append(
            f"{total} value{'s' if total != 1 else ''} read as missing, {len(rejects)} "
            f"row{'s' if len(rejects) != 1 else ''} set aside"
            + ("" if total or len(rejects) else ": everything was read")
        )
        return "\n".join(out)

    def unparsed(self) -> pd.DataFrame:
        """Every value read as missing, with its file, line and column (no value when masked)."""
        frame = self.bundle.unparsed
        return frame.drop(columns="value") if self.mask else frame

    def write_unparsed(self, path: str | Path) -> None:
        """Write :meth:`unparsed` as CSV (spreadsheet-safe, :mod:`kinlink.csvfile`)."""
        write_csv(self.unparsed(), path)


def check_input(
    path: str | Path,
    *,
    mapping: Mapping | str | Path | None = None,
    examples: int = 3,
    mask: bool = False,
) -> CheckResult:
    """Load ``path`` as every command would, for :meth:`CheckResult.text`.

    Raises
    ------
    SchemaError, MappingError
        As :func:`~kinlink.loaders.load_bundle`: the input cannot be read as a bundle.
    """
    return CheckResult(load_bundle(path, mapping=mapping), examples=examples, mask=mask)
