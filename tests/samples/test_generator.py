"""Invariants of the synthetic bundle generator and of the committed sample bundle."""

from __future__ import annotations

import filecmp
import itertools
import re
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from kinlink.samples.generator import CHUNK_HOUSEHOLDS, TABLES, TRUTH_FILES, generate_bundle
from kinlink.samples.truth import compute_truth

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "bundle"
CODES = {
    "LOCATION_SPLIT",
    "COURT_SPLIT",
    "MPP_SPLIT",
    "POSITIVE_FEAR",
    "MEXICAN_MEMBER_FEAR",
    "RELIEF_SPLIT",
    "NON_AMENABLE",
    "WIND_DOWN_SPLIT",
}
CONTRACT_COLUMNS = {
    "individuals": [
        "record_id",
        "source",
        "a_number",
        "given_names",
        "surnames",
        "dob",
        "sex",
        "nationality",
        "language",
        "country_of_location",
        "location",
        "as_of",
        "uac",
        "fear_claimed",
        "fear_assessment",
        "other_id",
        "phone",
        "address",
    ],
    "family_units": ["family_unit_id", "record_id", "role"],
    "cases": [
        "case_id",
        "record_id",
        "lead_case_id",
        "court",
        "mpp",
        "status",
        "status_date",
        "nta_date",
    ],
    "hearings": ["hearing_id", "case_id", "date", "court", "type", "result"],
}
NAMES_TO_CODES = {
    "Honduras": "HND",
    "Guatemala": "GTM",
    "El Salvador": "SLV",
    "Cuba": "CUB",
    "Ecuador": "ECU",
    "Venezuela": "VEN",
    "Nicaragua": "NIC",
    "Brazil": "BRA",
    "Colombia": "COL",
    "Peru": "PER",
    "Mexico": "MEX",
    "United States": "USA",
}


def read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / f"{name}.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    generate_bundle(out, 2500, seed=11)
    return out


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """20,000 records: two chunks, enough for distribution checks."""
    out = tmp_path_factory.mktemp("large")
    return out, generate_bundle(out, 20_000, seed=3)


@pytest.fixture(scope="module")
def persons_20k(large: tuple[Path, dict]) -> pd.DataFrame:
    """One row per true person: nationality (mode of CBP/EOIR/USCIS), dob, first as_of."""
    folder, _ = large
    ind = read(folder, "individuals").merge(read(folder / "truth", "records"), on="record_id")
    official = ind[ind.source.isin(["CBP", "EOIR", "USCIS"]) & (ind.nationality != "")]
    nat = official.nationality.replace(NAMES_TO_CODES)
    nationality = nat.groupby(official.person_id).agg(lambda s: s.value_counts().index[0])
    dob = ind[ind.dob != ""].groupby("person_id").dob.agg(lambda s: s.value_counts().index[0])
    first = ind.groupby("person_id").as_of.min()
    return pd.DataFrame({"nationality": nationality, "dob": dob, "first_seen": first})


# --- size, format, determinism ----------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 4, 37, 100, 999])
def test_exact_number_of_records(tmp_path: Path, n: int) -> None:
    summary = generate_bundle(tmp_path, n, seed=n)
    assert summary["records"] == n
    assert len(read(tmp_path, "individuals")) == n
    assert len(read(tmp_path / "truth", "records")) == n


def test_exact_number_across_chunks(large: tuple[Path, dict]) -> None:
    folder, summary = large
    assert summary["households"] > CHUNK_HOUSEHOLDS  # more than one chunk
    assert len(read(folder, "individuals")) == summary["records"] == 20_000


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_bundle(a, 1500, seed=5)
    generate_bundle(b, 1500, seed=5)
    generate_bundle(c, 1500, seed=6)
    assert files(a) == files(b)
    match, mismatch, errors = filecmp.cmpfiles(a, b, files(a), shallow=False)
    assert not mismatch and not errors and len(match) == len(files(a))
    assert (a / "individuals.csv").read_bytes() != (c / "individuals.csv").read_bytes()


