"""Places, courts, calendars and population shares for the synthetic MPP bundle generator.

All figures are approximate and chosen to resemble what is publicly known about the Migrant
Protection Protocols (2019-2021): the nationality mix of enrollees, the border sectors and the
Mexican cities people waited in, the MPP hearing locations, and the interior courts cases were
moved to.  See ``data/samples/README.md`` for the sources.
"""

from __future__ import annotations

from datetime import date

#: Share of MPP enrollees by nationality (persons).
NATIONALITY_SHARES: dict[str, float] = {
    "HND": 0.38,
    "GTM": 0.27,
    "SLV": 0.13,
    "CUB": 0.12,
    "ECU": 0.035,
    "VEN": 0.02,
    "NIC": 0.02,
    "BRA": 0.012,
    "COL": 0.008,
    "PER": 0.005,
}

#: English country names, as some sources write nationality.
COUNTRY_NAMES: dict[str, str] = {
    "HND": "Honduras",
    "GTM": "Guatemala",
    "SLV": "El Salvador",
    "CUB": "Cuba",
    "ECU": "Ecuador",
    "VEN": "Venezuela",
    "NIC": "Nicaragua",
    "BRA": "Brazil",
    "COL": "Colombia",
    "PER": "Peru",
    "MEX": "Mexico",
    "USA": "United States",
}

#: Mayan languages spoken by many Guatemalan asylum seekers, with relative weights.
MAYAN_LANGUAGES: tuple[tuple[str, float], ...] = (
    ("K'iche'", 35.0),
    ("Mam", 30.0),
    ("Q'anjob'al", 15.0),
    ("Kaqchikel", 10.0),
    ("Q'eqchi'", 10.0),
)

#: Spellings an intake worker may use for a Mayan language.
LANGUAGE_VARIANTS: dict[str, tuple[str, ...]] = {
    "K'iche'": ("Quiché", "Kiche"),
    "Q'anjob'al": ("Kanjobal",),
    "Q'eqchi'": ("Kekchi",),
    "Kaqchikel": ("Cakchiquel",),
}

#: Share of households speaking an indigenous language at home, by nationality.
INDIGENOUS_SHARE: dict[str, float] = {"GTM": 0.30, "ECU": 0.08, "PER": 0.05, "HND": 0.01}

#: Border sectors: (weight, [(Mexican city, weight)], MPP court names as recorded).
SECTORS: dict[str, tuple[float, tuple[tuple[str, float], ...], tuple[str, ...]]] = {
    "SD": (0.15, (("Tijuana", 1.0),), ("San Diego",)),
    "CX": (0.04, (("Mexicali", 1.0),), ("Calexico",)),
    "EP": (0.30, (("Ciudad Juárez", 1.0),), ("El Paso",)),
    "LRD": (
        0.22,
        (("Nuevo Laredo", 0.6), ("Monterrey", 0.4)),
        ("Laredo MPP hearing facility", "San Antonio"),
    ),
    "BRO": (
        0.29,
        (("Matamoros", 0.75), ("Reynosa", 0.25)),
        ("Brownsville MPP hearing facility", "Harlingen"),
    ),
}

#: U.S. border city where each sector's encounters and port processing happen.
SECTOR_US_CITY: dict[str, str] = {
    "SD": "San Diego",
    "CX": "Calexico",
    "EP": "El Paso",
    "LRD": "Laredo",
    "BRO": "Brownsville",
}

#: Interior destinations: (city, immigration court, weight).
US_DESTINATIONS: tuple[tuple[str, str, float], ...] = (
    ("Houston", "Houston", 14.0),
    ("Los Angeles", "Los Angeles", 10.0),
    ("New York", "New York", 9.0),
    ("Miami", "Miami", 9.0),
    ("Chicago", "Chicago", 6.0),
    ("Dallas", "Dallas", 7.0),
    ("Atlanta", "Atlanta", 5.0),
    ("Newark", "Newark", 5.0),
    ("Charlotte", "Charlotte", 4.0),
    ("Washington", "Arlington", 4.0),
    ("Boston", "Boston", 4.0),
    ("San Francisco", "San Francisco", 3.0),
    ("Nashville", "Memphis", 3.0),
    ("Denver", "Denver", 2.0),
    ("Phoenix", "Phoenix", 2.0),
    ("Baltimore", "Baltimore", 2.0),
    ("Omaha", "Omaha", 1.0),
    ("Seattle", "Seattle", 1.0),
)

#: Shelter names an NGO may write in the address field (generic names, one per city).
SHELTERS: dict[str, tuple[str, ...]] = {
    "Tijuana": ("Casa del Migrante", "Albergue Juventud", "Albergue Santa Rosa"),
    "Mexicali": ("Albergue del Valle", "Casa del Migrante"),
    "Ciudad Juárez": ("Casa del Migrante", "Albergue Buen Pastor", "Albergue Esperanza"),
    "Nuevo Laredo": ("Casa del Migrante", "Albergue Guadalupe"),
    "Monterrey": ("Casa del Forastero", "Albergue San José"),
    "Matamoros": ("Campamento Matamoros", "Albergue La Casita"),
    "Reynosa": ("Senda de Vida", "Plaza de la República"),
}

#: Mexican mobile phone area codes by city (for family phone numbers).
AREA_CODES: dict[str, str] = {
    "Tijuana": "664",
    "Mexicali": "686",
    "Ciudad Juárez": "656",
    "Nuevo Laredo": "867",
    "Monterrey": "81",
    "Matamoros": "868",
    "Reynosa": "899",
}

# --- Calendar -------------------------------------------------------------------------------

MPP_START = date(2019, 1, 29)
#: New enrollments stopped on 2021-01-21.
MPP_LAST_ENROLLMENT = date(2021, 1, 20)
#: MPP hearings were postponed from this date (COVID-19) and never resumed.
MPP_HEARINGS_SUSPENDED = date(2020, 3, 23)
#: First people with active cases processed into the U.S. in the wind-down.
WIND_DOWN_START = date(2021, 2, 19)
WIND_DOWN_END = date(2021, 12, 1)
#: The snapshot date of the bundle: nothing happens after it.
SNAPSHOT = date(2022, 12, 31)

#: Relative MPP enrollments by month (year, month, weight): a peak in mid/late 2019.
ENROLLMENT_MONTHS: tuple[tuple[int, int, float], ...] = (
    (2019, 1, 0.2),
    (2019, 2, 0.8),
    (2019, 3, 1.5),
    (2019, 4, 2.5),
    (2019, 5, 3.5),
    (2019, 6, 6.0),
    (2019, 7, 11.0),
    (2019, 8, 12.0),
    (2019, 9, 10.0),
    (2019, 10, 7.0),
    (2019, 11, 5.5),
    (2019, 12, 4.5),
    (2020, 1, 3.5),
    (2020, 2, 3.0),
    (2020, 3, 1.5),
    (2020, 4, 0.3),
    (2020, 5, 0.3),
    (2020, 6, 0.3),
    (2020, 7, 0.3),
    (2020, 8, 0.3),
    (2020, 9, 0.3),
    (2020, 10, 0.3),
    (2020, 11, 0.3),
    (2020, 12, 0.3),
    (2021, 1, 0.2),
)
