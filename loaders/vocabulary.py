"""The words people use for the contract's columns and codes, in English and Spanish.

Declared as data: :data:`HEADERS` lists, for each table and column, the headers that intake
spreadsheets and case lists use for it (folded by :func:`fold`: lower case, no accents, ``#``
read as "number", punctuation as spaces). :data:`ROLE_WORDS` maps relationship words to the
contract's roles. :func:`closest_column` finds the column a header most likely means; the
mapping guesser and the loader's unknown-column warning both use it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from rapidfuzz import fuzz, process

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, accents stripped, ``#`` as "number", anything else not a letter or digit as
    one space.

    Examples
    --------
    >>> fold("A#"), fold("Fecha de Nacimiento"), fold(" Nombre(s) "), fold("A-Number")
    ('a number', 'fecha de nacimiento', 'nombre s', 'a number')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = plain.replace("#", " number ").replace("nº", " number ").replace("n°", " number ")
    return _NON_ALNUM.sub(" ", plain).strip()


HEADERS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "individuals": {
        "record_id": (
            "record id",
            "id",
            "record",
            "record number",
            "client id",
            "person id",
            "intake id",
            "row id",
            "id registro",
            "registro",
            "folio",
            "id persona",
        ),
        "source": (
            "source",
            "fuente",
            "agency",
            "origin",
            "data source",
            "organization",
            "organizacion",
            "origen de datos",
        ),
        "a_number": (
            "a number",
            "anumber",
            "a no",
            "a nr",
            "alien number",
            "alien no",
            "alien registration number",
            "alien registration",
            "a file",
            "a file number",
            "numero a",
            "numero de extranjero",
            "uscis number",
            "numero de a",
            "no a",
        ),
        "given_names": (
            "first name",
            "first names",
            "given name",
            "given names",
            "forename",
            "forenames",
            "nombre",
            "nombres",
            "nombre s",
            "primer nombre",
            "name first",
            "first",
            "nome",
            "prenom",
        ),
        "surnames": (
            "last name",
            "last names",
            "surname",
            "surnames",
            "family name",
            "apellido",
            "apellidos",
            "apellido s",
            "name last",
            "last",
            "sobrenome",
            "apelidos",
            "nom",
        ),
        "dob": (
            "dob",
            "d o b",
            "date of birth",
            "birth date",
            "birthdate",
            "birthday",
            "fecha de nacimiento",
            "fecha nacimiento",
            "f nacimiento",
            "nacimiento",
            "fec nac",
            "f nac",
            "f de nac",
            "fecha de nac",
            "fecha nac",
            "fdn",
            "born",
            "data de nascimento",
        ),
        "sex": ("sex", "gender", "sexo", "genero", "m f"),
        "nationality": (
            "nationality",
            "citizenship",
            "country of citizenship",
            "country",
            "country of origin",
            "nacionalidad",
            "pais",
            "pais de origen",
            "ciudadania",
            "nacionalidade",
            "home country",
            "origin country",
        ),
        "language": (
            "language",
            "idioma",
            "lengua",
            "primary language",
            "preferred language",
            "lenguaje",
            "idioma preferido",
        ),
        "country_of_location": (
            "current country",
            "country of location",
            "location country",
            "pais actual",
            "pais de residencia",
            "country now",
            "where now",
            "current country of location",
            "pais ubicacion",
            "country where located",
            "located in country",
        ),
        "location": (
            "location",
            "city",
            "current city",
            "ciudad",
            "ubicacion",
            "lugar",
            "shelter",
            "albergue",
            "current location",
            "ciudad actual",
            "municipio",
        ),
        "as_of": (
            "as of",
            "date",
            "intake date",
            "record date",
            "fecha",
            "fecha de registro",
            "fecha de ingreso",
            "date of intake",
            "interview date",
            "fecha de entrevista",
            "registration date",
            "date recorded",
        ),
        "uac": (
            "uac",
            "unaccompanied",
            "unaccompanied minor",
            "unaccompanied child",
            "menor no acompanado",
            "nna no acompanado",
        ),
        "fear_claimed": (
            "fear",
            "fear claimed",
            "claimed fear",
            "fear claim",
            "miedo",
            "temor",
            "expreso miedo",
            "tiene miedo",
        ),
        "fear_assessment": (
            "fear assessment",
            "nrf",
            "non refoulement",
            "fear result",
            "resultado de miedo",
            "nrf result",
            "fear interview result",
        ),
        "other_id": (
            "other id",
            "passport",
            "pasaporte",
            "dni",
            "national id",
            "cedula",
            "id number",
            "documento",
            "id document",
            "passport number",
        ),
        "phone": (
            "phone",
            "telephone",
            "tel",
            "telefono",
            "celular",
            "mobile",
            "cell",
            "whatsapp",
            "phone number",
            "numero de telefono",
        ),
        "address": ("address", "direccion", "domicilio", "street address", "endereco"),
    },
    "family_units": {
        "family_unit_id": (
            "family",
            "family id",
            "family unit",
            "family unit id",
            "familia",
            "grupo familiar",
            "id familia",
            "household",
            "household id",
            "family group",
            "family number",
            "familia id",
            "numero de familia",
            "unidad familiar",
            "family no",
        ),
        "role": (
            "relationship",
            "relation",
            "role",
            "parentesco",
            "relacion",
            "rol",
            "relationship to head",
            "relation to principal",
            "family role",
            "relationship to principal",
            "relacion familiar",
        ),
    },
    "cases": {
        "case_id": ("case id", "case", "case number", "numero de caso", "caso", "case no"),
        "record_id": ("record id", "respondent", "respondent record"),
        "lead_case_id": ("lead case", "lead case id", "lead", "caso principal"),
        "court": ("court", "corte", "tribunal", "hearing location", "immigration court"),
        "mpp": ("mpp", "remain in mexico", "quedate en mexico", "mpp case"),
        "status": ("status", "estado", "case status", "estatus"),
        "status_date": ("status date", "fecha de estado"),
        "nta_date": ("nta date", "notice to appear date", "fecha nta"),
    },
    "hearings": {
        "hearing_id": ("hearing id", "hearing", "audiencia", "id audiencia"),
        "case_id": ("case id", "case", "caso"),
        "date": ("date", "hearing date", "fecha", "fecha de audiencia"),
        "court": ("court", "corte", "tribunal"),
        "type": ("type", "hearing type", "tipo"),
        "result": ("result", "outcome", "resultado"),
    },
}
"""Folded headers that name each column, by table (the column's own name is implied)."""

ROLE_WORDS: Final[dict[str, str]] = {
    **dict.fromkeys(
        (
            "head",
            "self",
            "principal",
            "jefe",
            "jefa",
            "jefe de familia",
            "jefa de familia",
            "jefe de hogar",
            "jefa de hogar",
            "cabeza de familia",
            "titular",
            "applicant",
            "main applicant",
            "primary",
            "lead",
            "hoh",
            "head of household",
            "solicitante",
            "solicitante principal",
        ),
        "HEAD",
    ),
    **dict.fromkeys(
        (
            "spouse",
            "wife",
            "husband",
            "partner",
            "esposa",
            "esposo",
            "conyuge",
            "pareja",
            "companera",
            "companero",
            "marido",
            "mujer",
            "esposa o",
            "domestic partner",
        ),
        "SPOUSE",
    ),
    **dict.fromkeys(
        (
            "parent",
            "mother",
            "father",
            "mom",
            "dad",
            "madre",
            "padre",
            "mama",
            "papa",
            "mae",
            "pai",
            "mae pai",
        ),
        "PARENT",
    ),
    **dict.fromkeys(
        (
            "child",
            "son",
            "daughter",
            "kid",
            "hijo",
            "hija",
            "nino",
            "nina",
            "menor",
            "stepson",
            "stepdaughter",
            "stepchild",
            "hijastro",
            "hijastra",
            "filho",
            "filha",
            "baby",
            "bebe",
            "infant",
            "minor",
            "children",
            "hijo a",
        ),
        "CHILD",
    ),
    **dict.fromkeys(
        (
            "sibling",
            "brother",
            "sister",
            "hermano",
            "hermana",
            "irmao",
            "irma",
            "half brother",
            "half sister",
            "medio hermano",
            "media hermana",
        ),
        "SIBLING",
    ),
    **dict.fromkeys(
        (
            "grandparent",
            "grandmother",
            "grandfather",
            "abuela",
            "abuelo",
            "avo",
            "grandma",
            "grandpa",
        ),
        "GRANDPARENT",
    ),
    **dict.fromkeys(
        (
            "guardian",
            "legal guardian",
            "tutor",
            "tutora",
            "custodian",
            "tutor legal",
            "guardian legal",
        ),
        "GUARDIAN",
    ),
    **dict.fromkeys(
        (
            "other relative",
            "relative",
            "other",
            "aunt",
            "uncle",
            "cousin",
            "niece",
            "nephew",
            "grandchild",
            "grandson",
            "granddaughter",
            "tia",
            "tio",
            "primo",
            "prima",
            "sobrino",
            "sobrina",
            "nieto",
            "nieta",
            "in law",
            "cunado",
            "cunada",
            "suegro",
            "suegra",
            "pariente",
            "familiar",
            "otro familiar",
            "otro pariente",
            "mother in law",
            "father in law",
            "brother in law",
            "sister in law",
            "son in law",
            "daughter in law",
        ),
        "OTHER_RELATIVE",
    ),
}
"""Relationship words (folded) -> the contract's family-unit roles."""


def role_of(word: str) -> str | None:
    """The role a relationship word or a role code means, or ``None``.

    Examples
    --------
    >>> role_of("Mother"), role_of("Hija"), role_of("CHILD"), role_of("other_relative")
    ('PARENT', 'CHILD', 'CHILD', 'OTHER_RELATIVE')
    >>> role_of("neighbour") is None
    True
    """
    folded = fold(word)
    return (
        ROLE_WORDS.get(folded)
        or ROLE_WORDS.get(folded.replace(" ", "_"))
        or (
            folded.upper().replace(" ", "_")
            if folded.upper().replace(" ", "_") in set(ROLE_WORDS.values())
            else None
        )
    )


def _choices(stem: str) -> dict[str, str]:
    """Every folded header that names a column of ``stem`` -> the column."""
    out: dict[str, str] = {}
    for column, words in HEADERS.get(stem, {}).items():
        out.setdefault(fold(column), column)
        for word in words:
            out.setdefault(word, column)
    return out


def column_for(header: str, stem: str) -> str | None:
    """The column of ``stem`` that ``header`` names exactly (by its folded words), or ``None``.

    Examples
    --------
    >>> column_for("First Name", "individuals"), column_for("Fecha de nacimiento", "individuals")
    ('given_names', 'dob')
    >>> column_for("A#", "individuals"), column_for("Notes", "individuals") is None
    ('a_number', True)
    """
    return _choices(stem).get(fold(header))


def closest_column(header: str, stem: str, *, cutoff: float = 85.0) -> str | None:
    """The column of ``stem`` that ``header`` most likely means, or ``None``.

    An exact folded header wins; then a header that holds every word of a known header of two
    words or more ("First Names (as on passport)"); then the closest known header by edit
    distance (``cutoff``, 0-100, on rapidfuzz's ratio), which catches typing errors.

    Examples
    --------
    >>> closest_column("First Names (as on passport)", "individuals")
    'given_names'
    >>> closest_column("Birth-date", "individuals"), closest_column("Nacionalidd", "individuals")
    ('dob', 'nationality')
    >>> closest_column("Notes", "individuals"), closest_column("Family ID", "individuals")
    (None, None)
    """
    exact = column_for(header, stem)
    if exact is not None:
        return exact
    folded = fold(header)
    if not folded:
        return None
    choices = _choices(stem)
    tokens = set(folded.split())
    held = [word for word in choices if " " in word and set(word.split()) <= tokens]
    if held:
        return choices[max(held, key=len)]
    best = process.extractOne(folded, list(choices), scorer=fuzz.ratio, score_cutoff=cutoff)
    return None if best is None else choices[best[0]]
