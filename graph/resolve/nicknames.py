"""Given-name nicknames (hipocorísticos) and the test that accepts them.

Two tables, both keyed and valued by folded tokens (lower case, no accents, see
:func:`kinlink.graph.resolve.prepare.fold`):

* :data:`NICKNAMES`: a nickname that stands for one name only (Pepe -> jose, Güicho -> luis).
  Normalisation replaces it by that name, so "Pepe" and "José" agree *exactly*.
* :data:`AMBIGUOUS`: a nickname that stands for several names (Beto -> Alberto, Roberto,
  Humberto, ...; Dani -> Daniel, Daniela). Normalisation leaves it as written; the
  ``nickname`` level of the ``given_names`` comparison (:func:`nickname_match`) accepts it
  against any of its names.

A conservative diminutive rule (-ito/-ita, -cito/-cita, -illo/-illa, Portuguese -inho/-inha and
-zinho/-zinha) lets "Rosita" meet "Rosa" and "Dieguito" meet "Diego" at the same level. It only
ever matters when the *other* record holds the base name, and names that merely look like
diminutives (Benito, Margarita, Hipólito, ...) are left out.

The tables cover the hypocorisms common in Mexico, Central America, Cuba, Venezuela and Brazil.
They were written from general knowledge of Spanish and Portuguese naming, in the spirit of the
usual references on *hipocorísticos*: the DLE entry "hipocorístico" (RAE), Fundéu RAE's notes on
writing hypocorisms, the Wikipedia articles "Hipocorístico" (es) and "Hipocorístico" (pt), and
the Academia Mexicana de la Lengua's notes on Pepe and Paco. Regional usage varies from family to
family, so only widely known forms are listed, and a form shared by several names goes to
:data:`AMBIGUOUS` rather than being forced onto one of them.
"""

from __future__ import annotations

from functools import lru_cache

# given name -> the nicknames that stand for it alone (inverted into NICKNAMES)
_NICKNAMES_BY_NAME: dict[str, str] = {
    # José, Josefa, Josefina
    "jose": "pepe pepito chepe chepito cheo che chema ze zeca zezinho",
    "josefa": "pepa pepita chepa",
    "josefina": "fina chepina",
    # Francisco, Francisca
    "francisco": "paco paquito pancho panchito curro chico pacho frank",
    "francisca": "paca paquita pancha panchita",
    # Guadalupe (men and women), Jesús, Refugio, Rosario
    "guadalupe": "lupe lupita",
    "jesus": "chuy chuyito chucho chuchito",
    "refugio": "cuca cuco",
    "rosario": "charo charito chayo chayito",
    # other men's names
    "ignacio": "nacho nachito",
    "guillermo": "memo memito guille",
    "eduardo": "lalo edu dudu",
    "enrique": "quique kike enriquito",
    "rafael": "rafa rafita",
    "alfonso": "poncho ponchito",
    "gonzalo": "chalo",
    "gregorio": "goyo",
    "fernando": "nando",
    "luis": "lucho guicho wicho luisito",
    "manuel": "manolo manolito manu",
    "juan": "juancho juanito juancito",
    "santiago": "santi chago",
    "salvador": "chava chavita",
    "gustavo": "tavo tavito",
    "ernesto": "neto",
    "gabriel": "gabo",
    "ramon": "moncho",
    "gerardo": "gera",
    "jorge": "coque",
    "alfredo": "fredy freddy",
    "vicente": "chente",
    "lorenzo": "lencho",
    "antonio": "tono tonito tonio toninho",
    "carlos": "carlitos charly charlie",
    "pedro": "perico pedrito",
    "miguel": "migue miguelito",
    "nicolas": "nico",
    "sergio": "checo",
    "moises": "moy",
    "ismael": "isma",
    "israel": "isra",
    "ricardo": "richi richie ricky",
    "benjamin": "benja",
    "tomas": "tomy tommy",
    "mauricio": "mauri",
    "rodrigo": "rodri",
    "federico": "fede",
    "domingo": "mingo",
    "joaquin": "quino",
    "joaquim": "quim",
    "felipe": "pipe",
    "dagoberto": "dago",
    "sebastian": "sebas",
    "sebastiao": "tiao",
    "augusto": "guto",
    # other women's names
    "pilar": "pili",
    "concepcion": "concha conchita conchi",
    "dolores": "lola lolita",
    "mercedes": "merche meche",
    "teresa": "tere teresita",
    "patricia": "paty pati patty",
    "isabel": "chabela chavela chabelita",
    "alicia": "licha",
    "elena": "nena",
    "maria": "maru mari mary",
    "margarita": "magui maggie maggy marga",
    "rocio": "chio",
    "hortensia": "tencha",
    "ignacia": "nacha",
    "luz": "lucha",
    "antonia": "tona tonita",
    "veronica": "vero",
    "carolina": "caro carol",
    "monica": "moni",
    "claudia": "clau",
    "lorena": "lore",
    "cecilia": "ceci",
    "sandra": "sandy",
    "susana": "susy susi",
    "yolanda": "yoli yoly",
    "leticia": "leti",
    "pamela": "pame",
    "catalina": "cata",
    "jimena": "jime",
    "berenice": "bere",
    "vanessa": "vane",
    "beatriz": "bia",
    "fernanda": "nanda",
    "eduarda": "duda",
    "soledad": "sole",
    # English
    "william": "bill",
    "robert": "bob",
    "james": "jim",
}

