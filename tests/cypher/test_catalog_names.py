"""Every saved query keeps the name of its file (a header section once overwrote it)."""

from __future__ import annotations

import pytest

from kinlink.queries.cypher.catalog import load_query, query_names


@pytest.mark.parametrize("name", query_names())
def test_saved_query_is_named_after_its_file(name: str) -> None:
    query = load_query(name)
    assert query.name == name
    assert query.text.strip()
