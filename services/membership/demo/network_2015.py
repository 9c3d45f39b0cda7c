"""Demo member register of the COORACE network "at 31 December 2015".

Pure data: no I/O, no database, stdlib only. The register is generated
deterministically from a private ``random.Random(2015)`` (the global ``random``
state is never touched), so every call of :func:`network_2015` returns an equal
list.

The key figures match the 2015 activity report (see ``DOMAIN.md``, membership):

* 530 members; by primary form AI 292, ACI 90, ETTI 44 + ETT-ESS 6 (= 50),
  OSP 28, EI 25, GES 22, other 23; 15 members carry a second form
  (e.g. "AI" then "ETTI", "EI" then "ACI") without changing those counts;
* 116 certified members: 85 CEDRE and 31 CEDRE ISO 9001, of which two
  collective ISO certificates (4 and 3 members), all valid on 2015-12-31;
* 190 members in the Accord Groupe COORACE – AGEFOS PME, none before its joining date;
* regions spread over the four map buckets of the report (> 60, 30-60,
  15-30, 1-15 members), overseas regions included.

Names, towns, contacts, SIRETs, e-mails and phone numbers are fictitious.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from services.membership.domain.regions import REGIONS_2015

__all__ = [
    "DemoCertification",
    "DemoMember",
    "FORMS",
    "REGIONS",
    "network_2015",
    "siret_is_valid",
]


@dataclass(frozen=True)
class DemoCertification:
    scheme: str  # "CEDRE" or "CEDRE_ISO_9001"
    scope: str  # "individual" or "collective"
    obtained_on: date
    expires_on: date  # 3 years after obtained_on
    group_key: str | None  # shared by the members of one collective certificate


@dataclass(frozen=True)
class DemoMember:
    name: str
    siret: str
    forms: tuple[str, ...]  # first = primary form
    region: str  # a code from REGIONS
    joined_on: date
    contact_name: str
    contact_email: str
    contact_phone: str
    city: str
    certification: DemoCertification | None
    accord_groupe_since: date | None  # Accord Groupe COORACE – AGEFOS PME
    dues_2015_called: Decimal
    dues_2015_paid: Decimal


FORMS: tuple[str, ...] = ("AI", "ACI", "ETTI", "ETT-ESS", "EI", "GES", "OSP", "other")

REGIONS = REGIONS_2015  # the register's own reference list

# ---------------------------------------------------------------------------
# Fixed figures
# ---------------------------------------------------------------------------

REGISTER_DATE = date(2015, 12, 31)
_SEED = 2015

# Members per primary form (sum 530).
_PRIMARY_COUNTS: tuple[tuple[str, int], ...] = (
    ("AI", 292),
    ("ACI", 90),
    ("ETTI", 44),
    ("ETT-ESS", 6),
    ("OSP", 28),
    ("EI", 25),
    ("GES", 22),
    ("other", 23),
)

# Members per region (sum 530); map buckets: > 60, 30-60, 15-30, 1-15.
_REGION_COUNTS: tuple[tuple[str, int], ...] = (
    ("NPC", 71),
    ("RAL", 66),
    ("IDF", 62),  # > 60
    ("ACAL", 44),
    ("PDL", 39),
    ("BRE", 35),
    ("MPY", 32),  # 30-60
    ("AQU", 28),
    ("PAC", 26),
    ("LRO", 20),
    ("CLI", 19),  # 15-30
    ("HNO", 17),
    ("PCH", 16),
    ("BNO", 13),
    ("FCO", 12),
    ("AUV", 11),
    ("BOU", 9),  # 1-15
    ("REU", 4),
    ("GLP", 2),
    ("MTQ", 2),
    ("GUY", 1),
    ("MYT", 1),
)

# Second forms: (primary, second, how many members).
_SECOND_FORMS: tuple[tuple[str, str, int], ...] = (
    ("AI", "ETTI", 5),  # like VILLETTE EMPLOI (AI et ETTI)
    ("EI", "ACI", 3),  # like APTIMA (EI-ACI)
    ("ACI", "EI", 2),
    ("AI", "ACI", 2),
    ("ETTI", "AI", 2),
    ("OSP", "AI", 1),
)

_CEDRE_COUNT = 85
_ISO_COUNT = 31
# Collective CEDRE ISO 9001 certificates: (group key, region, obtained on, size).
_COLLECTIVE_ISO: tuple[tuple[str, str, date, int], ...] = (
    ("ISO-COLL-2014-BRE", "BRE", date(2014, 6, 12), 4),
    ("ISO-COLL-2015-NPC", "NPC", date(2015, 3, 19), 3),
)
_ACCORD_GROUPE_COUNT = 190
_DUES_UNPAID = 12  # paid nothing yet
_DUES_PARTIAL = 14  # paid part of the call; everybody else (504, ~95 %) paid in full

# Earliest plausible joining year per primary form (COORACE dates from 1985).
_EARLIEST_JOIN = {
    "AI": 1987,
    "ACI": 1985,
    "ETTI": 1990,
    "ETT-ESS": 2008,
    "EI": 1985,
    "GES": 1998,
    "OSP": 2004,
    "other": 1985,
}
# Range of the 2015 dues call (euros) per primary form.
_DUES_RANGE = {
    "AI": (300, 1500),
    "ACI": (400, 2000),
    "ETTI": (600, 2500),
    "ETT-ESS": (600, 2500),
    "EI": (500, 2200),
    "GES": (1500, 3000),
    "OSP": (300, 1200),
    "other": (300, 1000),
}

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

_TOWNS: dict[str, tuple[str, ...]] = {
    "NPC": (
        "Lille",
        "Roubaix",
        "Tourcoing",
        "Lens",
        "Arras",
        "Douai",
        "Valenciennes",
        "Dunkerque",
        "Calais",
        "Boulogne-sur-Mer",
        "Béthune",
        "Maubeuge",
        "Cambrai",
        "Saint-Omer",
        "Armentières",
        "Hazebrouck",
    ),
    "AUV": ("Clermont-Ferrand", "Vichy", "Montluçon", "Moulins", "Aurillac", "Le Puy-en-Velay", "Issoire", "Thiers"),
    "HNO": ("Rouen", "Le Havre", "Évreux", "Dieppe", "Elbeuf", "Fécamp", "Vernon", "Louviers"),
    "BNO": ("Caen", "Cherbourg", "Saint-Lô", "Alençon", "Lisieux", "Flers", "Bayeux", "Argentan"),
    "MPY": (
        "Toulouse",
        "Montauban",
        "Albi",
        "Castres",
        "Tarbes",
        "Rodez",
        "Cahors",
        "Auch",
        "Foix",
        "Millau",
        "Figeac",
        "Pamiers",
    ),
    "CLI": (
        "Orléans",
        "Tours",
        "Bourges",
        "Blois",
        "Chartres",
        "Châteauroux",
        "Limoges",
        "Brive-la-Gaillarde",
        "Guéret",
        "Tulle",
        "Vierzon",
        "Dreux",
    ),
    "PAC": (
        "Marseille",
        "Nice",
        "Toulon",
        "Avignon",
        "Aix-en-Provence",
        "Arles",
        "Gap",
        "Digne-les-Bains",
        "Draguignan",
        "Cannes",
        "Manosque",
    ),
    "BRE": (
        "Rennes",
        "Brest",
        "Quimper",
        "Lorient",
        "Vannes",
        "Saint-Brieuc",
        "Saint-Malo",
        "Morlaix",
        "Lannion",
        "Fougères",
        "Redon",
        "Pontivy",
    ),
    "PDL": (
        "Nantes",
        "Angers",
        "Le Mans",
        "Saint-Nazaire",
        "La Roche-sur-Yon",
        "Laval",
        "Cholet",
        "Saumur",
        "Les Sables-d'Olonne",
        "Château-Gontier",
        "Mayenne",
        "Ancenis",
    ),
    "FCO": ("Besançon", "Belfort", "Montbéliard", "Dole", "Lons-le-Saunier", "Vesoul", "Pontarlier", "Saint-Claude"),
    "PCH": (
        "Poitiers",
        "La Rochelle",
        "Niort",
        "Angoulême",
        "Châtellerault",
        "Rochefort",
        "Saintes",
        "Cognac",
        "Bressuire",
    ),
    "RAL": (
        "Lyon",
        "Grenoble",
        "Saint-Étienne",
        "Villeurbanne",
        "Chambéry",
        "Annecy",
        "Valence",
        "Bourg-en-Bresse",
        "Roanne",
        "Vienne",
        "Annemasse",
        "Romans-sur-Isère",
        "Vénissieux",
        "Montélimar",
        "Privas",
        "Aubenas",
    ),
    "IDF": (
        "Paris",
        "Saint-Denis",
        "Montreuil",
        "Créteil",
        "Nanterre",
        "Argenteuil",
        "Évry",
        "Cergy",
        "Meaux",
        "Melun",
        "Versailles",
        "Aubervilliers",
        "Mantes-la-Jolie",
        "Sarcelles",
        "Bobigny",
        "Vitry-sur-Seine",
    ),
    "AQU": (
        "Bordeaux",
        "Pau",
        "Bayonne",
        "Périgueux",
        "Agen",
        "Mont-de-Marsan",
        "Bergerac",
        "Libourne",
        "Dax",
        "Villeneuve-sur-Lot",
        "Arcachon",
    ),
    "ACAL": (
        "Strasbourg",
        "Mulhouse",
        "Colmar",
        "Metz",
        "Nancy",
        "Reims",
        "Troyes",
        "Charleville-Mézières",
        "Épinal",
        "Thionville",
        "Châlons-en-Champagne",
        "Forbach",
        "Verdun",
        "Saint-Dizier",
        "Haguenau",
        "Chaumont",
    ),
    "LRO": (
        "Montpellier",
        "Nîmes",
        "Perpignan",
        "Béziers",
        "Narbonne",
        "Carcassonne",
        "Alès",
        "Sète",
        "Mende",
        "Lunel",
    ),
    "BOU": (
        "Dijon",
        "Chalon-sur-Saône",
        "Nevers",
        "Auxerre",
        "Mâcon",
        "Sens",
        "Le Creusot",
        "Beaune",
        "Montceau-les-Mines",
    ),
    "GUY": ("Cayenne", "Kourou", "Saint-Laurent-du-Maroni", "Matoury"),
    "GLP": ("Pointe-à-Pitre", "Les Abymes", "Basse-Terre", "Le Gosier", "Sainte-Anne"),
    "REU": ("Saint-Pierre", "Saint-Paul", "Le Port", "Saint-Benoît", "Le Tampon", "Saint-André"),
    "MTQ": ("Fort-de-France", "Le Lamentin", "Le Robert", "Schœlcher", "Le François"),
    "MYT": ("Mamoudzou", "Koungou", "Dzaoudzi", "Sada"),
}

# Name templates per primary form: (form label, core). The label is left out
# of the e-mail domain. "{t}" is the town, "{de}" the town with its French
# preposition ("de Lens", "d'Arras", "du Havre", "des Abymes", "de La Rochelle").
_NAME_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = {
    "AI": (
        ("Association intermédiaire", "Le Relais {de}"),
        ("Association intermédiaire", "Trait d'Union {t}"),
        ("Association intermédiaire", "Coup de Pouce {t}"),
        ("AI", "Emploi Services {t}"),
        ("Association intermédiaire", "Entraide et Travail {t}"),
        ("AI", "Solidarité Emploi {t}"),
        ("Association intermédiaire", "Le Tremplin {de}"),
        ("Association intermédiaire", "Main-Forte {t}"),
    ),
    "ACI": (
        ("Chantier d'insertion", "Les Jardins {de}"),
        ("Atelier chantier d'insertion", "La Recyclerie {de}"),
        ("Chantier d'insertion", "Bois et Patrimoine {t}"),
        ("Atelier d'insertion", "Couture et Création {t}"),
        ("Chantier d'insertion", "Espaces Verts {t}"),
        ("Atelier chantier d'insertion", "Le Potager Solidaire {de}"),
    ),
    "ETTI": (
        ("ETTI", "Intérim Solidaire {t}"),
        ("ETTI", "Tremplin Intérim {t}"),
        ("ETTI", "Passerelle Intérim {t}"),
        ("ETTI", "Intérim Insertion {t}"),
    ),
    "ETT-ESS": (
        ("ETT-ESS", "Intérim Partage {t}"),
        ("ETT-ESS", "Solid'Intérim {t}"),
    ),
    "EI": (
        ("Entreprise d'insertion", "Atelier Bâtiment {t}"),
        ("EI", "Net'Services {t}"),
        ("Entreprise d'insertion", "Récup'Éco {t}"),
        ("Entreprise d'insertion", "La Table Solidaire {de}"),
        ("EI", "Transport Solidaire {t}"),
    ),
    "GES": (
        ("Groupe économique solidaire", "Ensemble {t}"),
        ("Groupe économique solidaire", "Avenir {t}"),
        ("Groupe économique solidaire", "Synergie {t}"),
    ),
    "OSP": (
        ("", "{t} Proxim'Services"),
        ("", "Aide et Services {t} Proxim'Services"),
        ("", "Domicile Services {t}"),
    ),
    "other": (
        ("", "Régie de quartier {t}"),
        ("", "Comité de bassin d'emploi {de}"),
        ("", "Coopérative d'activité et d'emploi {t}"),
        ("", "Maison de l'emploi solidaire {t}"),
        ("", "Groupement d'employeurs solidaire {t}"),
    ),
}

# Long name cores shortened in e-mail domains (slug prefix -> abbreviation).
_DOMAIN_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("cooperative-d-activite-et-d-emploi", "cae"),
    ("comite-de-bassin-d-emploi", "cbe"),
    ("groupement-d-employeurs-solidaire", "ge-solidaire"),
    ("maison-de-l-emploi-solidaire", "mde-solidaire"),
    ("aide-et-services", "aide-services"),
)

_FIRST_NAMES: tuple[str, ...] = (
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Christine",
    "Valérie",
    "Sandrine",
    "Véronique",
    "Anne",
    "Céline",
    "Sophie",
    "Claire",
    "Hélène",
    "Martine",
    "Brigitte",
    "Patricia",
    "Agnès",
    "Émilie",
    "Aurélie",
    "Julie",
    "Camille",
    "Laurence",
    "Monique",
    "Jean",
    "Philippe",
    "Michel",
    "Alain",
    "Patrick",
    "Nicolas",
    "Christophe",
    "Pierre",
    "Éric",
    "Laurent",
    "Frédéric",
    "Stéphane",
    "Olivier",
    "David",
    "Thierry",
    "Pascal",
    "Daniel",
    "Bernard",
    "Jérôme",
    "François",
    "Julien",
    "Sébastien",
    "Didier",
    "Gilles",
    "Hervé",
    "Yves",
    "Bruno",
    "Denis",
    "Thomas",
    "Mathieu",
)
_LAST_NAMES: tuple[str, ...] = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
    "Lucas",
    "Meunier",
    "Jean",
    "Perez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Marie",
    "Barbier",
    "Brun",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Colin",
    "Fernandez",
    "Le Gall",
    "Le Goff",
    "Caron",
    "Renard",
    "Arnaud",
    "Giraud",
    "Baron",
    "Hoarau",
    "Payet",
    "Jean-Louis",
    "Marie-Sainte",
)

# Phone prefixes: metropolitan regions get their zone digit ("+33 3 …");
# overseas departments their own country code and prefix.
_PHONE_ZONE: dict[str, str] = {
    "IDF": "1",
    "BRE": "2",
    "PDL": "2",
    "HNO": "2",
    "BNO": "2",
    "CLI": "2",
    "NPC": "3",
    "ACAL": "3",
    "FCO": "3",
    "BOU": "3",
    "RAL": "4",
    "AUV": "4",
    "PAC": "4",
    "LRO": "4",
    "MPY": "5",
    "AQU": "5",
    "PCH": "5",
}
_OVERSEAS_PHONE: dict[str, str] = {
    "GUY": "+594 594",
    "GLP": "+590 590",
    "REU": "+262 262",
    "MTQ": "+596 596",
    "MYT": "+262 269",
}

# ---------------------------------------------------------------------------
# SIRET
# ---------------------------------------------------------------------------

_LA_POSTE_SIREN = "356000000"


def _luhn_sum(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total


def _luhn_check_digit(prefix: str) -> str:
    for d in "0123456789":
        if _luhn_sum(prefix + d) % 10 == 0:
            return d
    raise AssertionError("unreachable")  # pragma: no cover


def siret_is_valid(siret: str) -> bool:
    """True when ``siret`` is 14 ASCII digits with a valid Luhn checksum.

    Establishments of La Poste (SIREN 356000000) follow another rule (sum of
    the digits multiple of 5); it is accepted as well.
    """
    if not isinstance(siret, str) or len(siret) != 14 or not (siret.isascii() and siret.isdigit()):
        return False
    if _luhn_sum(siret) % 10 == 0:
        return True
    return siret.startswith(_LA_POSTE_SIREN) and sum(map(int, siret)) % 5 == 0


def _new_siret(rng: random.Random, used_sirens: set[str]) -> str:
    while True:
        body = str(rng.randint(3, 8)) + "".join(str(rng.randrange(10)) for _ in range(7))
        siren = body + _luhn_check_digit(body)
        if siren != _LA_POSTE_SIREN and siren not in used_sirens:
            break
    used_sirens.add(siren)
    nic_prefix = "000" + str(rng.randint(1, 9))  # head-office NIC like 00012, 00027...
    prefix = siren + nic_prefix
    return prefix + _luhn_check_digit(prefix)


# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------

_VOWELS = "AEIOUYÉÈÊÎÔÂÀH"


def _de(town: str) -> str:
    """The town with the French preposition "de" (elisions and contractions)."""
    if town.startswith("Le "):
        return "du " + town[3:]
    if town.startswith("Les "):
        return "des " + town[4:]
    if town[0].upper() in _VOWELS:
        return "d'" + town
    return "de " + town


def _ascii_slug(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    out: list[str] = []
    for ch in text:
        out.append(ch if ch.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)


def _domain_core(core: str) -> str:
    for article in ("Le ", "La ", "Les ", "L'"):
        if core.startswith(article):
            return core[len(article) :]
    return core


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _money(amount: int | Decimal) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


def _expand(counts: Iterable[tuple[str, int]]) -> list[str]:
    return [key for key, n in counts for _ in range(n)]


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------


def network_2015() -> list[DemoMember]:
    """The demo register at 31 December 2015 (530 members), always the same."""
    rng = random.Random(_SEED)

    primaries = _expand(_PRIMARY_COUNTS)
    regions = _expand(_REGION_COUNTS)
    rng.shuffle(primaries)
    rng.shuffle(regions)
    n = len(primaries)

    # -- second forms -----------------------------------------------------
    forms: list[tuple[str, ...]] = [(p,) for p in primaries]
    for primary, second, count in _SECOND_FORMS:
        candidates = [i for i in range(n) if forms[i] == (primary,)]
        for i in rng.sample(candidates, count):
            forms[i] = (primary, second)

    # -- identity: name, city, e-mail, phone, SIRET, joined date ----------
    used_names: set[str] = set()
    used_domains: set[str] = set()
    used_sirens: set[str] = set()
    names: list[str] = []
    cities: list[str] = []
    emails: list[str] = []
    contacts: list[str] = []
    phones: list[str] = []
    sirets: list[str] = []
    joined: list[date] = []
    for i in range(n):
        primary, region = primaries[i], regions[i]
        towns = _TOWNS[region]
        templates = _NAME_TEMPLATES[primary]
        combos = [(t, tpl) for t in towns for tpl in templates]
        rng.shuffle(combos)
        name = core = town = ""
        for suffix in ("", " Centre", " Nord", " Sud", " Est", " Ouest"):
            for t, (label, core_tpl) in combos:
                core = core_tpl.format(t=t, de=_de(t)) + suffix
                name = f"{label} {core}" if label else core
                if name not in used_names:
                    town = t
                    break
            if town:
                break
        else:  # pragma: no cover - capacity is far above the counts
            raise AssertionError("name vocabulary exhausted")
        used_names.add(name)
        names.append(name)
        cities.append(town)

        slug = _ascii_slug(_domain_core(core))
        for short, abbrev in _DOMAIN_ABBREVIATIONS:
            if slug.startswith(short):
                slug = abbrev + slug[len(short) :]
        tld = rng.choice((".fr", ".fr", ".fr", ".org", ".asso.fr"))
        domain, k = slug + tld, 1
        while domain in used_domains:
            k += 1
            domain = f"{slug}-{k}{tld}"
        used_domains.add(domain)

        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        while last == first:
            last = rng.choice(_LAST_NAMES)
        contacts.append(f"{first} {last}")
        local = rng.choice(("contact", "contact", "accueil", "direction", "person"))
        if local == "person":
            local = f"{_ascii_slug(first).replace('-', '')}.{_ascii_slug(last).replace('-', '')}"
        emails.append(f"{local}@{domain}")

        pairs = " ".join(f"{rng.randrange(100):02d}" for _ in range(3))
        if region in _OVERSEAS_PHONE:
            phones.append(f"{_OVERSEAS_PHONE[region]} {pairs}")
        else:
            phones.append(f"+33 {_PHONE_ZONE[region]} {rng.randint(20, 99)} {pairs}")

        sirets.append(_new_siret(rng, used_sirens))
        joined.append(_random_date(rng, date(_EARLIEST_JOIN[primary], 1, 1), REGISTER_DATE))

    # -- certification ----------------------------------------------------
    certifications: list[DemoCertification | None] = [None] * n
    for key, region, obtained, size in _COLLECTIVE_ISO:
        candidates = [
            i
            for i in range(n)
            if regions[i] == region and certifications[i] is None and joined[i] <= obtained - timedelta(days=180)
        ]
        cert = DemoCertification("CEDRE_ISO_9001", "collective", obtained, _add_years(obtained, 3), key)
        for i in rng.sample(candidates, size):
            certifications[i] = cert

    first_possible = date(2013, 1, 1)
    collective_size = sum(size for *_, size in _COLLECTIVE_ISO)
    for scheme, count in (("CEDRE_ISO_9001", _ISO_COUNT - collective_size), ("CEDRE", _CEDRE_COUNT)):
        candidates = [i for i in range(n) if certifications[i] is None and joined[i] <= date(2015, 6, 30)]
        for i in rng.sample(candidates, count):
            start = max(first_possible, joined[i] + timedelta(days=180))
            obtained = _random_date(rng, start, REGISTER_DATE)
            certifications[i] = DemoCertification(scheme, "individual", obtained, _add_years(obtained, 3), None)

    # -- Accord Groupe COORACE – AGEFOS PME --------------------------------
    accord: list[date | None] = [None] * n
    for i in rng.sample(range(n), _ACCORD_GROUPE_COUNT):
        # One enters the Accord Groupe as a member: never before joining the federation.
        accord[i] = _random_date(rng, max(date(2010, 1, 1), joined[i]), REGISTER_DATE)

    # -- dues 2015 ------------------------------------------------------------
    called: list[Decimal] = []
    for i in range(n):
        lo, hi = _DUES_RANGE[primaries[i]]
        called.append(_money(rng.randint(lo // 10, hi // 10) * 10))
    paid = list(called)
    late = rng.sample(range(n), _DUES_UNPAID + _DUES_PARTIAL)
    for i in late[:_DUES_UNPAID]:
        paid[i] = _money(0)
    for i in late[_DUES_UNPAID:]:
        paid[i] = _money(called[i] * Decimal(rng.choice(("0.25", "0.5", "0.75"))))

    members = [
        DemoMember(
            name=names[i],
            siret=sirets[i],
            forms=forms[i],
            region=regions[i],
            joined_on=joined[i],
            contact_name=contacts[i],
            contact_email=emails[i],
            contact_phone=phones[i],
            city=cities[i],
            certification=certifications[i],
            accord_groupe_since=accord[i],
            dues_2015_called=called[i],
            dues_2015_paid=paid[i],
        )
        for i in range(n)
    ]
    region_order = {code: k for k, (code, _) in enumerate(REGIONS)}
    members.sort(key=lambda m: (region_order[m.region], m.name))
    return members
