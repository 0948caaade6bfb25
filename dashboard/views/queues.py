"""Work queues: the flagged families of each contract file, filtered, sorted and downloadable."""

from __future__ import annotations

import streamlit as st

from kinlink.dashboard import queues, state

st.title("Work queues")
name = st.radio(
    "Queue",
    queues.QUEUES,
    format_func=queues.QUEUE_TITLES.__getitem__,
    horizontal=True,
    key="queue_name",
)
frame = state.queue_frame(name)
columns = st.columns(4)
chosen = {}
for column, (field, label) in zip(
    columns,
    (
        ("codes", "Code"),
        ("nationalities", "Nationality"),
        ("courts", "Court"),
        ("locations", "Location"),
    ),
    strict=True,
):
    chosen[field] = column.multiselect(
        label, queues.filter_options(frame, field), key=f"queue_{name}_{field}"
    )
shown = queues.filter_queue(frame, **chosen)
left, right = st.columns([3, 1])
sort_by = left.selectbox(
    "Sort by", ["persons", "records", "cases", "family_id", "codes"], key="queue_sort"
)
descending = right.toggle("Descending", value=True, key="queue_descending")
shown = queues.sort_queue(shown, sort_by, ascending=not descending)
st.caption(f"{len(shown):,} of {len(frame):,} flagged families")
state.table(shown, key="queue_table")
state.download_button(shown, "Download CSV", f"{name}.csv", key="queue_csv")
if len(shown):
    family = st.selectbox("Family", shown["family_id"].head(1000), key="queue_family")
    if st.button("Open in family view", key="queue_open"):
        st.session_state["focus"] = family
        st.switch_page("views/family.py")
