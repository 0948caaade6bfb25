"""Refuse a free-text Cypher query that could write: a real tokeniser, not a regex.

The text is split into tokens (strings, backtick-quoted names, comments, parameters, numbers,
words, symbols) so that a keyword inside a string literal, a comment or a quoted name is never
mistaken for a clause, and a clause hidden by a comment trick is never missed. A query is
refused when a word outside those is a writing or administrative clause (``CREATE``,
``MERGE``, ``SET``, ``DELETE``, ``DETACH``, ``REMOVE``, ``DROP``, ``LOAD`` (CSV), ``FOREACH``,
``ALTER``, ``GRANT``, ...), when ``CALL`` names a procedure (``CALL { … }`` subqueries are
allowed; what they contain is checked like the rest), when it holds more than one statement,
or when a string or comment is not closed. Words right after ``.`` (property keys) or ``:``
(labels, relationship types) and map keys (a word followed by ``:``) are names, not clauses.

This is the first line of defence; the engines then run the query in a read-only mode
(``GRAPH.RO_QUERY`` on FalkorDB, a read transaction on Neo4j), which refuses writes again.

Examples
--------
>>> check_read_only("MATCH (n:Person {key: $id}) RETURN n.key AS `create`, 'DELETE me' AS s")
>>> try:
...     check_read_only("MATCH (n) DETACH DELETE n")
... except WriteQueryError as e:
...     print(e)
the query writes (DETACH at line 1, column 11); only read-only queries are allowed
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from kinlink.errors import InputError

__all__ = ["Token", "WriteQueryError", "check_read_only", "tokenize"]

#: Words that start a clause that writes, loads files or administers the database.
WRITE_WORDS: Final = frozenset(
    {
        "CREATE",
        "MERGE",
        "SET",
        "DELETE",
        "DETACH",
        "REMOVE",
        "DROP",
        "LOAD",
        "FOREACH",
        "ALTER",
        "GRANT",
        "REVOKE",
        "DENY",
        "RENAME",
        "START",
        "STOP",
        "TERMINATE",
        "ENABLE",
        "DEALLOCATE",
        "REALLOCATE",
        "INSERT",
        "FINISH",
    }
)


class WriteQueryError(InputError):
    """A free-text query was refused because it could write or is not well formed."""


@dataclass(frozen=True)
class Token:
    """A token: its kind, text and position (1-based line and column)."""

    kind: str  # word, quoted, string, param, number, symbol
    text: str
    line: int
    column: int


_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?")
_PARAM = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\d+|`(?:[^`]|``)*`)")


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text`` (comments and white space dropped).

    Raises
    ------
    WriteQueryError
        If a string literal, quoted name or block comment is not closed.

    Examples
    --------
    >>> [t.kind for t in tokenize("RETURN 'a // b' /* c */ AS `x y`, $p // d")]
    ['word', 'string', 'word', 'quoted', 'symbol', 'param']
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def position(at: int) -> tuple[int, int]:
        lo, hi = 0, len(line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if line_starts[mid] <= at:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, at - line_starts[lo] + 1

    while i < n:
        ch = text[i]
        m = _SPACE.match(text, i)
        if m:
            i = m.end()
            continue
        start = i
        if text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise WriteQueryError(_where("unclosed /* comment", position(start)))
            i = end + 2
            continue
        if ch in "'\"":
            i = _end_of_string(text, i, ch)
            if i < 0:
                raise WriteQueryError(_where("unclosed string literal", position(start)))
            tokens.append(Token("string", text[start:i], *position(start)))
            continue
        if ch == "`":
            i = _end_of_quoted(text, i)
            if i < 0:
                raise WriteQueryError(_where("unclosed `quoted name`", position(start)))
            tokens.append(Token("quoted", text[start:i], *position(start)))
            continue
        for kind, pattern in (("param", _PARAM), ("word", _WORD), ("number", _NUMBER)):
            m = pattern.match(text, i)
            if m:
                tokens.append(Token(kind, m.group(), *position(start)))
                i = m.end()
                break
        else:
            tokens.append(Token("symbol", ch, *position(start)))
            i += 1
    return tokens


def _end_of_string(text: str, i: int, quote: str) -> int:
    """Index just past the string literal starting at ``i`` (backslash escapes), or -1."""
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == quote:
            return j + 1
        j += 1
    return -1


def _end_of_quoted(text: str, i: int) -> int:
    """Index just past the backtick-quoted name starting at ``i`` (```` doubles), or -1."""
    j = i + 1
    while j < len(text):
        if text[j] == "`":
            if text.startswith("``", j):
                j += 2
                continue
            return j + 1
        j += 1
    return -1


def _where(what: str, pos: tuple[int, int]) -> str:
    return f"{what} at line {pos[0]}, column {pos[1]}"


def check_read_only(text: str) -> None:
    """Raise :class:`WriteQueryError` unless ``text`` is a single read-only query.

    Raises
    ------
    WriteQueryError
        With the offending word and its position.
    """
    tokens = tokenize(text)
    if not tokens:
        raise WriteQueryError("the query is empty")
    for k, tok in enumerate(tokens):
        prev = tokens[k - 1] if k else None
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if tok.kind == "symbol" and tok.text == ";" and nxt is not None:
            raise WriteQueryError(_where("more than one statement (;)", (tok.line, tok.column)))
        if tok.kind != "word":
            continue
        if prev is not None and prev.kind == "symbol" and prev.text in ".:":
            continue  # a property key, label or relationship type
        if nxt is not None and nxt.kind == "symbol" and nxt.text == ":":
            continue  # a map key
        word = tok.text.upper()
        if word in WRITE_WORDS:
            raise WriteQueryError(
                f"the query writes ({_where(tok.text, (tok.line, tok.column))}); "
                "only read-only queries are allowed"
            )
        if word == "CALL" and not (nxt is not None and nxt.text == "{"):
            raise WriteQueryError(
                f"procedure calls are not allowed ({_where(tok.text, (tok.line, tok.column))}); "
                "only read-only queries are allowed"
            )
