"""Identity resolution: which records are the same person.

>>> from kinlink.graph.resolve import resolve, ResolverSettings, Resolution, explain_pair

Steps (one module each): :mod:`.prepare` (name keys, phonetics, nicknames), :mod:`.blocking`
(candidate pairs), :mod:`.comparisons` (declared levels) and :mod:`.compare` (their vectorised
evaluation), :mod:`.model` (Fellegi-Sunter, EM, term frequencies), :mod:`.family` and
:mod:`.cluster` (family-aware clustering), :mod:`.explain`; :mod:`.resolver` runs them.
"""

from kinlink.graph.resolve.blocking import blocking_recall
from kinlink.graph.resolve.explain import decision, explain_pair, explain_with
from kinlink.graph.resolve.resolver import (
    Resolution,
    Scorer,
    fit,
    resolution_summary,
    resolve,
    saved_scorer,
)
from kinlink.graph.resolve.settings import ResolverSettings

__all__ = [
    "Resolution",
    "ResolverSettings",
    "Scorer",
    "blocking_recall",
    "decision",
    "explain_pair",
    "explain_with",
    "fit",
    "resolution_summary",
    "resolve",
    "saved_scorer",
]
