"""Free-text queries: only read-only ones pass, and values travel only as parameters."""

from __future__ import annotations

import pytest

from kinlink.errors import ExportError
from kinlink.graph.export import FalkorEngine
from kinlink.queries.cypher import WriteQueryError, check_read_only, run_text
from kinlink.queries.cypher.guard import tokenize

READS = [
    "MATCH (n:Person) RETURN n.key LIMIT 5",
    "match (p:Person {key: $id})-[:IN]->(f) return f.key",
    "MATCH (n) RETURN 'CREATE (x)' AS s, \"DELETE n\" AS t",
    "MATCH (n) RETURN n.set, n.delete, n.merge AS `create`",
    "MATCH (n:Record) WHERE n.remove = true RETURN {set: 1, drop: 2} AS m",
    "// CREATE (x) in a comment\nMATCH (n) RETURN n /* MERGE (y) */",
    "MATCH (n:Set)-[:DELETE]->(m:Create) RETURN n",
    "CALL { MATCH (n:Person) RETURN n.key AS k } RETURN k",
    "MATCH (n) RETURN 'a \\' CREATE (x) \\'' AS b",
    "MATCH (n) RETURN n;",
    "UNWIND $ids AS id MATCH (p:Person {key: id}) RETURN p.key ORDER BY p.key SKIP 1",
]

WRITES = [
    ("CREATE (n:Person {key: 'x'})", "CREATE"),
    ("MATCH (n) DETACH DELETE n", "DETACH"),
    ("MATCH (n) delete n", "delete"),
    ("MERGE (n:Person {key: $k})", "MERGE"),
    ("MATCH (n) SET n.x = 1 RETURN n", "SET"),
    ("MATCH (n) REMOVE n.key", "REMOVE"),
    ("DROP INDEX ON :Person(key)", "DROP"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "LOAD"),
    ("MATCH (n) FOREACH (x IN [1] | SET n.y = x)", "FOREACH"),
    ("CALL db.labels()", "CALL"),
    ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})", "CALL"),
    ("MATCH (n) RETURN n /* comment */ CREATE (m)", "CREATE"),
    ("MATCH (n) RETURN n // harmless\nCREATE (m)", "CREATE"),
    ("MATCH (n) RETURN 'a\\'' CREATE (m)", "CREATE"),
    ("MATCH (n) RETURN n; MATCH (m) DETACH DELETE m", "more than one statement"),
    ("MATCH (n) RETURN n; RETURN 1", "more than one statement"),
    ("MATCH (n) CALL { WITH n DELETE n } RETURN 1", "DELETE"),
    ("MATCH (n)\tSeT\tn.x=1", "SeT"),
    ("GRANT ROLE admin TO bob", "GRANT"),
    # issue 8: separators, escapes and clause positions a naive check would miss
    ("MATCH (n) RETURN n\u00a0CREATE (m)", "CREATE"),
    ("MATCH (n) RETURN n\u2028CREATE (m)", "CREATE"),
    ("MATCH (n) RETURN n/**/CREATE(m)", "CREATE"),
    ("MATCH (n) RETURN `a``b` CREATE (m)", "CREATE"),
    ("MATCH (n) RETURN n UNION MERGE (m)", "MERGE"),
    ("MATCH (n) RETURN n UNION ALL CALL db.labels() YIELD label RETURN label", "CALL"),
    ("call db.labels()", "call"),
    ("MATCH (n) WITH n CALL db.idx.fulltext.createNodeIndex('P', 'k') RETURN 1", "CALL"),
    ("USING PERIODIC COMMIT LOAD CSV FROM 'x' AS l RETURN l", "LOAD"),
]

BROKEN = ["MATCH (n) RETURN 'unclosed", "MATCH (n) /* never closed", "RETURN `oops", "  "]


@pytest.mark.parametrize("query", READS)
def test_reads_pass(query: str) -> None:
    check_read_only(query)


@pytest.mark.parametrize(("query", "word"), WRITES)
def test_writes_are_refused(query: str, word: str) -> None:
    with pytest.raises(WriteQueryError, match=word):
        check_read_only(query)


@pytest.mark.parametrize("query", BROKEN)
def test_broken_text_is_refused(query: str) -> None:
    with pytest.raises(WriteQueryError):
        check_read_only(query)


def test_tokens_keep_strings_whole() -> None:
    toks = tokenize("RETURN 'a // not a comment' AS x // a comment")
    assert [(t.kind, t.text) for t in toks] == [
        ("word", "RETURN"),
        ("string", "'a // not a comment'"),
        ("word", "AS"),
        ("word", "x"),
    ]
    assert tokenize("MATCH\n  (n)")[1].line == 2


def test_refused_query_never_reaches_the_database(falkor: FalkorEngine) -> None:
    falkor.run("CREATE (:Person {key: 'P1'})")
    with pytest.raises(WriteQueryError):
        run_text(falkor, "MATCH (n) DETACH DELETE n")
    assert falkor.run("MATCH (n) RETURN count(n)").rows == [[1]]


def test_the_engine_refuses_writes_in_read_only_mode(falkor: FalkorEngine) -> None:
    """The second line of defence: even a write that slipped past the guard is refused."""
    with pytest.raises(ExportError):
        falkor.run("CREATE (:Person {key: 'P9'})", read_only=True)
    assert falkor.run("MATCH (n) RETURN count(n)").rows == [[0]]


@pytest.mark.parametrize(
    "value",
    [
        "P1' }) DETACH DELETE n //",
        'P1" }) DETACH DELETE n //',
        "P1\\' }) MATCH (m) DETACH DELETE m RETURN 1 //",
        "x`) DETACH DELETE n //",
        "line\nbreak",
    ],
)
def test_injection_through_parameters_is_just_a_value(falkor: FalkorEngine, value: str) -> None:
    falkor.run("CREATE (:Person {key: 'P1'})")
    df = run_text(
        falkor, "MATCH (p:Person) WHERE p.key = $id OR $id = $id RETURN $id AS v", {"id": value}
    )
    assert df["v"].tolist() == [value]
    assert falkor.run("MATCH (n) RETURN count(n)").rows == [[1]]