def test_parquet_holds_the_same_rows_as_csv(tmp_path: Path) -> None:
    generate_bundle(tmp_path / "csv", 700, seed=9)
    generate_bundle(tmp_path / "pq", 700, seed=9, fmt="parquet")
    for name in TABLES:
        from_csv = read(tmp_path / "csv", name)
        from_pq = pd.read_parquet(tmp_path / "pq" / f"{name}.parquet").fillna("")
        pd.testing.assert_frame_equal(from_csv, from_pq.astype(object), check_dtype=False)
    assert not (tmp_path / "pq" / "individuals.csv").exists()
    assert (tmp_path / "pq" / "truth" / "records.csv").exists()


def test_bad_arguments_raise(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="n_records"):
        generate_bundle(tmp_path, 0)
    with pytest.raises(ValueError, match="fmt"):
        generate_bundle(tmp_path, 10, fmt="xlsx")


# --- structure --------------------------------------------------------------------------------


def test_contract_columns_in_order(small: Path) -> None:
    for name, columns in CONTRACT_COLUMNS.items():
        assert list(read(small, name).columns[: len(columns)]) == columns
    for name, columns in TRUTH_FILES.items():
        assert list(read(small / "truth", name).columns) == columns


def test_ids_unique_and_references_resolve(small: Path) -> None:
    ind, fu = read(small, "individuals"), read(small, "family_units")
    cases, hearings = read(small, "cases"), read(small, "hearings")
    assert ind.record_id.is_unique and cases.case_id.is_unique and hearings.hearing_id.is_unique
    records = set(ind.record_id)
    assert set(fu.record_id) <= records
    assert set(cases.record_id) <= records
    assert set(cases.lead_case_id) - {""} <= set(cases.case_id)
    assert set(hearings.case_id) <= set(cases.case_id)
    assert not fu.duplicated(["family_unit_id", "record_id"]).any()


def test_case_respondents_are_eoir_records_and_leads_are_leads(small: Path) -> None:
    ind, cases = read(small, "individuals"), read(small, "cases")
    source = dict(zip(ind.record_id, ind.source, strict=True))
    assert {source[r] for r in cases.record_id} == {"EOIR"}
    leads = cases[cases.lead_case_id != ""].lead_case_id
    lead_of = dict(zip(cases.case_id, cases.lead_case_id, strict=True))
    assert all(lead_of[c] == "" for c in leads)


def test_values_are_well_formed(small: Path) -> None:
    ind = read(small, "individuals")
    a_number = re.compile(r"^(A-\d{3}-\d{3}-\d{3}|A\d{8,9}|\d{8,9}|\d{3} \d{3} \d{3})$")
    assert ind.a_number[ind.a_number != ""].map(lambda v: bool(a_number.match(v))).all()
    for column in ("dob", "as_of"):
        values = ind[column][ind[column] != ""]
        assert pd.to_datetime(values, format="%Y-%m-%d", errors="coerce").notna().all()
    assert set(ind.sex) <= {"M", "F", "X", ""}
    assert set(ind.country_of_location) <= {"MEX", "USA", ""}
    assert set(ind.fear_assessment) <= {"NONE", "PENDING", "POSITIVE", "NEGATIVE", ""}
    assert set(ind.source) == {"CBP", "EOIR", "USCIS", "NGO"}
    as_of = pd.to_datetime(ind.as_of)
    assert as_of.min() >= pd.Timestamp("2019-01-29") and as_of.max() <= pd.Timestamp("2022-12-31")
    roles = set(read(small, "family_units").role) - {""}
    assert roles <= {
        "HEAD",
        "SPOUSE",
        "PARENT",
        "CHILD",
        "SIBLING",
        "GRANDPARENT",
        "GUARDIAN",
        "OTHER_RELATIVE",
    }


