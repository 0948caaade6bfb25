"""Run saved or free-text Cypher queries, always read-only and always with parameters.

Values reach the database only as query parameters (``$name``), never formatted into the text.
Results come back as a :class:`pandas.DataFrame`; :func:`flat` makes one fit for CSV (lists
joined with ``;``, booleans as ``true``/``false``).

Examples
--------
>>> parse_params(["person_id=P1", "n:integer=3", "note=a=b"])
{'person_id': 'P1', 'n': 3, 'note': 'a=b'}
>>> flat(pd.DataFrame({"ids": [["a", "b"], []], "ok": [True, None]})).values.tolist()
[['a;b', 'true'], ['', None]]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from kinlink.errors import InputError
from kinlink.graph.export.engine import GraphEngine, Result
from kinlink.queries.cypher.catalog import coerce, load_query
from kinlink.queries.cypher.guard import check_read_only

log = logging.getLogger(__name__)

__all__ = ["flat", "frame", "parse_params", "run_saved", "run_text"]

_TYPES = ("string", "integer", "float", "boolean")


def parse_params(items: Iterable[str]) -> dict[str, Any]:
    """``name=value`` (text) or ``name:type=value`` items as a parameter map.

    Raises
    ------
    InputError
        If an item has no ``=``, a bad name or an unknown type.
    """
    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--param {item!r}: expected name=value")
        name, _, kind = name.strip().partition(":")
        if not name.isidentifier():
            raise InputError(f"--param {item!r}: {name!r} is not a parameter name")
        if kind and kind not in _TYPES:
            raise InputError(f"--param {item!r}: type must be one of {', '.join(_TYPES)}")
        out[name] = coerce(value, kind, f"--param {name}") if kind else value
    return out


def frame(result: Result) -> pd.DataFrame:
    """A query result as a DataFrame of Python objects (one column per returned column)."""
    return pd.DataFrame(result.rows, columns=result.columns, dtype=object)


def _flat_value(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join("" if v is None else str(_flat_value(v)) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def flat(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with lists joined by ``;`` and booleans as ``true``/``false`` (the report's style)."""
    return df.apply(lambda col: col.map(_flat_value)).astype(object) if len(df) else df


def run_saved(
    engine: GraphEngine, name: str, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run the saved query ``name`` with ``params`` (checked against its declared parameters).

    Raises
    ------
    InputError
        If the query does not exist or a parameter is unknown, missing or mistyped.
    ExportError
        If the database rejects the query.
    """
    query = load_query(name)
    bound = query.bind(params or {})
    log.info("running saved query %s with %s", name, sorted(bound))
    return frame(engine.run(query.text, bound, read_only=True))


def run_text(
    engine: GraphEngine, text: str, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run a free-text query after :func:`~kinlink.queries.cypher.guard.check_read_only`.

    Raises
    ------
    WriteQueryError
        If the query could write (it is never sent to the database).
    ExportError
        If the database rejects the query.
    """
    check_read_only(text)
    return frame(engine.run(text, dict(params or {}), read_only=True))
