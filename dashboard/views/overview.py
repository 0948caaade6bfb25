"""Overview: headline counts, flags by code, nationality and court, and data quality."""

from __future__ import annotations

import streamlit as st

from kinlink.dashboard import overview, state
from kinlink.queries.privacy import mask_rejects

data = state.data()
st.title("Overview")
if data.gaps:
    st.warning(
        "**What this data cannot show** (a zero below can mean missing data, not a finding):\n"
        + "\n".join(f"- {gap}" for gap in data.gaps)
    )
counts = list(overview.headline(data).items())
for start in range(0, len(counts), overview.METRICS_PER_ROW):  # rows short enough for full labels
    row = counts[start : start + overview.METRICS_PER_ROW]
    for column, (label, value) in zip(st.columns(overview.METRICS_PER_ROW), row, strict=False):
        column.metric(label, f"{value:,}")
changed = overview.since(data)
if changed is not None:
    st.subheader("Since last report")
    items = list(changed.items())
    for start in range(0, len(items), overview.METRICS_PER_ROW):
        row = items[start : start + overview.METRICS_PER_ROW]
        for column, (label, value) in zip(st.columns(overview.METRICS_PER_ROW), row, strict=False):
            column.metric(label, f"{value:,}")

left, middle, right = st.columns(3)
with left:
    st.subheader("Families by flag code")
    codes = overview.by_code(data)
    st.bar_chart(codes, x="code", y="families", horizontal=True, sort="-families", height=360)
with middle:
    st.subheader("Flagged members by nationality")
    st.bar_chart(
        overview.by_nationality(data),
        x="nationality",
        y="members",
        horizontal=True,
        sort="-members",
        height=360,
    )
with right:
    st.subheader("Pending cases of flagged families by court")
    st.bar_chart(
        overview.by_court(data),
        x="court",
        y="pending_cases",
        horizontal=True,
        sort="-pending_cases",
        height=360,
    )
state.table(codes, key="overview_codes")

st.header("Data quality")
state.table(overview.table_counts(data), key="overview_tables")
quality, rejects = data.quality, data.rejects
st.subheader(f"Unparseable optional values ({len(quality):,} kinds)")
if len(quality):
    state.table(quality, key="overview_quality")
else:
    st.caption("Every optional value could be parsed.")
st.subheader(f"Rejected input rows ({len(rejects):,})")
if len(rejects):
    state.table(rejects.head(1000), key="overview_rejects")
    state.download_button(
        rejects,
        "Download rejects.csv",
        "rejects.csv",
        key="overview_rejects_csv",
        masked_frame=lambda k: mask_rejects(rejects, k),
        rebuilt=("line", "reason"),
    )
else:
    st.caption("Every input row was loaded.")
