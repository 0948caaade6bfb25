"""Resolver settings: one frozen dataclass, validated all at once."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal, get_args

import numpy as np

from kinlink.errors import SettingsError

LinkType = Literal["dedupe", "link_only"]


@dataclass(frozen=True)
class ResolverSettings:
    """Thresholds and sizes of the resolver.

    Attributes
    ----------
    link_type : {"dedupe", "link_only"}
        ``link_only`` links records across sources only (two records of one source are always
        different people), as when linking two files.
    unique_sources : tuple of str
        Sources known to hold each person once (a clean roster): two records of one of them
        are never one person. ``("ALL",)`` is ``link_only``. Compared upper-cased, as the
        loader writes sources.
    match_threshold : float
        Pairs at or above this probability are merged (subject to the constraints).
    conflict_probability : float
        Two clusters are not merged when a record of one and a record of the other score below it.
    review_probability : float
        Pairs at or above it are kept in ``Resolution.matches`` for review.
    window : int
        Sorted-neighbourhood window of the blocking keys (pairs per record per key).
    u_sample_pairs : int
        Random pairs used to estimate u.
    em_max_iterations, em_tolerance
        EM stopping rules.
    term_frequency : bool
        Adjust exact name and birth-date agreement by the value's frequency.
    tf_max_bits : float
        Cap (in bits, either way) of one field's term-frequency adjustment. A value's frequency
        falls as 1/N while the level's u among the candidates does not, so without a cap the
        bonus of a rare name or birth date grows with the bundle (3.3 bits per field from 40k
        to 400k records) until two such fields outweigh two entirely different surnames.
    family_constraints : bool
        Same family unit + same source means different people.
    detach_weak_bridges : bool
        Cut a person whose records are the only link between two families when nothing but
        names ties the two sides (:mod:`.bridges`); needs ``family_constraints``.
    family_boost_bits, family_anchor_probability
        Log2-odds added to a pair whose two family units are linked by another pair scoring at
        least ``family_anchor_probability``.
    veto_bits : float
        A pair with one field weighing -veto_bits or less (different A-numbers, different
        birth dates, as the fitted model judges them) and a probability under 0.5 is never put
        in one person (no chaining through a sparse record), unless an analyst said "same".
    veto_fields : tuple of str
        The comparisons that may veto: identifiers, whose disagreement means two people.
        Descriptive fields (nationality, sex, phone, names) are recorded wrong often enough
        that their disagreement only weighs against a pair, as the model says.
    corroborated_fields : tuple of str
        Comparisons on which two clusters are never merged when each has two records agreeing
        on a value and the two values disagree outright (the comparison's *else* level):
        :class:`~kinlink.graph.resolve.cluster.Corroboration`. A person has one birth date;
        a second A-number or passport is possible, so identifiers are not in the default.
    join_coherence : float
        A merge of two clusters, one of them with two or more records, needs at least this
        share of their cross record pairs to score 0.5 or more (more likely one person than
        two): a record joins a person by agreeing with most of its records, not through one
        (a namesake who shares only the birth date of one record of the person). 0: off.
    ambiguity_bits : float
        A record that fits a conflicting person within this many bits of the person it joined
        is left on its own (0: off).
    max_component : int
        Components up to this size get every inner pair scored before clustering, in one
        batch; a bigger one has each merge's cross pairs scored when the merge is tried. In a
        2M-record bundle, 149 components exceed 60 records and one exceeds 400.
    guard_min_records, guard_factor, guard_agreement
        The size guard (:mod:`.size_guard`): a person may hold more than
        ``max(guard_min_records, guard_factor * q)`` records (``q``: the 99.9th percentile of
        the sizes of the groups deterministic rules form) only if at least ``guard_agreement``
        of its record pairs are matches; otherwise it is split at its weakest links.
    unique_best_probability : float
        Between two sources that hold each person once (``unique_sources``, ``link_only``),
        a pair scoring at least this whose records are each other's best candidate is joined
        even below ``match_threshold`` (:mod:`.one_to_one`).
    near_miss_probability : float
        Pairs of records left in two persons that score at least this are kept in
        ``Resolution.uncertain`` as near misses.
    chunk_pairs : int
        Pairs compared per chunk (memory).
    workers : int
        Threads for rapidfuzz (-1: all cores).
    seed : int
        Seed of the random pairs.

    Examples
    --------
    >>> ResolverSettings(match_threshold=0.8).match_threshold
    0.8
    >>> ResolverSettings(match_threshold=2.0, window=0)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    kinlink.errors.SettingsError: invalid resolver settings:
    match_threshold must be in (0, 1), got 2.0; window must be >= 1, got 0
    """

    link_type: LinkType = "dedupe"
    unique_sources: tuple[str, ...] = ()
    match_threshold: float = 0.9
    conflict_probability: float = 0.001
    review_probability: float = 0.2
    window: int = 8
    u_sample_pairs: int = 100_000
    em_max_iterations: int = 40
    em_tolerance: float = 1e-5
    term_frequency: bool = True
    tf_max_bits: float = 7.0
    family_constraints: bool = True
    detach_weak_bridges: bool = True
    family_boost_bits: float = 3.0
    family_anchor_probability: float = 0.95
    veto_bits: float = 10.0
    veto_fields: tuple[str, ...] = ("dob", "a_number", "other_id")
    corroborated_fields: tuple[str, ...] = ("dob",)
    join_coherence: float = 0.5
    ambiguity_bits: float = 2.0
    max_component: int = 500
    guard_min_records: int = 10
    guard_factor: float = 3.0
    guard_agreement: float = 0.8
    near_miss_probability: float = 0.5
    unique_best_probability: float = 0.5
    chunk_pairs: int = 1_000_000
    workers: int = -1
    seed: int = 42

    def __post_init__(self) -> None:
        problems = []
        if self.link_type not in get_args(LinkType):
            allowed = get_args(LinkType)
            problems.append(f"link_type must be one of {allowed}, got {self.link_type!r}")
        for name in (
            "match_threshold",
            "conflict_probability",
            "review_probability",
            "family_anchor_probability",
            "em_tolerance",
            "guard_agreement",
            "near_miss_probability",
            "unique_best_probability",
        ):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not 0 < value < 1:
                problems.append(f"{name} must be in (0, 1), got {value!r}")
        for name, low in (
            ("window", 1),
            ("u_sample_pairs", 1000),
            ("em_max_iterations", 1),
            ("max_component", 2),
            ("guard_min_records", 2),
            ("chunk_pairs", 1000),
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value < low:
                problems.append(f"{name} must be >= {low}, got {value!r}")
        if not isinstance(self.guard_factor, int | float) or self.guard_factor < 1:
            problems.append(f"guard_factor must be >= 1, got {self.guard_factor!r}")
        if not isinstance(self.join_coherence, int | float) or not 0 <= self.join_coherence <= 1:
            problems.append(f"join_coherence must be in [0, 1], got {self.join_coherence!r}")
        for name in ("ambiguity_bits", "tf_max_bits"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or value < 0:
                problems.append(f"{name} must be >= 0, got {value!r}")
        if not isinstance(self.unique_sources, tuple | list) or not all(
            isinstance(name, str) and name.strip() for name in self.unique_sources
        ):
            problems.append(
                f"unique_sources must be a tuple of source names, got {self.unique_sources!r}"
            )
        if not isinstance(self.veto_fields, tuple | list) or not all(
            isinstance(name, str) for name in self.veto_fields
        ):
            problems.append(f"veto_fields must be a tuple of names, got {self.veto_fields!r}")
        if not isinstance(self.corroborated_fields, tuple | list) or not all(
            isinstance(name, str) for name in self.corroborated_fields
        ):
            problems.append(
                f"corroborated_fields must be a tuple of names, got {self.corroborated_fields!r}"
            )
        if not isinstance(self.veto_bits, int | float) or self.veto_bits <= 0:
            problems.append(f"veto_bits must be > 0, got {self.veto_bits!r}")
        if not isinstance(self.family_boost_bits, int | float) or self.family_boost_bits < 0:
            problems.append(f"family_boost_bits must be >= 0, got {self.family_boost_bits!r}")
        if (
            isinstance(self.conflict_probability, float)
            and isinstance(self.match_threshold, float)
            and self.conflict_probability >= self.match_threshold
        ):
            problems.append("conflict_probability must be below match_threshold")
        if problems:
            raise SettingsError("invalid resolver settings: " + "; ".join(problems))

    @property
    def links_only(self) -> bool:
        """Every source holds each person once (``link_only`` or ``unique_sources=("ALL",)``)."""
        return self.link_type == "link_only" or "ALL" in {
            s.strip().upper() for s in self.unique_sources
        }

    def unique_records(self, sources: np.ndarray) -> np.ndarray | None:
        """Per record, whether its source holds each person once (``None``: no such source).

        Examples
        --------
        >>> sources = np.array(["CBP", "NGO", None], dtype=object)
        >>> ResolverSettings(unique_sources=("cbp",)).unique_records(sources).tolist()
        [True, False, False]
        >>> ResolverSettings().unique_records(sources) is None
        True
        """
        if self.links_only:
            return np.ones(len(sources), dtype=bool)
        if not self.unique_sources:
            return None
        wanted = {s.strip().upper() for s in self.unique_sources}
        return np.array([str(s).strip().upper() in wanted for s in sources], dtype=bool)

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of the settings (for CLI help and config files)."""
        return [f.name for f in fields(cls)]
