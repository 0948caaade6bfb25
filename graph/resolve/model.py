"""Fellegi-Sunter scoring: m and u per comparison level, EM without labels, term frequencies.

* ``u`` (P(level | different people)) comes from random record pairs, which are almost all
  different people; a second pass weights each random pair by its posterior of being a
  non-match, removing the few true matches a random sample contains.
* ``m`` (P(level | same person)) and the prior ``lambda`` come from EM over the candidate pairs,
  with ``u`` fixed. EM runs over the distinct *patterns* of levels with their counts, so its cost
  does not grow with the number of pairs. Labelled pairs (analyst reviews) join the M-step with a
  fixed posterior of 1 (same) or 0 (different).
* A level flagged ``tf`` replaces its ``u`` by the frequency of the agreed value (as Splink
  does: the level's weight becomes ``log2(m / tf(value))``), so agreeing on "hernandez lopez"
  counts for less than agreeing on a rare surname.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kinlink.errors import SettingsError
from kinlink.graph.resolve.comparisons import Comparison

_FLOOR = 1e-7
#: What ``model.json`` says it is.
MODEL_KIND = "kinlink-fellegi-sunter"
MODEL_VERSION = 1


def distinct_rows(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a small-valued int matrix and their counts (rows packed into int64).

    Examples
    --------
    >>> rows, counts = distinct_rows(np.array([[1, 2], [0, 1], [1, 2]], dtype=np.int8))
    >>> rows.tolist(), counts.tolist()
    ([[0, 1], [1, 2]], [1.0, 2.0])
    """
    if not len(levels):
        return levels.reshape(0, levels.shape[1]), np.zeros(0)
    base = int(levels.max()) + 1
    weights = base ** np.arange(levels.shape[1] - 1, -1, -1, dtype=np.int64)
    # column by column (Horner): no (n, k) int64 copy of the levels
    packed = np.zeros(len(levels), dtype=np.int64)
    for j in range(levels.shape[1]):
        packed *= base
        packed += levels[:, j]
    packed.sort()
    starts = np.flatnonzero(np.r_[True, packed[1:] != packed[:-1]])
    counts = np.diff(np.r_[starts, len(packed)]).astype(float)
    distinct = packed[starts]
    rows = (distinct[:, None] // weights) % base
    return rows.astype(levels.dtype), counts


@dataclass
class FSModel:
    """Fitted parameters.

    Attributes
    ----------
    comparisons : tuple of Comparison
    m, u : list of ndarray
        Per comparison, one probability per level (the null level's are unused).
    prior : float
        P(same person) for a candidate pair.
    iterations : int
        EM iterations run.
    """

    comparisons: tuple[Comparison, ...]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float = 0.1
    iterations: int = 0
    tf_max_bits: float = 64.0
    converged: bool = False
    u_random: list[np.ndarray] | None = None  # u from random pairs, kept by estimate_u

    @classmethod
    def from_priors(cls, comparisons: tuple[Comparison, ...]) -> FSModel:
        """Start from the declared m and uniform-ish u.

        Examples
        --------
        >>> from kinlink.graph.resolve.comparisons import exact_or_else
        >>> model = FSModel.from_priors((exact_or_else("sex", m_exact=0.9),))
        >>> [round(float(x), 2) for x in model.m[0]]
        [1.0, 0.9, 0.1]
        """
        m = [np.array([lev.m for lev in c.levels], dtype=float) for c in comparisons]
        u = [np.full(len(c.levels), 1.0 / max(1, len(c.levels) - 1)) for c in comparisons]
        return cls(comparisons, m, u)

    def weights(self) -> np.ndarray:
        """``log2(m / u)`` as a ``(n_comparisons, max_levels)`` table, 0 on null levels."""
        width = max(len(c.levels) for c in self.comparisons)
        table = np.zeros((len(self.comparisons), width))
        for j, _ in enumerate(self.comparisons):
            w = np.log2(np.maximum(self.m[j], _FLOOR) / np.maximum(self.u[j], _FLOOR))
            w[0] = 0.0
            table[j, : len(w)] = w
        return table

    def log2_bayes_factors(self, levels: np.ndarray) -> np.ndarray:
        """Per pair and comparison, the weight of its level (``(n, k)`` float32)."""
        table = self.weights().astype(np.float32)
        out = np.empty(levels.shape, dtype=np.float32)
        for j in range(levels.shape[1]):
            out[:, j] = table[j][levels[:, j]]
        return out

    def total_weight(self, levels: np.ndarray) -> np.ndarray:
        """Per pair, the summed weights of its levels (float32, no ``(n, k)`` temporary)."""
        table = self.weights().astype(np.float32)
        total = np.zeros(len(levels), dtype=np.float32)
        for j in range(levels.shape[1]):
            total += table[j][levels[:, j]]
        return total

    def veto(
        self, levels: np.ndarray, bits: float, fields: tuple[str, ...] | None = None
    ) -> np.ndarray:
        """Pairs with at least one comparison (of ``fields``; all when None) weighing ``-bits``
        or less."""
        table = self.weights()
        out = np.zeros(len(levels), dtype=bool)
        for j, comp in enumerate(self.comparisons):
            if fields is None or comp.name in fields:
                out |= table[j][levels[:, j]] <= -bits
        return out

    def tf_adjustment(
        self, levels: np.ndarray, il: np.ndarray, ir: np.ndarray, tf: dict[str, np.ndarray]
    ) -> np.ndarray:
        """Per pair, the summed term-frequency adjustment (``log2(u_level / tf(value))``).

        ``tf`` maps a tf column to the frequency of each record's value (NaN if missing); the
        larger of the two sides' frequencies is used.
        """
        adjust = np.zeros(len(levels), dtype=np.float32)
        for j, comp in enumerate(self.comparisons):
            for k, lev in enumerate(comp.levels):
                if lev.tf is None or lev.tf not in tf:
                    continue
                hit = levels[:, j] == k
                if not hit.any():
                    continue
                freq = np.fmax(tf[lev.tf][il[hit]], tf[lev.tf][ir[hit]])
                u = self.u[j][k]
                freq = np.where(np.isnan(freq), u, np.maximum(freq, _FLOOR))
                bits = np.log2(max(u, _FLOOR) / freq)
                adjust[hit] += np.clip(bits, -self.tf_max_bits, self.tf_max_bits).astype(np.float32)
        return adjust

    def probability(self, log2_odds_sum: np.ndarray) -> np.ndarray:
        """Match probability from summed weights (prior included here).

        Examples
        --------
        >>> from kinlink.graph.resolve.comparisons import exact_or_else
        >>> model = FSModel.from_priors((exact_or_else("sex"),))
        >>> model.prior = 0.5
        >>> model.probability(np.array([0.0, 10.0])).round(4).tolist()
        [0.5, 0.999]
        """
        prior = np.log2(self.prior / (1 - self.prior))
        return 1.0 / (1.0 + np.exp2(-(log2_odds_sum + prior)))

    def estimate_u(self, levels: np.ndarray, not_match: np.ndarray | None = None) -> None:
        """Set ``u`` from the levels of random pairs, optionally weighted by P(not a match)."""
        weight = np.ones(len(levels)) if not_match is None else not_match
        for j, comp in enumerate(self.comparisons):
            counts = np.bincount(levels[:, j], weights=weight, minlength=len(comp.levels))
            counts[0] = 0.0
            total = counts.sum()
            if total <= 0:
                continue
            u = (counts + 0.5 * _FLOOR * max(total, 1)) / max(total, 1)
            u[0] = 1.0
            self.u[j] = np.maximum(u, _FLOOR)
        self.u_random = [u.copy() for u in self.u]

    def fit_em(
        self,
        levels: np.ndarray,
        *,
        labelled: np.ndarray | None = None,
        labels: np.ndarray | None = None,
        max_iterations: int = 40,
        tolerance: float = 1e-5,
        fix_m: tuple[str, ...] = (),
        fix_u: bool = True,
        prior_bounds: tuple[float, float] = (1e-9, 1 - 1e-9),
        pseudo_pairs: float = 0.0,
        distinct: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """Estimate ``m`` and the prior by EM over the candidate pairs' levels (``u`` fixed).

        Parameters
        ----------
        levels : ndarray
            ``(n_pairs, n_comparisons)`` level indexes.
        labelled, labels : ndarray, optional
            Levels of analyst-labelled pairs and their labels (1 same, 0 different).
        fix_m : tuple of str
            Comparisons whose m stays as declared.
        fix_u : bool
            Keep ``u`` (from random pairs); otherwise EM re-estimates it among the candidates.
            ``fix_m`` comparisons keep their ``u`` too.
        prior_bounds : (float, float)
            The prior is kept within these bounds at every iteration.
        pseudo_pairs : float
            Each M-step adds this many pseudo-pairs spread as the declared ``m`` (and, for a
            free ``u``, as the random pairs' ``u``): a level seen in a handful of pairs keeps
            weights near its declaration instead of an extreme EM drew from noise.
        distinct : (ndarray, ndarray), optional
            ``distinct_rows(levels)`` when the caller has it already (fitting again on the
            same levels): EM works on the distinct rows and their counts only.

        Notes
        -----
        ``converged`` says whether the largest change of a parameter fell below
        ``tolerance`` before ``max_iterations``.
        """
        if not len(levels) and (labelled is None or not len(labelled)):
            return  # nothing to learn from: keep the declared m and the prior
        patterns, counts = distinct if distinct is not None else distinct_rows(levels)
        fixed = np.zeros(0, dtype=float)
        if labelled is not None and labels is not None and len(labelled):
            patterns = np.vstack([patterns, labelled])
            fixed = labels.astype(float)
        n_free = len(patterns) - len(fixed)
        declared = [np.array([lev.m for lev in c.levels], dtype=float) for c in self.comparisons]
        reference = self.u_random or [u.copy() for u in self.u]
        keep = {j for j, c in enumerate(self.comparisons) if c.name in fix_m}
        self.converged = False
        for iteration in range(1, max_iterations + 1):
            log_m = np.zeros(len(patterns))
            log_u = np.zeros(len(patterns))
            for j in range(patterns.shape[1]):
                lev = patterns[:, j]
                real = lev > 0
                log_m[real] += np.log(np.maximum(self.m[j][lev[real]], _FLOOR))
                log_u[real] += np.log(np.maximum(self.u[j][lev[real]], _FLOOR))
            logit = np.log(self.prior / (1 - self.prior)) + log_m - log_u
            post = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
            post[n_free:] = fixed
            both = np.concatenate([counts, np.ones(len(fixed))])
            weight = both * post
            if not fix_u:
                self._update(patterns, both * (1 - post), self.u, reference, pseudo_pairs, keep)
            new_prior = float(weight[:n_free].sum() / counts.sum()) if n_free else self.prior
            new_prior = min(max(new_prior, prior_bounds[0]), prior_bounds[1])
            change = abs(new_prior - self.prior)
            for j, comp in enumerate(self.comparisons):
                if j in keep:
                    continue
                tally = np.bincount(patterns[:, j], weights=weight, minlength=len(comp.levels))
                tally[0] = 0.0
                if tally.sum() <= 0:
                    continue
                tally[1:] += pseudo_pairs * declared[j][1:] / declared[j][1:].sum()
                m = np.maximum(tally / tally.sum(), _FLOOR)
                m[0] = 1.0
                change = max(change, float(np.abs(m - self.m[j]).max()))
                self.m[j] = m
            self.prior = min(max(new_prior, 1e-9), 1 - 1e-9)
            self.iterations = iteration
            if change < tolerance:
                self.converged = True
                break

    def _update(
        self,
        patterns: np.ndarray,
        weight: np.ndarray,
        target: list[np.ndarray],
        reference: list[np.ndarray],
        pseudo_pairs: float,
        keep: set[int],
    ) -> None:
        """Set ``target`` (m or u) to the weighted level frequencies of the patterns, with
        ``pseudo_pairs`` spread as ``reference``; comparisons in ``keep`` stay."""
        for j, comp in enumerate(self.comparisons):
            if j in keep:
                continue
            tally = np.bincount(patterns[:, j], weights=weight, minlength=len(comp.levels))
            tally[0] = 0.0
            if tally.sum() <= 0:
                continue
            tally[1:] += pseudo_pairs * reference[j][1:] / reference[j][1:].sum()
            values = np.maximum(tally / tally.sum(), _FLOOR)
            values[0] = 1.0
            target[j] = values

    def table(self) -> list[dict[str, object]]:
        """The parameters as rows (comparison, level, m, u, weight) for logs and reports."""
        weights = self.weights()
        rows = []
        for j, comp in enumerate(self.comparisons):
            for k, lev in enumerate(comp.levels):
                rows.append(
                    {
                        "comparison": comp.name,
                        "level": lev.label,
                        "m": float(self.m[j][k]),
                        "u": float(self.u[j][k]),
                        "weight": float(weights[j, k]),
                    }
                )
        return rows

    def describe(self) -> list[str]:
        """The weights as lines a person can read: level, m, u and weight in bits.

        Examples
        --------
        >>> from kinlink.graph.resolve.comparisons import exact_or_else
        >>> model = FSModel.from_priors((exact_or_else("sex", m_exact=0.9),))
        >>> print("\\n".join(model.describe()))
        sex          exact        m=0.9      u=0.5      +0.85 bits
        sex          else         m=0.1      u=0.5      -2.32 bits
        """
        lines = []
        for row in self.table():
            if row["level"] == "null":
                continue
            lines.append(
                f"{row['comparison']:<12} {row['level']:<12} m={row['m']:<8.3g} "
                f"u={row['u']:<8.3g} {row['weight']:+.2f} bits"
            )
        return lines

    def to_dict(self, fit: dict[str, Any] | None = None) -> dict[str, Any]:
        """The fitted parameters as a JSON-ready document (``model.json``)."""
        return {
            "kind": MODEL_KIND,
            "version": MODEL_VERSION,
            "prior": self.prior,
            "tf_max_bits": self.tf_max_bits,
            "comparisons": [
                {
                    "name": comp.name,
                    "levels": [
                        {"label": lev.label, "m": float(self.m[j][k]), "u": float(self.u[j][k])}
                        for k, lev in enumerate(comp.levels)
                    ],
                }
                for j, comp in enumerate(self.comparisons)
            ],
            "fit": fit or {},
        }

    @classmethod
    def from_dict(
        cls, doc: dict[str, Any], comparisons: tuple[Comparison, ...], *, source: str = "model"
    ) -> FSModel:
        """A model from :meth:`to_dict` output, checked against ``comparisons``.

        Raises
        ------
        SettingsError
            The document is not a kinlink model, or its comparisons or levels differ from
            ``comparisons`` (each difference is named).

        Examples
        --------
        >>> from kinlink.graph.resolve.comparisons import exact_or_else
        >>> comps = (exact_or_else("sex"),)
        >>> model = FSModel.from_priors(comps)
        >>> FSModel.from_dict(model.to_dict(), comps).m[0].round(2).tolist()
        [1.0, 0.95, 0.05]
        >>> FSModel.from_dict(model.to_dict(), (exact_or_else("nationality"),))
        Traceback (most recent call last):
        ...
        kinlink.errors.SettingsError: model: comparisons differ: the model has sex, this \
resolver has nationality
        """
        if not isinstance(doc, dict) or doc.get("kind") != MODEL_KIND:
            raise SettingsError(f"{source}: not a kinlink model (no kind {MODEL_KIND!r})")
        if doc.get("version") != MODEL_VERSION:
            raise SettingsError(
                f"{source}: model version {doc.get('version')!r}, this kinlink reads "
                f"{MODEL_VERSION}"
            )
        saved = doc.get("comparisons") or []
        names = [c.get("name") for c in saved]
        wanted = [c.name for c in comparisons]
        if names != wanted:
            raise SettingsError(
                f"{source}: comparisons differ: the model has {', '.join(map(str, names))}, "
                f"this resolver has {', '.join(wanted)}"
            )
        m, u, problems = [], [], []
        for comp, entry in zip(comparisons, saved, strict=True):
            labels = [lev.get("label") for lev in entry.get("levels", [])]
            if labels != comp.labels():
                problems.append(f"{comp.name} levels {labels} != {comp.labels()}")
                continue
            try:
                m.append(np.array([float(lev["m"]) for lev in entry["levels"]]))
                u.append(np.array([float(lev["u"]) for lev in entry["levels"]]))
            except (KeyError, TypeError, ValueError):
                problems.append(f"{comp.name}: m and u must be numbers")
        prior = doc.get("prior")
        if not isinstance(prior, int | float) or not 0 < prior < 1:
            problems.append(f"prior must be in (0, 1), got {prior!r}")
        if problems:
            raise SettingsError(f"{source}: " + "; ".join(problems))
        model = cls(comparisons, m, u, prior=float(prior))  # type: ignore[arg-type]
        model.tf_max_bits = float(doc.get("tf_max_bits", model.tf_max_bits))
        return model

    @classmethod
    def load(cls, path: str | Path, comparisons: tuple[Comparison, ...]) -> FSModel:
        """Read ``model.json`` (:meth:`from_dict`), naming the file in every error."""
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as err:
            raise SettingsError(f"{path}: cannot read the model: {err.strerror}") from err
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise SettingsError(f"{path}: not JSON: {err}") from err
        return cls.from_dict(doc, comparisons, source=str(path))
