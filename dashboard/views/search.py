"""Search: a person by name (any order, accents optional, typos forgiven) or by A-number."""

from __future__ import annotations

import streamlit as st

from kinlink.dashboard import state

st.title("Search")
index = state.search_index()
state.restore("search_query")  # the search is still there when the analyst comes back
query = st.text_input(
    "Name, A-number or id",
    key="search_query",
    placeholder="e.g. maria lopez, A-208-004-937, CBP-00000265",
)
state.keep("search_query")
if query:
    results = index.search(query)
    st.caption(f"{len(results)} persons, best first")
    state.table(results, key="search_results")
    if len(results):
        labels = {
            row.person_id: f"{row.name} ({row.person_id}, {row.family_id or 'no family'})"
            for row in results.itertuples()
        }
        person = st.selectbox(
            "Person", list(labels), format_func=labels.__getitem__, key="search_person"
        )
        if st.button("Open family", key="search_open"):
            st.session_state["focus"] = person
            st.switch_page("views/family.py")
