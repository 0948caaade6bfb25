"""How fast the dashboard shows its first page, renders each page and answers a search.

Usage::

    python benchmarks/bench_dashboard.py --records 400000          # generate a bundle, then time
    python benchmarks/bench_dashboard.py --bundle data/samples/bundle
    python benchmarks/bench_dashboard.py --bundle REPORT_FOLDER     # a report opens from data/

Every page is rendered through Streamlit's ``AppTest`` (the whole script, as a browser session would
run it, minus the network): once to open the source and show the first page, the Overview (timed as
"first page"; a bundle is loaded, resolved and analysed, and the search index, work queues and match
model are built then; a report folder reads its summary only), then each page once in the order of
the navigation, with no input ("first visit": what a report folder's page reads or builds the first
time it is shown), then each page once more ("first", its first visit with input) and ``--repeat``
times, each time in a new session that opens the app and then moves to the page (the move is timed).
Pages with input are driven as an analyst would: Search with a name typed, Family view with a
flagged family, Match review with a scored pair. Search is also timed on its own (the index's
``search`` for names and A-numbers written several ways). With ``--cypher``, the Cypher page runs a
saved query too: its first run exports the graph into an embedded FalkorDB (timed on its own), later
runs only query it. Nothing is asserted: the targets are under 2 s per page and under 300 ms per
search.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SOURCE_ENV = "KINLINK_DASHBOARD_SOURCE"
APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
TIMEOUT = 3600


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def line(label: str, seconds: list[float], unit: str = "s") -> str:
    scale = 1000 if unit == "ms" else 1
    med = statistics.median(seconds) * scale
    worst = max(seconds) * scale
    return f"  {label:<44} median {med:8.3f} {unit}   max {worst:8.3f} {unit}   (n={len(seconds)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, help="an existing bundle (default: generate one)")
    parser.add_argument("--records", type=int, default=400_000, help="records to generate")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="renders per page")
    parser.add_argument("--cypher", action="store_true", help="also time the Cypher page's runs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        bundle = args.bundle
        if bundle is None:
            from kinlink.samples.generator import generate_bundle

            bundle = Path(tmp) / "bundle"
            print(f"generating {args.records:,} records (seed {args.seed}) ...", flush=True)
            generate_bundle(bundle, args.records, seed=args.seed)
        run(bundle.resolve(), args.repeat, cypher=args.cypher)


def run(bundle: Path, repeat: int, *, cypher: bool = False) -> None:
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    os.environ[SOURCE_ENV] = str(bundle)
    config.set_option("server.address", "127.0.0.1")  # as `kinlink dashboard` serves it

    def app() -> AppTest:
        return AppTest.from_file(str(APP), default_timeout=TIMEOUT)

    print(f"bundle {bundle}", flush=True)
    first = app()
    load_s = timed(first.run)
    if first.exception:
        raise SystemExit(f"the app failed: {first.exception}")
    label = "first page (Overview)"
    print(f"  {label:<44} {load_s:8.1f} s", flush=True)
    for path, title in (
        ("views/queues.py", "Work queues"),
        ("views/search.py", "Search"),
        ("views/family.py", "Family view"),
        ("views/review.py", "Match review"),
    ):
        first.switch_page(path)
        seconds = timed(first.run)
        if first.exception:
            raise SystemExit(f"{path} failed: {first.exception}")
        print(f"  {'first visit, no input: ' + title:<44} {seconds:8.1f} s", flush=True)

    from kinlink.dashboard import state

    data = state.data()  # cached: the same object the pages use
    n_records = len(data.facts.records)
    family = next(iter(data.flags_by_family))
    records = data.facts.records
    named = records[records["surnames"].notna() & records["a_number"].notna()].iloc[n_records // 3]
    name = f"{named['surnames']} {named['given_names']}"
    digits = named["a_number"]
    pairs = state.candidate_pairs()

    def page(path: str, setup: Callable[[AppTest], None] | None = None) -> Callable[[], float]:
        """A fresh session opens the app, then moves to ``path``; the move is what is timed."""

        def render() -> float:
            at = app()
            at.run()
            at.switch_page(path)
            if setup is not None:
                setup(at)
            seconds = timed(at.run)
            if at.exception:
                raise SystemExit(f"{path} failed: {at.exception}")
            return seconds

        return render

    def with_query(at: AppTest) -> None:
        at.session_state["search_query"] = name

    def with_family(at: AppTest) -> None:
        at.session_state["family_query"] = family

    def with_pair(at: AppTest) -> None:
        at.session_state["review_a"] = pairs.at[0, "record_id_l"]
        at.session_state["review_b"] = pairs.at[0, "record_id_r"]

    print(f"\npage renders through AppTest ({n_records:,} records; each includes the router)")
    print(
        line(
            "Overview, opening the app (new session)",
            [timed(lambda: app().run()) for _ in range(repeat)],
        )
    )
    pages = {
        "Overview": page("views/overview.py"),
        "Work queues": page("views/queues.py"),
        "Search (a name typed)": page("views/search.py", with_query),
        "Family view (a flagged family)": page("views/family.py", with_family),
        "Match review (a scored pair)": page("views/review.py", with_pair if len(pairs) else None),
    }
    for label, render in pages.items():
        first_visit = render()  # fills the page's st.cache_data entries
        print(
            line(label, [render() for _ in range(repeat)]) + f"   first {first_visit:.3f} s",
            flush=True,
        )

    if cypher:
        person = data.facts.families["person_id"].iloc[0]

        def with_cypher_query(at: AppTest) -> None:
            at.session_state["cypher_query"] = "person_family_and_cases"
            at.session_state["cypher_person_family_and_cases_person_id"] = person

        def cypher_run() -> float:
            at = app()
            at.run()
            at.switch_page("views/cypher.py")
            with_cypher_query(at)
            at.run()
            at.button(key="cypher_run").click()
            seconds = timed(at.run)
            if at.exception or at.error:
                raise SystemExit(f"cypher failed: {at.exception or at.error}")
            return seconds

        print(f"  {'Cypher, first run (exports the graph)':<44} {cypher_run():8.1f} s", flush=True)
        print(line("Cypher, a saved query run", [cypher_run() for _ in range(repeat)]), flush=True)
        print(
            line("Cypher page (no query run)", [page("views/cypher.py")() for _ in range(repeat)])
        )

    index = state.search_index()
    queries = {
        "name, surname first": name,
        "name, lower case, no accents": name.lower(),
        "a common name": "maria lopez",
        "A-number, A-###-###-###": f"A-{digits[:3]}-{digits[3:6]}-{digits[6:]}",
        "A-number, 9 digits": digits,
        "A-number, one digit off": digits[:-1] + str((int(digits[-1]) + 1) % 10),
    }
    print("\nsearch (SearchIndex.search, after the index is built)")
    for label, query in queries.items():
        seconds = []
        for _ in range(repeat):
            start = time.perf_counter()
            index.search(query)
            seconds.append(time.perf_counter() - start)
        print(line(label, seconds, "ms"))


if __name__ == "__main__":
    main()
