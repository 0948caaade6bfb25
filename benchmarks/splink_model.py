"""A sensible Splink model for MPP-like records (benchmark-only dependency).

Names (given names, surnames), date of birth, A-number, sex and nationality, with term-frequency
adjustment on names; u by random sampling, m by EM on two blocking rules, clusters by connected
components at a probability threshold. Inputs are lower-cased and accent-stripped first, so
Splink sees the same clean strings kinlink's normaliser works from.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pandas as pd


def _fold(value: object) -> object:
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.lower().split()) or None


def splink_frame(individuals: pd.DataFrame) -> pd.DataFrame:
    """The columns the Splink model uses, cleaned."""
    frame = pd.DataFrame({"unique_id": individuals["record_id"].astype(str)})
    frame["given_names"] = individuals["given_names"].map(_fold)
    frame["surnames"] = individuals["surnames"].map(_fold)
    frame["surname1"] = frame["surnames"].map(lambda s: s.split(" ")[0] if s else None)
    if "dob" in individuals:
        frame["dob"] = pd.to_datetime(individuals["dob"]).dt.strftime("%Y-%m-%d")
    else:
        frame["dob"] = None
    if "dob_raw" in individuals:  # a year alone: 1 January of it, as many pipelines store it
        year = individuals["dob_raw"].astype("string").str.fullmatch(r"\d{4}").fillna(False)
        frame.loc[frame["dob"].isna() & year.to_numpy(), "dob"] = (
            individuals["dob_raw"].astype("string") + "-01-01"
        )
    for column in ("a_number", "sex", "nationality", "other_id", "address"):
        if column in individuals:
            frame[column] = (
                individuals[column].astype(object).where(individuals[column].notna(), None)
            )
        else:
            frame[column] = None
    return frame.astype(object).where(frame.notna(), None)


def splink_resolve(
    individuals: pd.DataFrame, *, threshold: float = 0.9, link_only: bool = False
) -> pd.DataFrame:
    """Resolve with Splink; returns ``record_id, person_id``."""
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    frame = splink_frame(individuals)
    # further identifiers when the data has them (Febrl: soc_sec_id, address)
    optional: list[Any] = []
    blocking: list[Any] = []
    if frame["other_id"].notna().any():
        optional.append(cl.LevenshteinAtThresholds("other_id", [1, 2]))
        blocking.append(block_on("other_id"))
    if frame["address"].notna().any():
        optional.append(cl.JaroWinklerAtThresholds("address", [0.9, 0.7]))
    settings = SettingsCreator(
        link_type="link_only" if link_only else "dedupe_only",
        comparisons=[
            cl.NameComparison("given_names").configure(term_frequency_adjustments=True),
            cl.NameComparison("surnames").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.LevenshteinAtThresholds("a_number", [1, 2]),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
            *optional,
        ],
        blocking_rules_to_generate_predictions=[
            block_on("a_number"),
            block_on("dob"),
            block_on("given_names", "surname1"),
            block_on("surname1", "substr(dob, 1, 4)"),
            *blocking,
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    db_api = DuckDBAPI()
    if link_only:
        sources = individuals["source"].astype(str).to_numpy()
        tables = [
            db_api.register(frame[sources == s].reset_index(drop=True), dataset_display_name=s)
            for s in sorted(set(sources))
        ]
        linker = Linker(tables, settings)
    else:
        linker = Linker(db_api.register(frame), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("a_number"), block_on("given_names", "surnames", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    if frame["dob"].notna().any():  # names only: no pair agrees on a birth date to train on
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_names", "surname1")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    ).as_pandas_dataframe()
    return pd.DataFrame(
        {
            "record_id": clusters["unique_id"].astype(str),
            "person_id": clusters["cluster_id"].astype(str),
        }
    )