# nickname -> the one given name it stands for (applied at normalisation)
NICKNAMES: dict[str, str] = {
    nickname: name
    for name, nicknames in _NICKNAMES_BY_NAME.items()
    for nickname in nicknames.split()
}

# nickname -> every given name it commonly stands for (kept as written; see nickname_match)
AMBIGUOUS: dict[str, frozenset[str]] = {
    nickname: frozenset(names.split())
    for nickname, names in {
        "beto": "alberto roberto humberto gilberto heriberto norberto adalberto",
        "alex": "alejandro alexander alexis alejandra",
        "ale": "alejandro alejandra",
        "dani": "daniel daniela",
        "fer": "fernando fernanda",
        "rigo": "rodrigo rigoberto",
        "tony": "antonio anthony",
        "toni": "antonio anthony",
        "kiko": "francisco enrique",
        "quico": "francisco enrique",
        "meme": "manuel guillermo",
        "fito": "adolfo rodolfo",
        "leo": "leonardo leonel leopoldo leon",
        "eli": "elizabeth elisa elias eliseo",
        "andy": "andres andrea",
        "chris": "cristian christian cristobal cristina christopher",
        "cris": "cristian christian cristobal cristina",
        "willy": "guillermo william wilfredo",
        "wili": "guillermo william wilfredo",
        "jimmy": "jaime james",
        "mike": "miguel michael",
        "johnny": "juan jonathan john",
        "jonny": "juan jonathan john",
        "eddy": "eduardo edgar edwin",
        "edi": "eduardo edgar edwin",
        "betty": "beatriz elizabeth",
        "liz": "elizabeth lizbeth",
        "vicky": "victoria virginia",
        "nati": "natalia natividad",
        "naty": "natalia natividad",
        "tina": "cristina martina agustina ernestina",
        "gina": "georgina regina",
        "lucy": "lucia luz",
        "rosy": "rosa rosario",
        "rosi": "rosa rosario",
        "mundo": "edmundo raimundo",
        "polo": "leopoldo hipolito",
        "tino": "agustin faustino constantino",
        "fabi": "fabiola fabiana fabian",
        "gabi": "gabriela gabriel",
        "gaby": "gabriela gabriel",
        "chela": "graciela marcela",
        "chelo": "consuelo marcelo",
        "pao": "paola paula",
        "juli": "julia julio juliana julian",
        "isa": "isabel isabela",
    }.items()
}

# given names that end like a diminutive but are names of their own
NOT_DIMINUTIVES = frozenset(
    [
        "benito",
        "benita",
        "margarita",
        "hipolito",
        "hipolita",
        "expedito",
        "expedita",
        "agapito",
        "agapita",
        "margarito",
        "tito",
        "tita",
        "chito",
        "rita",
        "zita",
        "nikita",
        "priscilla",
    ]
)

# diminutive suffix -> endings that may replace it to give the base name (longest first)
_DIMINUTIVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("zinho", ("",)),
    ("zinha", ("",)),
    ("inhos", ("os",)),
    ("inhas", ("as",)),
    ("inho", ("o", "")),
    ("inha", ("a", "")),
    ("itos", ("os", "es")),
    ("itas", ("as", "es")),
    ("cito", ("", "e")),
    ("cita", ("", "e")),
    ("ito", ("o", "", "e")),
    ("ita", ("a", "", "e")),
    ("illo", ("o", "", "e")),
    ("illa", ("a", "", "e")),
)
_MIN_STEM = 2  # letters left once the suffix is cut
_MIN_BASE = 3  # a base name shorter than this must be in a table