def test_hearings_agree_with_case_status(small: Path) -> None:
    cases, hearings = read(small, "cases"), read(small, "hearings")
    per_case = hearings.groupby("case_id")
    assert per_case.size().between(1, 6).all()
    results = per_case.result.agg(set)
    for status, needed in (("IN_ABSENTIA", "IN_ABSENTIA"), ("RELIEF_GRANTED", "HELD")):
        ids = cases.case_id[cases.status == status]
        assert all(needed in results[c] for c in ids if c in results.index)
    last = hearings.sort_values("date").groupby("case_id").last()
    absentia = cases.set_index("case_id").status == "IN_ABSENTIA"
    assert (
        last.loc[absentia[absentia].index.intersection(last.index)].result == "IN_ABSENTIA"
    ).all()


# --- truth ------------------------------------------------------------------------------------


def test_truth_covers_every_record_once(small: Path) -> None:
    ind, truth = read(small, "individuals"), read(small / "truth", "records")
    assert truth.record_id.is_unique
    assert sorted(truth.record_id) == sorted(ind.record_id)
    per_person = truth.person_id.value_counts()
    assert per_person.min() >= 1 and 2.0 <= per_person.mean() <= 3.5


def test_families_are_the_unit_components(small: Path) -> None:
    truth, units = read(small / "truth", "records"), read(small, "family_units")
    person = dict(zip(truth.record_id, truth.person_id, strict=True))
    graph = nx.Graph()
    for _, group in units.groupby("family_unit_id"):
        members = [person[r] for r in group.record_id]
        graph.add_nodes_from(members)
        graph.add_edges_from(itertools.pairwise(members))
    expected = {frozenset(c) for c in nx.connected_components(graph)}
    families = read(small / "truth", "families")
    assert families.person_id.is_unique  # a person is in at most one family
    got = {frozenset(g.person_id) for _, g in families.groupby("family_id")}
    assert got == expected


def test_truth_recomputed_on_the_whole_bundle_matches(large: tuple[Path, dict]) -> None:
    """Truth is written chunk by chunk; recomputed at once it must be identical."""
    folder, _ = large
    again = compute_truth(
        read(folder, "individuals"),
        read(folder, "family_units"),
        read(folder, "cases"),
        read(folder / "truth", "records"),
    )
    for name, frame in again.items():
        written = read(folder / "truth", name).sort_values("family_id", kind="stable")
        pd.testing.assert_frame_equal(
            frame.reset_index(drop=True), written.reset_index(drop=True), check_dtype=False
        )


def test_flag_lists_are_sorted_and_complete(small: Path) -> None:
    truth = read(small / "truth", "records")
    records_of = truth.groupby("person_id").record_id.agg(set)
    families = read(small / "truth", "families")
    expected = {
        f: set().union(*(records_of[p] for p in g.person_id))
        for f, g in families.groupby("family_id")
    }
    for name in ("separated_families", "mixed_nationality_units", "joint_reprocessing"):
        flagged = read(small / "truth", name)
        for family, text in zip(flagged.family_id, flagged.record_ids, strict=True):
            ids = text.split(";")
            assert ids == sorted(ids) and set(ids) == expected[family]
    for name in ("separated_families", "joint_reprocessing"):
        for text in read(small / "truth", name).codes:
            codes = text.split(";")
            assert codes == sorted(codes) and set(codes) <= CODES


# --- the committed sample ---------------------------------------------------------------------


def test_sample_has_several_of_every_code() -> None:
    truth = SAMPLE / "truth"
    seen: dict[str, int] = dict.fromkeys(CODES, 0)
    for name in ("separated_families", "joint_reprocessing"):
        for codes in read(truth, name).codes:
            for code in codes.split(";"):
                seen[code] += 1
    assert min(seen.values()) >= 3, seen
    mixed = read(truth, "mixed_nationality_units")
    assert len(mixed) >= 3 and set(mixed.mexican_member) == {"true", "false"}


