"""The dashboard's router: ``streamlit run dashboard/app.py`` (use ``kinlink dashboard``).

First refuses to serve anything when the server listens beyond this machine and nobody asked
for that (:mod:`kinlink.dashboard.guard`). Then loads the source once (with a progress bar), puts
the mask toggle in the sidebar and runs the page chosen in the navigation. Pages live in
``views/``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kinlink.dashboard import guard, state
from kinlink.errors import KinlinkError

# The tab icon is a file the app serves itself: a ":material/...:" icon would be fetched from
# Google's font servers, and nothing may leave the machine.
ICON = Path(__file__).with_name("static") / "kinlink.png"
st.set_page_config(page_title="kinlink", page_icon=str(ICON), layout="wide")
refused = guard.refusal(
    st.get_option("server.address"), st.context.ip_address, allowed=guard.remote_allowed()
)
if refused:
    st.error(refused)
    st.stop()

PAGES = [
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("views/queues.py", title="Work queues", icon=":material/checklist:"),
    st.Page("views/search.py", title="Search", icon=":material/search:"),
    st.Page("views/family.py", title="Family view", icon=":material/hub:"),
    st.Page("views/review.py", title="Match review", icon=":material/compare_arrows:"),
    st.Page("views/cypher.py", title="Cypher", icon=":material/terminal:"),
]

navigation = st.navigation(PAGES)
with st.sidebar:
    st.toggle(
        "Mask A-numbers and dates of birth",
        value=True,
        key=state.MASK_KEY,
        help="Hides A-numbers (last three digits kept) and dates of birth (year kept) on every "
        "page and in every download.",
    )
try:
    loaded = state.prepare()  # the first view loads and indexes; later views read caches
except KinlinkError as err:
    st.error(f"kinlink: {err}")
    st.stop()
with st.sidebar:
    st.caption(f"Source: `{loaded.source}` ({loaded.kind})")
navigation.run()
