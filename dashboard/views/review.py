"""Match review: explain a pair of records field by field and record same / different."""

from __future__ import annotations

import streamlit as st

from kinlink.dashboard import review, state
from kinlink.errors import KinlinkError

data = state.data()
st.title("Match review")
if data.bundle_path is None:
    st.info("Match review needs the bundle: open the bundle folder rather than a saved graph.")
    st.stop()

pairs = state.candidate_pairs()
if len(pairs):
    labels = [
        f"{a} · {b} (p={p:.2f})"
        for a, b, p in zip(
            pairs["record_id_l"], pairs["record_id_r"], pairs["probability"], strict=True
        )
    ]
    st.caption("Scored pairs, the most uncertain first; or type any two record ids below.")
    pick = st.selectbox(
        "Pair", range(len(pairs)), format_func=labels.__getitem__, index=None, key="review_pick"
    )
    if pick is not None and st.session_state.get("review_last_pick") != pick:
        st.session_state["review_last_pick"] = pick
        st.session_state["review_a"] = pairs.at[pick, "record_id_l"]
        st.session_state["review_b"] = pairs.at[pick, "record_id_r"]
left, right = st.columns(2)
record_a = left.text_input("Record A", key="review_a")
record_b = right.text_input("Record B", key="review_b")
if not (record_a and record_b):
    st.stop()
scorer = state.scorer()
if scorer is None:
    st.stop()
try:
    table = review.explain(scorer, record_a, record_b)
except KinlinkError as err:
    st.error(str(err))
    st.stop()
total = table[table["field"].eq("total")]
probability = float(total["probability"].iloc[0]) if len(total) else float("nan")
st.metric("Match probability", f"{probability:.3f}")
state.table(table, key="review_table")

same_now = review.same_person(state.facts().records, record_a, record_b)
st.caption(
    "The resolver currently "
    + ("puts both records in the same person." if same_now else "keeps them apart.")
)
decision = st.radio(
    "Decision", review.DECISIONS, horizontal=True, index=None, key="review_decision"
)
if st.button("Save decision", key="review_save", disabled=decision is None) and decision:
    try:
        path = review.append_review(data.bundle_path, record_a, record_b, decision)
    except KinlinkError as err:
        st.error(str(err))
    else:
        st.success(f"Saved to {path}.")
saved = review.read_reviews(data.bundle_path)
if len(saved):
    st.subheader(f"Saved decisions ({len(saved)})")
    state.table(saved, key="review_saved")
    st.caption("Decisions take effect when the bundle is resolved again.")
    if st.button("Resolve again with the saved decisions", key="review_resolve"):
        state.reload()
        st.rerun()