def test_sample_is_what_the_documented_command_makes(tmp_path: Path) -> None:
    generate_bundle(tmp_path, 3000, seed=2019)
    names = files(SAMPLE)
    assert names == files(tmp_path)
    _, mismatch, errors = filecmp.cmpfiles(SAMPLE, tmp_path, names, shallow=False)
    assert not mismatch and not errors


# --- realism ----------------------------------------------------------------------------------


def test_nationality_mix(persons_20k: pd.DataFrame) -> None:
    shares = persons_20k.nationality.value_counts(normalize=True)
    for nat, target in {"HND": 0.38, "GTM": 0.27, "SLV": 0.13, "CUB": 0.12}.items():
        assert abs(shares[nat] - target) < 0.03, (nat, shares[nat])
    assert 0.003 < shares["MEX"] < 0.03
    assert set(shares.index) <= {
        "HND",
        "GTM",
        "SLV",
        "CUB",
        "ECU",
        "VEN",
        "NIC",
        "BRA",
        "COL",
        "PER",
        "MEX",
        "USA",
    }


def test_about_a_third_are_minors(persons_20k: pd.DataFrame) -> None:
    known = persons_20k.dropna(subset=["dob"])
    age = (pd.to_datetime(known.first_seen) - pd.to_datetime(known.dob)).dt.days / 365.25
    assert 0.28 <= (age < 18).mean() <= 0.40


def test_case_outcomes_look_like_mpp(large: tuple[Path, dict]) -> None:
    folder, _ = large
    status = read(folder, "cases").status.value_counts(normalize=True)
    completed = 1 - status["PENDING"]
    assert 0.58 <= completed <= 0.75
    removal = status["IN_ABSENTIA"] + status["REMOVAL_ORDERED"]
    assert removal > completed / 2 and status["IN_ABSENTIA"] > removal / 2
    assert 0.005 <= status["RELIEF_GRANTED"] <= 0.03


def test_hard_cases_occur(large: tuple[Path, dict]) -> None:
    """Twins and unrelated namesakes are in the data, as in real records."""
    folder, _ = large
    ind = read(folder, "individuals").merge(read(folder / "truth", "records"), on="record_id")
    families = read(folder / "truth", "families")
    fam = dict(zip(families.person_id, families.family_id, strict=True))
    cbp = ind[ind.source == "CBP"].drop_duplicates("person_id").copy()
    cbp["family"] = cbp.person_id.map(fam)
    twins = cbp[cbp.family.notna()].groupby(["family", "dob", "surnames"]).person_id.nunique()
    assert (twins >= 2).sum() >= 3
    cbp["name"] = (cbp.given_names + " " + cbp.surnames).str.upper()
    namesakes = cbp.groupby("name").person_id.nunique()
    assert (namesakes >= 2).sum() >= 3


def test_sources_have_their_noise(large: tuple[Path, dict]) -> None:
    folder, _ = large
    ind = read(folder, "individuals")
    missing_a = ind.a_number.eq("").groupby(ind.source).mean()
    assert missing_a["CBP"] < 0.05 and missing_a["EOIR"] == 0 and 0.4 < missing_a["NGO"] < 0.6
    ngo = ind[ind.source == "NGO"]
    assert ngo.given_names.isin(["Pepe", "Chepe", "Paco", "Pancho", "Lupe", "Chuy", "Memo"]).any()
    assert ngo.a_number.str.contains("-").any() and ngo.a_number.str.contains(" ").any()
    eoir = ind[ind.source == "EOIR"]
    assert eoir.surnames.str.contains("-").any()
    assert (eoir.given_names == eoir.given_names.str.upper()).mean() > 0.6
    guatemalan = ind[ind.nationality.isin(["GTM", "Guatemala"])]
    assert guatemalan.language.isin(["K'iche'", "Mam", "Q'anjob'al"]).any()
