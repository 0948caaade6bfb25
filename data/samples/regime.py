"""Generator regimes: bundles shaped unlike the default, to measure how far the resolver carries.

The default bundle has an A-number on nearly every official record and the typo rates of
:mod:`~kinlink.samples.records`. A :class:`Regime` changes that in ways a real data set may:

- ``identifiers``: ``"all"`` (default), ``"few"`` (an A-number and an other id on one record in
  ten of those that would have one) or ``"none"`` (no A-number and no other id at all), as in
  NGO intake lists and legal-service spreadsheets;
- ``typo_rate``: a factor on every spelling error, A-number typo and wrong birth date the
  sources make (0 for none, 3 for three times as many);
- ``dob_placeholder``: the share of birth dates written as 1 January of the right year, the
  date immigration and refugee systems record when only the year is known;
- ``shuffle``: one global shuffle of the individuals rows, with record ids renumbered in the new
  order, so neither row order nor ids say which records were made together.

Identifiers and placeholder dates are applied chunk by chunk with their own random stream, so
the default stream (and a default bundle's bytes) never changes. The shuffle is a final pass
over the written tables and holds them in memory.

Examples
--------
>>> Regime().is_default, Regime(identifiers="none").is_default
(True, False)
>>> Regime(identifiers="some")
Traceback (most recent call last):
...
ValueError: identifiers must be one of ('all', 'few', 'none'), got 'some'
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import pandas as pd

from kinlink import contract

Identifiers = Literal["all", "few", "none"]
#: Share of identifiers kept under ``identifiers="few"``.
FEW = 0.1
# positions in an individuals row as the generator writes it (the contract's order)
_A_NUMBER, _DOB, _OTHER_ID = (
    contract.INDIVIDUALS.names.index(c) for c in ("a_number", "dob", "other_id")
)


@dataclass(frozen=True)
class Regime:
    """How a generated bundle departs from the default (see the module docstring)."""

    identifiers: Identifiers = "all"
    typo_rate: float = 1.0
    dob_placeholder: float = 0.0
    shuffle: bool = False

    def __post_init__(self) -> None:
        if self.identifiers not in get_args(Identifiers):
            raise ValueError(
                f"identifiers must be one of {get_args(Identifiers)}, got {self.identifiers!r}"
            )
        if not 0.0 <= float(self.typo_rate) <= 10.0:
            raise ValueError(f"typo_rate must be between 0 and 10, got {self.typo_rate!r}")
        if not 0.0 <= float(self.dob_placeholder) <= 1.0:
            raise ValueError(
                f"dob_placeholder must be between 0 and 1, got {self.dob_placeholder!r}"
            )

    @property
    def is_default(self) -> bool:
        """True when the regime changes nothing."""
        return self == Regime()

    def rate(self, p: float) -> float:
        """``p`` scaled by the typo rate (``p`` itself at rate 1, so default bytes stay).

        Examples
        --------
        >>> Regime(typo_rate=2).rate(0.03), Regime().rate(0.03)
        (0.06, 0.03)
        """
        return p if self.typo_rate == 1.0 else min(1.0, p * float(self.typo_rate))

    def apply_to_rows(self, rows: list[list[str]], rng: random.Random) -> None:
        """Thin identifiers and write placeholder birth dates, in place (one chunk's rows)."""
        keep = {"all": 1.0, "few": FEW, "none": 0.0}[self.identifiers]
        for row in rows:
            if keep < 1.0:
                for column in (_A_NUMBER, _OTHER_ID):
                    if row[column] and (keep == 0.0 or rng.random() >= keep):
                        row[column] = ""
            if self.dob_placeholder and row[_DOB] and rng.random() < self.dob_placeholder:
                row[_DOB] = row[_DOB][:4] + "-01-01"


def regime_rng(seed: int, chunk: int) -> random.Random:
    """The regime's own random stream for one chunk (independent of the default stream)."""
    state = np.random.SeedSequence([int(seed) & 0xFFFFFFFF, chunk, 0x5E61]).generate_state(2)
    return random.Random(int(state[0]) << 32 | int(state[1]))


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype(object).where(lambda f: f.notna(), "")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".parquet":
        frame.replace("", None).astype(object).to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, lineterminator="\n")


def shuffle_bundle(out: Path, fmt: str, seed: int) -> None:
    """Shuffle the individuals rows of a written bundle and renumber record ids in order.

    Every file that names a record id (family units, cases, the truth files) is rewritten with
    the new ids; the ids keep their ``SOURCE-00000001`` form, numbered per source in the new
    row order.
    """
    table = out / f"individuals.{fmt}"
    individuals = _read(table)
    order = np.random.default_rng([int(seed) & 0xFFFFFFFF, 0x5E61]).permutation(len(individuals))
    individuals = individuals.iloc[order].reset_index(drop=True)
    rank = individuals.groupby("source").cumcount() + 1
    new_ids = individuals["source"] + "-" + rank.map("{:08d}".format)
    mapping = dict(zip(individuals["record_id"], new_ids, strict=True))
    individuals["record_id"] = new_ids
    _write(individuals, table)
    for name in ("family_units", "cases"):
        path = out / f"{name}.{fmt}"
        frame = _read(path)
        frame["record_id"] = frame["record_id"].map(mapping)
        _write(frame, path)
    truth = out / "truth"
    records = pd.read_csv(truth / "records.csv", dtype=str, keep_default_na=False)
    records["record_id"] = records["record_id"].map(mapping)
    position = pd.Series(np.arange(len(new_ids)), index=new_ids.to_numpy())
    records = records.iloc[np.argsort(position.reindex(records["record_id"]).to_numpy())]
    records.to_csv(truth / "records.csv", index=False, lineterminator="\n")
    for name in ("separated_families", "mixed_nationality_units", "joint_reprocessing"):
        path = truth / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["record_ids"] = [
            ";".join(sorted(mapping[r] for r in ids.split(";") if r)) for ids in frame["record_ids"]
        ]
        frame.to_csv(path, index=False, lineterminator="\n")
