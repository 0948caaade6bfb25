"""The saved Cypher queries and what runs them.

The ``.cypher`` files here are the analyses an analyst can read and change in Neo4j Browser:
the three contract analyses, a person's family and cases, the cases linked to a case, persons
whose records disagree, and the shortest chain of links between two persons. They are written
in the subset of Cypher that both Neo4j 5 and FalkorDB run (no APOC, no ``EXISTS { }``
subqueries, no ``shortestPath``, which FalkorDB lacks for undirected patterns).

- :mod:`~kinlink.queries.cypher.catalog`: the files and their declared parameters;
- :mod:`~kinlink.queries.cypher.guard`: the read-only check for free-text queries;
- :mod:`~kinlink.queries.cypher.runner`: running a query with parameters into a DataFrame;
- :mod:`~kinlink.queries.cypher.flag_files`: the contract flag files through Cypher.
"""

from __future__ import annotations

from kinlink.queries.cypher.catalog import SavedQuery, load_query, query_names
from kinlink.queries.cypher.guard import WriteQueryError, check_read_only
from kinlink.queries.cypher.runner import flat, parse_params, run_saved, run_text

__all__ = [
    "SavedQuery",
    "WriteQueryError",
    "check_read_only",
    "flat",
    "load_query",
    "parse_params",
    "query_names",
    "run_saved",
    "run_text",
]