def _stems(stem: str) -> tuple[str, ...]:
    """The stem and its spelling before the suffix was added (marqu- -> marc-, dieg- <- diegu-)."""
    if stem.endswith("qu"):
        return (stem, stem[:-2] + "c")
    if stem.endswith("gu"):
        return (stem, stem[:-1])
    if stem.endswith("c"):
        return (stem, stem[:-1] + "z")
    return (stem,)


def diminutive_bases(token: str) -> frozenset[str]:
    """Names a folded token may be a diminutive of (empty when it does not look like one).

    Examples
    --------
    >>> sorted(diminutive_bases("rosita") & {"rosa", "rosario"})
    ['rosa']
    >>> "carlos" in diminutive_bases("carlitos"), "diego" in diminutive_bases("dieguito")
    (True, True)
    >>> "luz" in diminutive_bases("lucita"), "joao" in diminutive_bases("joaozinho")
    (True, True)
    >>> diminutive_bases("benito"), diminutive_bases("tito")
    (frozenset(), frozenset())
    """
    if token in NOT_DIMINUTIVES:
        return frozenset()
    bases: set[str] = set()
    for suffix, endings in _DIMINUTIVES:
        if not token.endswith(suffix) or len(token) - len(suffix) < _MIN_STEM:
            continue
        for stem in _stems(token[: -len(suffix)]):
            for ending in endings:
                base = stem + ending
                if len(base) >= _MIN_BASE or base in NICKNAMES or base in AMBIGUOUS:
                    bases.add(base)
    bases.discard(token)
    return frozenset(bases)


@lru_cache(maxsize=1 << 16)
def names_for(token: str) -> frozenset[str]:
    """Every given name a folded token may stand for, itself excluded.

    Tables first (a nickname's names), then the diminutive rule, whose bases are looked up in
    the tables in turn (Betito -> beto -> Alberto, Roberto, ...).

    Examples
    --------
    >>> sorted(names_for("beto"))  # doctest: +NORMALIZE_WHITESPACE
    ['adalberto', 'alberto', 'gilberto', 'heriberto', 'humberto', 'norberto', 'roberto']
    >>> "roberto" in names_for("betito"), names_for("carlos")
    (True, frozenset())
    """
    names = set(AMBIGUOUS.get(token, ()))
    if token in NICKNAMES:
        names.add(NICKNAMES[token])
    for base in diminutive_bases(token):
        names.add(base)
        names.update(AMBIGUOUS.get(base, ()))
        if base in NICKNAMES:
            names.add(NICKNAMES[base])
    names.discard(token)
    return frozenset(names)


def may_be_nickname(name: str) -> bool:
    """True when some token of a folded name is a nickname or diminutive (cheap pre-filter).

    Examples
    --------
    >>> may_be_nickname("jose beto"), may_be_nickname("alberto jose")
    (True, False)
    """
    return any(names_for(token) for token in name.split(" "))


def tokens_agree(a: str, b: str) -> bool:
    """Two folded tokens are equal, one stands for the other, or both stand for one name.

    Examples
    --------
    >>> tokens_agree("beto", "humberto"), tokens_agree("alex", "ale"), tokens_agree("beto", "dani")
    (True, True, False)
    """
    if a == b:
        return True
    names_a, names_b = names_for(a), names_for(b)
    return b in names_a or a in names_b or not names_a.isdisjoint(names_b)


def _covered(short: list[str], long: list[str]) -> bool:
    return all(any(tokens_agree(s, t) for t in long) for s in short)


def nickname_match(a: str, b: str) -> bool:
    """Every token of the shorter name equals, or is a nickname of, some token of the other.

    The names are normalised given names (folded, particles dropped, one-valued nicknames
    already mapped). At least one of them must hold a nickname or diminutive; two names that
    merely share a token are the business of the ``subset`` level.

    Examples
    --------
    >>> nickname_match("beto", "alberto jose"), nickname_match("beto", "carlos")
    (True, False)
    >>> nickname_match("dani", "daniela"), nickname_match("rosita", "rosa maria")
    (True, True)
    >>> nickname_match("jose", "jose maria")
    False
    """
    left, right = a.split(" "), b.split(" ")
    if not (may_be_nickname(a) or may_be_nickname(b)):
        return False
    if len(left) == len(right):
        return _covered(left, right) or _covered(right, left)
    short, long = (left, right) if len(left) < len(right) else (right, left)
    return _covered(short, long)
