"""Every Cypher statement kinlink sends to Neo4j is valid Neo4j 5 Cypher, checked without a server.

The checker is Neo4j's own linter, ``lintCypherQuery`` from the npm package
``@neo4j-cypher/language-support`` (the one behind Neo4j's editors), run by Node on
``scripts/neo4j-lint/lint.mjs``. ``make neo4j-lint`` installs it from the lock file
(``npm ci``); ``make test`` runs that step first. The statements are the saved queries
(``queries/cypher/*.cypher``), the export's node and relationship MERGEs and its key constraints.

The linter is given kinlink's graph schema (labels, relationship types, property keys) and each
statement's parameters, so a misspelt label, relationship type, property or parameter fails too,
not only a syntax error. One Node process lints everything (a few seconds).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kinlink.graph.export.exporter import export_statements
from kinlink.graph.export.neo4j_engine import key_constraint_statement
from kinlink.graph.export.rows import LABELS
from kinlink.graph.schema import (
    CASE_ATTRS,
    HEARING_ATTRS,
    KEY,
    LINE,
    N_RECORDS,
    RECORD_ATTRS,
    ROLE,
    SIZE,
    EdgeKind,
)
from kinlink.queries.cypher import load_query, query_names

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "scripts" / "neo4j-lint"
PACKAGE = LINT / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed, so Neo4j's linter cannot run"),
    pytest.mark.skipif(
        not PACKAGE.is_file(),
        reason="Neo4j's linter (@neo4j-cypher/language-support) is not installed: "
        "`make neo4j-lint` runs `npm ci` in scripts/neo4j-lint, which needs the npm registry",
    ),
]

#: An example value of each declared parameter type (the linter only needs the name).
EXAMPLE = {"string": "x", "integer": 1, "float": 0.5, "boolean": True}

SCHEMA: dict[str, Any] = {
    "defaultLanguage": "CYPHER 5",
    "labels": sorted(set(LABELS.values())),
    "relationshipTypes": sorted(kind.value for kind in EdgeKind),
    "propertyKeys": sorted(
        {KEY, LINE, SIZE, N_RECORDS, ROLE, *RECORD_ATTRS, *CASE_ATTRS, *HEARING_ATTRS}
    ),
}


def statements() -> list[dict[str, Any]]:
    """Every statement kinlink sends to Neo4j, with example values of its parameters."""
    out = []
    for name in query_names():
        query = load_query(name)
        params = {p.name: EXAMPLE[p.type] for p in query.params}
        out.append({"name": f"saved query {name}", "text": query.text, "parameters": params})
    for name, text in export_statements().items():
        out.append({"name": f"export: {name}", "text": text, "parameters": {"rows": []}})
    for label in sorted(set(LABELS.values())):
        text = key_constraint_statement(label)
        out.append({"name": f"export: constraint {label}", "text": text, "parameters": {}})
    return out


#: Statements the linter must reject, so a linter that passes everything fails the test.
CONTROLS = [
    {"name": "control: syntax", "text": "MATCH (n:Record RETURN n", "parameters": {}},
    {"name": "control: label", "text": "MATCH (n:Recrod) RETURN n.key", "parameters": {}},
    {"name": "control: parameter", "text": "MATCH (n:Case {key: $c}) RETURN n", "parameters": {}},
]


@pytest.fixture(scope="module")
def linted() -> dict[str, list[dict[str, Any]]]:
    """Statement name -> the linter's diagnostics."""
    payload = json.dumps({"schema": SCHEMA, "statements": statements() + CONTROLS})
    proc = subprocess.run(
        [str(NODE), str(LINT / "lint.mjs")],
        input=payload,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return {item["name"]: item["diagnostics"] for item in json.loads(proc.stdout)}


def test_every_statement_sent_to_neo4j_is_valid_neo4j_5(
    linted: dict[str, list[dict[str, Any]]],
) -> None:
    names = [s["name"] for s in statements()]
    assert len([n for n in names if n.startswith("saved query")]) == len(query_names()) >= 7
    assert len([n for n in names if n.startswith("export:")]) >= len(EdgeKind) * 2 + len(LABELS)
    problems = [
        f"{name}, line {d['line'] + 1}: {'error' if d['severity'] == 1 else 'warning'}: "
        f"{d['message']}"
        for name in names
        for d in linted[name]
        if not _row_key(name, d)
    ]
    assert problems == []


#: The keys of the export's relationship rows (``row.s``, ``row.t``, ``row.p``): the linter
#: types ``row`` (from ``UNWIND $rows``) loosely and takes them for property keys it does not know.
ROW_KEYS = ("s", "t", "p")


def _row_key(name: str, diagnostic: dict[str, Any]) -> bool:
    """Whether ``diagnostic`` is the linter's warning about a relationship row's own key."""
    return (
        name.startswith("export: rel ")
        and diagnostic["severity"] == 2
        and diagnostic["message"].split(" ", 1)[0] in ROW_KEYS
        and " is not present in the database" in diagnostic["message"]
    )


def test_the_linter_rejects_what_neo4j_would(linted: dict[str, list[dict[str, Any]]]) -> None:
    assert any(d["severity"] == 1 for d in linted["control: syntax"])
    assert any("Recrod" in d["message"] for d in linted["control: label"])
    assert any("$c " in d["message"] for d in linted["control: parameter"])
