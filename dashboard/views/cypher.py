"""Cypher: run a saved query on the graph, read-only (embedded FalkorDB, or Neo4j if set)."""

from __future__ import annotations

import streamlit as st

from kinlink.dashboard import cypher_view, state
from kinlink.errors import KinlinkError

st.title("Cypher")
queries = cypher_view.saved_queries()
name = st.selectbox("Saved query", list(queries), key="cypher_query")
query = queries[name]
st.caption(query.description)
values = {}
for param in query.params:
    label = f"${param.name} ({param.type}{'' if param.required else ', optional'})"
    values[param.name] = st.text_input(
        label,
        value="" if param.default is None else str(param.default),
        help=param.doc,
        key=f"cypher_{name}_{param.name}",
    )
with st.expander("Query text"):
    st.code(query.text, language="cypher")
if st.button("Run", key="cypher_run", type="primary"):
    try:
        connection = state.cypher_connection()
        result = cypher_view.run(connection.engine, name, values)
    except KinlinkError as err:
        st.error(str(err))
    else:
        st.session_state["cypher_result"] = (name, result, connection.description)
shown = st.session_state.get("cypher_result")
if shown and shown[0] == name:
    _, result, where = shown
    st.caption(f"{len(result):,} rows from {where}, read-only")
    state.table(result)
    state.download_button(result, "Download CSV", f"{name}.csv", key="cypher_csv")
