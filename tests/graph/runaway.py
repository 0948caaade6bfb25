"""A bundle built to make unsupervised EM run away (shared by the guard tests).

Large families share a surname, given names come from a small pool, birth dates are known to
the year only (written 1 January) and there is no identifier: "same surname" explains the
candidate pairs better than "same person", which is what sent an unguarded fit into one person
of thousands of records on a real names-and-birth-dates benchmark.
"""

from __future__ import annotations

import random

import pandas as pd

_SYLLABLES = ["ca", "ro", "mi", "lan", "de", "su", "ber", "to", "ni", "gal", "ve", "mor", "quin"]
_GIVEN = [
    "ana",
    "maria",
    "jose",
    "juan",
    "luis",
    "rosa",
    "carmen",
    "pedro",
    "sofia",
    "mateo",
    "camila",
    "kevin",
    "dayana",
    "elvin",
    "josue",
    "wilmer",
    "yesenia",
    "brayan",
    "lucia",
    "carlos",
]


def _typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(text))
    return text[:i] + rng.choice("aeioulnrst") + text[i + 1 :]


def runaway_bundle(
    families: int = 120, size: int = 10, seed: int = 3
) -> tuple[pd.DataFrame, pd.Series]:
    """Individuals (names and a year-only birth date) and the true person of each record."""
    rng = random.Random(seed)
    rows, truth = [], []
    surnames: set[str] = set()
    while len(surnames) < families:
        surnames.add("".join(rng.choice(_SYLLABLES) for _ in range(3)))
    person = 0
    for surname in sorted(surnames):
        for _ in range(size):
            person += 1
            given, year = rng.choice(_GIVEN), rng.randint(1950, 2015)
            for _ in range(rng.randint(1, 3)):
                g = _typo(given, rng) if rng.random() < 0.2 else given
                s = _typo(surname, rng) if rng.random() < 0.05 else surname
                rows.append((f"r{len(rows):05d}", "NGO", g, s, f"{year}-01-01"))
                truth.append(f"p{person}")
    frame = pd.DataFrame(rows, columns=["record_id", "source", "given_names", "surnames", "dob"])
    frame["dob"] = pd.to_datetime(frame["dob"])
    return frame, pd.Series(truth, index=frame["record_id"])
