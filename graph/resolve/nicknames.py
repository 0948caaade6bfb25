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

# nickname -> the one given name it stands for (applied at normalisation)
NICKNAMES: dict[str, str] = {
    # José, Josefa, Josefina
    "pepe": "jose", "pepito": "jose", "chepe": "jose", "chepito": "jose", "cheo": "jose",
    "che": "jose", "chema": "jose", "ze": "jose", "zeca": "jose", "zezinho": "jose",
    "pepa": "josefa", "pepita": "josefa", "chepa": "josefa",
    "fina": "josefina", "chepina": "josefina",
    # Francisco, Francisca
    "paco": "francisco", "paquito": "francisco", "pancho": "francisco", "panchito": "francisco",
    "curro": "francisco", "chico": "francisco", "pacho": "francisco", "frank": "francisco",
    "paca": "francisca", "paquita": "francisca", "pancha": "francisca", "panchita": "francisca",
    # Guadalupe (men and women), Jesús, Refugio, Rosario
    "lupe": "guadalupe", "lupita": "guadalupe",
    "chuy": "jesus", "chuyito": "jesus", "chucho": "jesus", "chuchito": "jesus",
    "cuca": "refugio", "cuco": "refugio",
    "charo": "rosario", "charito": "rosario", "chayo": "rosario", "chayito": "rosario",
    # other men's names
    "nacho": "ignacio", "nachito": "ignacio", "memo": "guillermo", "memito": "guillermo",
    "guille": "guillermo", "lalo": "eduardo", "edu": "eduardo", "dudu": "eduardo",
    "quique": "enrique", "kike": "enrique", "enriquito": "enrique",
    "rafa": "rafael", "rafita": "rafael", "poncho": "alfonso", "ponchito": "alfonso",
    "chalo": "gonzalo", "goyo": "gregorio", "nando": "fernando",
    "lucho": "luis", "guicho": "luis", "wicho": "luis", "luisito": "luis",
    "manolo": "manuel", "manolito": "manuel", "manu": "manuel",
    "juancho": "juan", "juanito": "juan", "juancito": "juan",
    "santi": "santiago", "chago": "santiago", "chava": "salvador", "chavita": "salvador",
    "tavo": "gustavo", "tavito": "gustavo", "neto": "ernesto", "gabo": "gabriel",
    "moncho": "ramon", "gera": "gerardo", "coque": "jorge", "fredy": "alfredo",
    "freddy": "alfredo", "chente": "vicente", "lencho": "lorenzo",
    "tono": "antonio", "tonito": "antonio", "tonio": "antonio", "toninho": "antonio",
    "carlitos": "carlos", "charly": "carlos", "charlie": "carlos",
    "perico": "pedro", "pedrito": "pedro", "migue": "miguel", "miguelito": "miguel",
    "nico": "nicolas", "checo": "sergio", "moy": "moises", "isma": "ismael", "isra": "israel",
    "richi": "ricardo", "richie": "ricardo", "ricky": "ricardo", "benja": "benjamin",
    "tomy": "tomas", "tommy": "tomas", "mauri": "mauricio", "rodri": "rodrigo",
    "fede": "federico", "mingo": "domingo", "quino": "joaquin", "quim": "joaquim",
    "pipe": "felipe", "dago": "dagoberto", "sebas": "sebastian", "tiao": "sebastiao",
    "guto": "augusto",
    # other women's names
    "pili": "pilar", "concha": "concepcion", "conchita": "concepcion", "conchi": "concepcion",
    "lola": "dolores", "lolita": "dolores", "merche": "mercedes", "meche": "mercedes",
    "tere": "teresa", "teresita": "teresa", "paty": "patricia", "pati": "patricia",
    "patty": "patricia", "chabela": "isabel", "chavela": "isabel", "chabelita": "isabel",
    "licha": "alicia", "nena": "elena", "maru": "maria", "mari": "maria", "mary": "maria",
    "magui": "margarita", "maggie": "margarita", "maggy": "margarita", "marga": "margarita",
    "chio": "rocio", "tencha": "hortensia", "nacha": "ignacia", "lucha": "luz",
    "tona": "antonia", "tonita": "antonia", "vero": "veronica", "caro": "carolina",
    "carol": "carolina", "moni": "monica", "clau": "claudia", "lore": "lorena",
    "ceci": "cecilia", "sandy": "sandra", "susy": "susana", "susi": "susana",
    "yoli": "yolanda", "yoly": "yolanda", "leti": "leticia", "pame": "pamela",
    "cata": "catalina", "jime": "jimena", "bere": "berenice", "vane": "vanessa",
    "bia": "beatriz", "nanda": "fernanda", "duda": "eduarda", "sole": "soledad",
    # English
    "bill": "william", "bob": "robert", "jim": "james",
}  # fmt: skip

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
        "tony": "antonio anthony", "toni": "antonio anthony",
        "kiko": "francisco enrique", "quico": "francisco enrique",
        "meme": "manuel guillermo",
        "fito": "adolfo rodolfo",
        "leo": "leonardo leonel leopoldo leon",
        "eli": "elizabeth elisa elias eliseo",
        "andy": "andres andrea",
        "chris": "cristian christian cristobal cristina christopher",
        "cris": "cristian christian cristobal cristina",
        "willy": "guillermo william wilfredo", "wili": "guillermo william wilfredo",
        "jimmy": "jaime james",
        "mike": "miguel michael",
        "johnny": "juan jonathan john", "jonny": "juan jonathan john",
        "eddy": "eduardo edgar edwin", "edi": "eduardo edgar edwin",
        "betty": "beatriz elizabeth",
        "liz": "elizabeth lizbeth",
        "vicky": "victoria virginia",
        "nati": "natalia natividad", "naty": "natalia natividad",
        "tina": "cristina martina agustina ernestina",
        "gina": "georgina regina",
        "lucy": "lucia luz",
        "rosy": "rosa rosario", "rosi": "rosa rosario",
        "mundo": "edmundo raimundo",
        "polo": "leopoldo hipolito",
        "tino": "agustin faustino constantino",
        "fabi": "fabiola fabiana fabian",
        "gabi": "gabriela gabriel", "gaby": "gabriela gabriel",
        "chela": "graciela marcela",
        "chelo": "consuelo marcelo",
        "pao": "paola paula",
        "juli": "julia julio juliana julian",
        "isa": "isabel isabela",
    }.items()
}  # fmt: skip

# given names that end like a diminutive but are names of their own
NOT_DIMINUTIVES = frozenset(
    {"benito", "benita", "margarita", "hipolito", "hipolita", "expedito", "expedita",
     "agapito", "agapita", "margarito", "tito", "tita", "chito", "rita", "zita", "nikita",
     "priscilla"}
)  # fmt: skip

# diminutive suffix -> endings that may replace it to give the base name (longest first)
_DIMINUTIVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("zinho", ("",)), ("zinha", ("",)), ("inhos", ("os",)), ("inhas", ("as",)),
    ("inho", ("o", "")), ("inha", ("a", "")),
    ("itos", ("os", "es")), ("itas", ("as", "es")),
    ("cito", ("", "e")), ("cita", ("", "e")),
    ("ito", ("o", "", "e")), ("ita", ("a", "", "e")),
    ("illo", ("o", "", "e")), ("illa", ("a", "", "e")),
)  # fmt: skip
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
