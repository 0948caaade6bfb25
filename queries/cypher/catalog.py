"""The saved Cypher queries: the ``.cypher`` files beside this module, and their headers.

Each file starts with a ``//`` comment block saying what it answers; its parameters are the
lines of that block of the form::

    //   $name (type): what it is
    //   $name (type, default <literal>): what it is

where ``type`` is ``string``, ``integer``, ``float`` or ``boolean`` and ``<literal>`` a Cypher
literal (``'text'``, ``3``, ``true``). A parameter without a default is required.

Examples
--------
>>> q = load_query("person_family_and_cases")
>>> [(p.name, p.type, p.required) for p in q.params]
[('person_id', 'string', True)]
>>> q.bind({"person_id": "P1"})
{'person_id': 'P1'}
>>> load_query("separated_families").bind({})
{'mpp_split_none': 'mpp_case'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from kinlink.errors import InputError

__all__ = ["Param", "SavedQuery", "coerce", "load_query", "query_names"]

ParamType = Literal["string", "integer", "float", "boolean"]
_PARAM = re.compile(
    r"^//\s+\$(?P<name>[A-Za-z_]\w*)\s+\((?P<type>string|integer|float|boolean)"
    r"(?:,\s*default\s+(?P<default>[^)]+))?\):\s*(?P<doc>.*)$"
)
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


@dataclass(frozen=True)
class Param:
    """One parameter a saved query declares."""

    name: str
    type: ParamType
    doc: str
    default: Any = None
    required: bool = True


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: its name (the file stem), Cypher text, description and parameters."""

    name: str
    text: str
    description: str
    params: tuple[Param, ...]
    returns: str = ""

    @property
    def summary(self) -> str:
        """What the query answers, in a few words (the description up to its first colon)."""
        return self.description.split(": ")[0].split(". ")[0].rstrip(".")

    def bind(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The parameter map for a run: ``values`` coerced to the declared types, defaults
        filled in.

        Raises
        ------
        InputError
            If a value is given for an unknown parameter, a required one is missing, or a value
            does not fit its type.
        """
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise InputError(
                f"query {self.name}: unknown parameter(s) {', '.join(unknown)} (it takes: {known})"
            )
        out: dict[str, Any] = {}
        for p in self.params:
            if p.name in values:
                out[p.name] = coerce(values[p.name], p.type, f"{self.name}: ${p.name}")
            elif p.required:
                raise InputError(f"query {self.name}: parameter {p.name} is required ({p.doc})")
            else:
                out[p.name] = p.default
        return out


def coerce(value: Any, kind: ParamType, what: str = "value") -> Any:
    """``value`` (text from the command line, or already typed) as a ``kind``.

    Examples
    --------
    >>> coerce("3", "integer"), coerce("yes", "boolean"), coerce(2, "float")
    (3, True, 2.0)
    """
    if not isinstance(value, str):
        if kind == "string":
            return str(value)
        if kind == "boolean" and isinstance(value, bool):
            return value
        if kind in ("integer", "float") and isinstance(value, int | float):
            return int(value) if kind == "integer" else float(value)
        value = str(value)
    try:
        if kind == "integer":
            return int(value)
        if kind == "float":
            return float(value)
    except ValueError:
        raise InputError(f"{what}: {value!r} is not a {kind}") from None
    if kind == "boolean":
        if value.strip().lower() in _TRUE:
            return True
        if value.strip().lower() in _FALSE:
            return False
        raise InputError(f"{what}: {value!r} is not a boolean (true/false)")
    return value


def _literal(text: str, kind: ParamType) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return coerce(text, kind, "default")


def parse_query(name: str, text: str) -> SavedQuery:
    """A :class:`SavedQuery` from a file's text (header comment, then the query)."""
    sections: dict[str, list[str]] = {"description": [], "returns": []}
    params: list[Param] = []
    section = "description"
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        m = _PARAM.match(line)
        if m:
            default = m.group("default")
            kind: ParamType = m.group("type")  # type: ignore[assignment]
            params.append(
                Param(
                    m.group("name"),
                    kind,
                    m.group("doc").strip(),
                    _literal(default, kind) if default is not None else None,
                    default is None,
                )
            )
            continue
        body = line[2:].strip()
        for heading, key in (("Parameters:", "parameters"), ("Returns:", "returns")):
            if body.startswith(heading):
                section, body = key, body[len(heading) :].strip()
        if body and section in sections:
            sections[section].append(body)
    description = sections["description"]
    if not description:
        raise ValueError(f"{name}.cypher has no header comment")
    return SavedQuery(
        name, text, " ".join(description), tuple(params), " ".join(sections["returns"])
    )


@cache
def query_names() -> tuple[str, ...]:
    """The names of the saved queries, sorted."""
    files = resources.files(__package__).iterdir()
    return tuple(sorted(f.name[: -len(".cypher")] for f in files if f.name.endswith(".cypher")))


@cache
def load_query(name: str) -> SavedQuery:
    """The saved query ``name``.

    Raises
    ------
    InputError
        If there is no saved query of that name.
    """
    if name not in query_names():
        raise InputError(f"no saved query {name!r}; saved queries: {', '.join(query_names())}")
    text = resources.files(__package__).joinpath(f"{name}.cypher").read_text(encoding="utf-8")
    return parse_query(name, text)
