"""Country names, codes and demonyms -> ISO 3166-1 alpha-3.

ISO codes and English names come from ``pycountry`` (the maintained copy of the ISO 3166
tables); the aliases below add the Spanish and Portuguese names, short forms and nationalities
written as demonyms ("Honduran", "hondureña") that appear in MPP-era intake forms.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import pycountry

ALIASES = {
    "HONDURAS": "HND",
    "GUATEMALA": "GTM",
    "SALVADOR": "SLV",
    "EL SALVADOR": "SLV",
    "CUBA": "CUB",
    "VENEZUELA": "VEN",
    "ECUADOR": "ECU",
    "NICARAGUA": "NIC",
    "BRASIL": "BRA",
    "BRAZIL": "BRA",
    "COLOMBIA": "COL",
    "PERU": "PER",
    "MEXICO": "MEX",
    "ESTADOS UNIDOS": "USA",
    "UNITED STATES": "USA",
    "US": "USA",
    "USA": "USA",
    "EE UU": "USA",
    "EEUU": "USA",
    "HAITI": "HTI",
    "REPUBLICA DOMINICANA": "DOM",
    "DOMINICAN REPUBLIC": "DOM",
    "BOLIVIA": "BOL",
    "CHILE": "CHL",
    "ARGENTINA": "ARG",
}

# Nationalities as people write them (demonyms), English, Spanish (both genders) and Portuguese.
DEMONYMS = {
    "HND": ("HONDURAN", "HONDURENO", "HONDURENA", "HONDURENHO"),
    "GTM": ("GUATEMALAN", "GUATEMALTECO", "GUATEMALTECA"),
    "SLV": ("SALVADORAN", "SALVADOREAN", "SALVADORENO", "SALVADORENA", "SALVADORENHO"),
    "CUB": ("CUBAN", "CUBANO", "CUBANA"),
    "VEN": ("VENEZUELAN", "VENEZOLANO", "VENEZOLANA", "VENEZUELANO", "VENEZUELANA"),
    "ECU": ("ECUADORIAN", "ECUADOREAN", "ECUATORIANO", "ECUATORIANA"),
    "NIC": ("NICARAGUAN", "NICARAGUENSE"),
    "BRA": ("BRAZILIAN", "BRASILENO", "BRASILENA", "BRASILEIRO", "BRASILEIRA"),
    "COL": ("COLOMBIAN", "COLOMBIANO", "COLOMBIANA"),
    "PER": ("PERUVIAN", "PERUANO", "PERUANA"),
    "MEX": ("MEXICAN", "MEXICANO", "MEXICANA"),
    "USA": ("AMERICAN", "US CITIZEN", "ESTADOUNIDENSE", "NORTEAMERICANO", "NORTEAMERICANA"),
    "HTI": ("HAITIAN", "HAITIANO", "HAITIANA"),
    "DOM": ("DOMINICAN", "DOMINICANO", "DOMINICANA"),
    "BOL": ("BOLIVIAN", "BOLIVIANO", "BOLIVIANA"),
    "CHL": ("CHILEAN", "CHILENO", "CHILENA"),
    "ARG": ("ARGENTINE", "ARGENTINIAN", "ARGENTINO", "ARGENTINA"),
    "PAN": ("PANAMANIAN", "PANAMENO", "PANAMENA"),
    "CRI": ("COSTA RICAN", "COSTARRICENSE"),
    "BLZ": ("BELIZEAN", "BELICENO", "BELICENA"),
    "URY": ("URUGUAYAN", "URUGUAYO", "URUGUAYA"),
    "PRY": ("PARAGUAYAN", "PARAGUAYO", "PARAGUAYA"),
    "IND": ("INDIAN",),
    "CHN": ("CHINESE", "CHINO", "CHINA"),
    "RUS": ("RUSSIAN", "RUSO", "RUSA"),
    "TUR": ("TURKISH", "TURCO", "TURCA"),
    "AGO": ("ANGOLAN", "ANGOLENO", "ANGOLENA"),
    "CMR": ("CAMEROONIAN", "CAMERUNES", "CAMERUNESA"),
}
for _code, _words in DEMONYMS.items():
    for _word in _words:
        ALIASES.setdefault(_word, _code)
ALIASES["ARGENTINA"] = "ARG"  # the country, before its feminine demonym (the same word)
ALIASES["CHINA"] = "CHN"


def _fold(value: str) -> str:
    """Upper-case, strip accents and punctuation so that 'México' == 'MEXICO'."""
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in letters.upper())
    return " ".join(cleaned.split())


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """Return the ISO alpha-3 code for a code or country name, or ``None`` if unknown.

    Examples
    --------
    >>> country_code("gtm"), country_code("Perú"), country_code("United States of America")
    ('GTM', 'PER', 'USA')
    >>> country_code("Honduran"), country_code("hondureña"), country_code("Mexicana")
    ('HND', 'HND', 'MEX')
    >>> country_code("Narnia") is None
    True
    """
    folded = _fold(value)
    if not folded:
        return None
    if folded in ALIASES:
        return ALIASES[folded]
    try:
        return str(pycountry.countries.lookup(folded).alpha_3)
    except LookupError:
        return None
