"""Work queues: the flagged families of each contract file, filtered, sorted and downloadable."""

from __future__ import annotations

import streamlit as st

from kinlink.dashboard import queues, state

st.title("Work queues")
titles = {queues.CHECK_FIRST: "Check first", **queues.QUEUE_TITLES}
pending = state.check_first()
name = st.radio(
    "Queue",
    list(titles),
    format_func=titles.__getitem__,
    index=0 if len(pending) else 1,  # open on "Check first" when it holds anything
    horizontal=True,
    key="queue_name",
)
if name == queues.CHECK_FIRST:
    st.caption(
        f"{len(pending):,} flags hold only if an uncertain identity decision stands, so they "
        "are not in the three flag files. Review the record pair: the next resolution confirms "
        "the flag (the records are two people) or drops it (they are one)."
    )
    state.table(pending, key="check_first_table")
    state.download_button(pending, "Download CSV", "review_flags.csv", key="check_first_csv")
    if len(pending):
        labels = [
            f"{fid} · {file} · {a} / {b} (p={p})"
            for fid, file, a, b, p in zip(
                pending["family_id"],
                pending["flag_file"],
                pending["record_id_a"],
                pending["record_id_b"],
                pending["probability"],
                strict=True,
            )
        ]
        pick = st.selectbox(
            "Flag", range(len(pending)), format_func=labels.__getitem__, key="check_first_pick"
        )
        row = pending.iloc[pick]
        st.write(row["why"])
        left, right = st.columns(2)
        if left.button("Review this pair", key="check_first_review"):
            st.session_state["review_a"] = row["record_id_a"]
            st.session_state["review_b"] = row["record_id_b"]
            st.switch_page("views/review.py")
        if right.button("Open in family view", key="check_first_open"):
            st.session_state["focus"] = row["family_id"]
            st.switch_page("views/family.py")
    st.stop()
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
