"""Family view: the family's graph (click a node to expand it), its hearings and its flags."""

from __future__ import annotations

from typing import Any

import altair as alt
import streamlit as st
from streamlit_cytoscape import EdgeStyle, Event, NodeStyle, streamlit_cytoscape
from streamlit_cytoscape.layouts import LAYOUTS

from kinlink.dashboard import family_view, state
from kinlink.graph.schema import LINE, EdgeKind
from kinlink.queries.privacy import mask_reasons

GRAPH_KEY = "family_graph"
URL_PARAM = "family"  # ?family=F... in the address: a link an analyst can share
ICONS = {
    "family": "group",
    "person": "person",
    "record": "description",
    "unit": "home",
    "case": "folder",
    "hearing": "inventory",
    "court": "account_balance",
}


class FlaggedNodes(NodeStyle):
    """A red ring around the nodes a flag's evidence names (``flagged: yes`` in their data)."""

    def dump(self) -> dict[str, Any]:
        return {
            "selector": "node[flagged = 'yes']",
            "style": {"border-width": 2.5, "border-color": "#d7191c"},
        }


NODE_TEXT = {
    "font-size": 6,
    "min-zoomed-font-size": 5,
    "text-max-width": "90px",
    "text-wrap": "ellipsis",
}

data = state.data()
st.title("Family view")
if "focus" in st.session_state:  # opened from search or a work queue
    st.session_state["family_query"] = st.session_state.pop("focus")
# a shared link (?family=F...) opens that family; otherwise the one open before
state.restore("family_query", st.query_params.get(URL_PARAM, ""))
text = st.text_input("Family, person or record id", key="family_query")
state.keep("family_query")
if not text:
    st.query_params.pop(URL_PARAM, None)
    st.info("Search for a person, or open a family from a work queue.")
    st.stop()
family_id, person_id = family_view.resolve_focus(state.facts(), text)
if family_id is None and person_id is None:
    st.warning(f"No family, person or record with the id {text!r}.")
    st.stop()
focus = family_id or person_id
st.query_params[URL_PARAM] = focus  # the address bar now holds a link to this family
flags = data.flags_by_family.get(family_id, []) if family_id else []
codes = sorted({f.code for f in flags})
st.subheader(f"Family {family_id}" if family_id else f"Person {person_id} (in no family)")
st.markdown(" ".join(f":red-badge[{c}]" for c in codes) or ":green-badge[no flags]")

expanded_key = f"family_expanded::{focus}"
expanded: list[str] = st.session_state.setdefault(expanded_key, [])


def _on_graph_event() -> None:
    event = st.session_state.get(GRAPH_KEY) or {}
    info = event.get("data") or {}
    node = info.get("target_id") or (info.get("node_ids") or [None])[0]
    if event.get("action") in ("expand", "tap_node") and node:
        current = st.session_state.setdefault(expanded_key, [])
        if node not in current:
            current.append(node)


local = data.local
nodes = family_view.family_nodes(local.family_graph(family_id, person_id), family_id, person_id)
for node in expanded:
    nodes += local.neighbours(node)
nodes = list(dict.fromkeys(nodes))
graph = local.around(nodes)
elements = family_view.elements(
    graph,
    nodes,
    masked=state.masked(),
    flagged=family_view.flagged_nodes(flags),
    labels=family_view.person_labels(data.facts, nodes),
)
st.header(f"Flags ({len(flags)})")
if flags:
    for flag in flags:
        with st.container(border=True):
            st.markdown(f"**{flag.code}** · {flag.analysis.replace('_', ' ')}")
            st.write(flag.reason)
            st.caption(f"Policy source: {flag.source.citation()}")
    table = family_view.family_flags(flags)
    with st.expander("Evidence of every flag"):
        state.table(table, key="family_flags")
    state.download_button(
        table,
        "Download flags CSV",
        f"flags_{focus}.csv",
        key="family_flags_csv",
        masked_frame=lambda k: family_view.family_flags(mask_reasons(flags, data.facts, k)),
        rebuilt=("reason",),
    )
else:
    st.caption("No flag was raised for this family.")

st.header("Graph")
st.caption(
    f"{len(elements['nodes'])} nodes, {len(elements['edges'])} edges. Click a node to add "
    "its neighbours (its attributes show on the left); nodes a flag names are ringed in red."
)
streamlit_cytoscape(
    elements,
    # a new layout value (the count of expansions) makes the component lay the graph out again
    layout={**LAYOUTS["fcose"], "expansions": len(expanded)},
    node_styles=[
        *(
            NodeStyle(kind, colour, caption, ICONS[kind], custom_styles=NODE_TEXT)
            for kind, (colour, caption) in family_view.NODE_KINDS.items()
        ),
        FlaggedNodes("flagged"),
    ],
    edge_styles=[EdgeStyle(kind, caption="label", directed=True) for kind in EdgeKind],
    height=560,
    key=GRAPH_KEY,
    on_change=_on_graph_event,
    node_actions=["expand"],
    events=[Event("tap_node", "tap", "node")],
)
choices = [n["data"]["id"] for n in elements["nodes"]]
left, middle, right = st.columns([4, 1, 1], vertical_alignment="bottom")
node = left.selectbox("Expand a node", choices, key="family_expand_node")
if middle.button("Expand", key="family_expand") and node and node not in expanded:
    expanded.append(node)
    st.rerun()
if right.button("Reset graph", key="family_reset", disabled=not expanded):
    expanded.clear()
    st.rerun()

st.header("Hearings")
hearings = family_view.timeline(data.facts, family_id, person_id)
if len(hearings):
    chart = (
        alt.Chart(hearings.dropna(subset=["date"]))
        .mark_circle(size=120)
        .encode(
            x=alt.X("date:T", title="hearing date", axis=alt.Axis(format="%Y-%m-%d")),
            y=alt.Y("person:N", title=None),
            color=alt.Color("result:N"),
            shape=alt.Shape("type:N"),
            tooltip=["date:T", "person", "case_id", "court", "type", "result"],
        )
    )
    st.altair_chart(chart, width="stretch")
    state.table(hearings, key="family_hearings")
else:
    st.caption("No hearings.")

members = data.facts.records[
    data.facts.records["person_id"].isin(
        [n.split(":", 1)[1] for n in nodes if n.startswith("person:")]
    )
]
st.header("Records")
state.table(members.drop(columns=[LINE]), key="family_records")
