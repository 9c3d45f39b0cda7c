"""Demo member register of the COORACE network "at 31 December 2015".

The figures and the vocabulary are data: ``network_2015.json`` beside this module (its ``_comment``
says what each entry means), decoded into msgspec Structs and checked once, at import: a malformed
or inconsistent file raises ``ValueError`` naming the file and what is wrong. No database, no
network. The register is generated deterministically from a private ``random.Random(2015)`` (the
global ``random`` state is never touched), so every call of :func:`network_2015` returns an equal
list.

The key figures match the 2015 activity report (see ``DOMAIN.md``, membership):

* 530 members; by primary form AI 292, ACI 90, ETTI 44 + ETT-ESS 6 (= 50),
  OSP 28, EI 25, GES 22, other 23; 15 members carry a second form
  (e.g. "AI" then "ETTI" like VILLETTE EMPLOI, "EI" then "ACI" like APTIMA) without changing
  those counts;
* 116 certified members: 85 CEDRE and 31 CEDRE ISO 9001, of which two
  collective ISO certificates (4 and 3 members), all valid on 2015-12-31;
* 190 members in the Accord Groupe COORACE – AGEFOS PME, none before its joining date;
* regions spread over the four map buckets of the report (> 60, 30-60,
  15-30, 1-15 members), overseas regions included;
* 2015 dues: 12 members paid nothing yet, 14 paid part of the call, the others (~95 %) in full.

Names, towns, contacts, SIRETs, e-mails and phone numbers are fictitious.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from string import Formatter
from typing import Annotated

import msgspec

from services.membership.domain.regions import REGIONS_2015
from shared.data_files import load_checked

__all__ = [
    "DATA",
    "DemoCertification",
    "DemoMember",
    "FORMS",
    "REGIONS",
    "REGISTER_DATE",
    "NetworkData",
    "ascii_slug",
    "load_network_data",
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


# ---------------------------------------------------------------------------
# The data: network_2015.json, read and checked once, at import
# ---------------------------------------------------------------------------

DATA_FILE = Path(__file__).with_name("network_2015.json")

Count = Annotated[int, msgspec.Meta(ge=1)]
Total = Annotated[int, msgspec.Meta(ge=0)]
Code = Annotated[str, msgspec.Meta(min_length=1)]


class FormCount(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    form: Code
    members: Count


class RegionCount(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    region: Code
    members: Count


class SecondForm(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    primary: Code
    second: Code
    members: Count
    like: str = ""  # a real member of the report with this pair of forms


class CollectiveCertificate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A collective CEDRE ISO 9001 certificate shared by ``members`` members of one region."""

    group_key: Code
    region: Code
    obtained_on: date
    members: Count


class DuesRange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    min: Count
    max: Count


class Dues2015(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    unpaid: Total  # paid nothing yet
    partly_paid: Total  # paid part of the call; everybody else paid in full
    called_per_primary_form: dict[str, DuesRange]  # euros


class NameTemplate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``label`` (left out of the e-mail domain) then ``core``, where "{t}" is the town and "{de}" the
    town with its French preposition ("de Lens", "d'Arras", "du Havre", "des Abymes")."""

    label: str
    core: Code


class DomainAbbreviation(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    prefix: Code  # of the slug of a long name core
    abbreviation: Code


class Vocabulary(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    towns: dict[str, tuple[Code, ...]]
    name_templates: dict[str, tuple[NameTemplate, ...]]
    domain_abbreviations: tuple[DomainAbbreviation, ...]
    first_names: tuple[Code, ...]
    last_names: tuple[Code, ...]
    phone_zones: dict[str, str]  # metropolitan region -> zone digit ("+33 3 …")
    overseas_phone_prefixes: dict[str, str]  # overseas region -> country code and prefix


class NetworkData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The content of ``network_2015.json``: the report's figures and the vocabulary."""

    seed: int
    register_date: date
    forms: tuple[Code, ...]
    members_per_primary_form: tuple[FormCount, ...]
    members_per_region: tuple[RegionCount, ...]
    second_forms: tuple[SecondForm, ...]
    cedre_members: Total
    cedre_iso_9001_members: Total  # the collective certificates' members included
    collective_iso_certificates: tuple[CollectiveCertificate, ...]
    accord_groupe_members: Total
    dues_2015: Dues2015
    earliest_joining_year: dict[str, int]
    vocabulary: Vocabulary
    comment: tuple[str, ...] = msgspec.field(default=(), name="_comment")

    def problems(self) -> list[str]:
        """What makes the figures inconsistent with each other or with the region list."""
        words = self.vocabulary
        members = sum(c.members for c in self.members_per_primary_form)
        primaries = [c.form for c in self.members_per_primary_form]
        regions = [c.region for c in self.members_per_region]
        problems = [
            f"form {f!r} of {where} is not in forms"
            for where, used in (
                ("members_per_primary_form", primaries),
                ("second_forms", [f for s in self.second_forms for f in (s.primary, s.second)]),
            )
            for f in used
            if f not in self.forms
        ]
        problems += [
            f"region {r!r} of {where} is not a 2015 region"
            for where, used in (
                ("members_per_region", regions),
                ("collective_iso_certificates", [c.region for c in self.collective_iso_certificates]),
            )
            for r in used
            if r not in dict(REGIONS_2015)
        ]
        problems += [
            f"{what} {x!r} is listed twice"
            for what, xs in (("form", primaries), ("region", regions))
            for x in sorted(set(xs))
            if xs.count(x) > 1
        ]
        if (in_regions := sum(c.members for c in self.members_per_region)) != members:
            problems.append(f"members_per_region sums to {in_regions}, members_per_primary_form to {members}")
        for form in primaries:
            for table, keys in (
                ("vocabulary.name_templates", words.name_templates),
                ("earliest_joining_year", self.earliest_joining_year),
                ("dues_2015.called_per_primary_form", self.dues_2015.called_per_primary_form),
            ):
                if form not in keys:
                    problems.append(f"{table} has no entry for the primary form {form!r}")
        for region in regions:
            if region not in words.towns:
                problems.append(f"vocabulary.towns has no entry for the region {region!r}")
            if (region in words.phone_zones) == (region in words.overseas_phone_prefixes):
                problems.append(f"the region {region!r} needs a phone zone or an overseas prefix (one of them)")
        problems += [
            f"the template {t.core!r} uses a field other than {{t}} and {{de}}"
            for templates in words.name_templates.values()
            for t in templates
            if {field for _, field, _, _ in Formatter().parse(t.core) if field is not None} - {"t", "de"}
        ]
        problems += [
            f"the dues range of {form!r} has min {r.min} over max {r.max}"
            for form, r in self.dues_2015.called_per_primary_form.items()
            if r.min > r.max
        ]
        collective = sum(c.members for c in self.collective_iso_certificates)
        if collective > self.cedre_iso_9001_members:
            problems.append(f"the collective certificates have {collective} members, over cedre_iso_9001_members")
        for what, count in (
            ("certified members", self.cedre_members + self.cedre_iso_9001_members),
            ("accord_groupe_members", self.accord_groupe_members),
            ("late dues payers", self.dues_2015.unpaid + self.dues_2015.partly_paid),
        ):
            if count > members:
                problems.append(f"{count} {what} in a register of {members} members")
        return problems


def load_network_data(path: Path = DATA_FILE) -> NetworkData:
    """The data file, decoded and checked; a malformed file raises ValueError saying what is wrong."""
    return load_checked(path, NetworkData)


DATA = load_network_data()

FORMS: tuple[str, ...] = DATA.forms
REGIONS = REGIONS_2015  # the register's own reference list
REGISTER_DATE = DATA.register_date


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


def ascii_slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens (the demo's e-mail domains)."""
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
    rng = random.Random(DATA.seed)

    primaries = _expand((c.form, c.members) for c in DATA.members_per_primary_form)
    regions = _expand((c.region, c.members) for c in DATA.members_per_region)
    rng.shuffle(primaries)
    rng.shuffle(regions)
    n = len(primaries)

    # -- second forms -----------------------------------------------------
    forms: list[tuple[str, ...]] = [(p,) for p in primaries]
    for pair in DATA.second_forms:
        candidates = [i for i in range(n) if forms[i] == (pair.primary,)]
        for i in rng.sample(candidates, pair.members):
            forms[i] = (pair.primary, pair.second)

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
    words = DATA.vocabulary
    for i in range(n):
        primary, region = primaries[i], regions[i]
        towns = words.towns[region]
        templates = words.name_templates[primary]
        combos = [(t, tpl) for t in towns for tpl in templates]
        rng.shuffle(combos)
        name = core = town = ""
        for suffix in ("", " Centre", " Nord", " Sud", " Est", " Ouest"):
            for t, template in combos:
                core = template.core.format(t=t, de=_de(t)) + suffix
                name = f"{template.label} {core}" if template.label else core
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

        slug = ascii_slug(_domain_core(core))
        for short in words.domain_abbreviations:
            if slug.startswith(short.prefix):
                slug = short.abbreviation + slug[len(short.prefix) :]
        tld = rng.choice((".fr", ".fr", ".fr", ".org", ".asso.fr"))
        domain, k = slug + tld, 1
        while domain in used_domains:
            k += 1
            domain = f"{slug}-{k}{tld}"
        used_domains.add(domain)

        first, last = rng.choice(words.first_names), rng.choice(words.last_names)
        while last == first:
            last = rng.choice(words.last_names)
        contacts.append(f"{first} {last}")
        local = rng.choice(("contact", "contact", "accueil", "direction", "person"))
        if local == "person":
            local = f"{ascii_slug(first).replace('-', '')}.{ascii_slug(last).replace('-', '')}"
        emails.append(f"{local}@{domain}")

        pairs = " ".join(f"{rng.randrange(100):02d}" for _ in range(3))
        if region in words.overseas_phone_prefixes:
            phones.append(f"{words.overseas_phone_prefixes[region]} {pairs}")
        else:
            phones.append(f"+33 {words.phone_zones[region]} {rng.randint(20, 99)} {pairs}")

        sirets.append(_new_siret(rng, used_sirens))
        joined.append(_random_date(rng, date(DATA.earliest_joining_year[primary], 1, 1), REGISTER_DATE))

    # -- certification ----------------------------------------------------
    certifications: list[DemoCertification | None] = [None] * n
    for group in DATA.collective_iso_certificates:
        obtained = group.obtained_on
        candidates = [
            i
            for i in range(n)
            if regions[i] == group.region and certifications[i] is None and joined[i] <= obtained - timedelta(days=180)
        ]
        cert = DemoCertification("CEDRE_ISO_9001", "collective", obtained, _add_years(obtained, 3), group.group_key)
        for i in rng.sample(candidates, group.members):
            certifications[i] = cert

    first_possible = date(2013, 1, 1)
    collective_size = sum(group.members for group in DATA.collective_iso_certificates)
    for scheme, count in (
        ("CEDRE_ISO_9001", DATA.cedre_iso_9001_members - collective_size),
        ("CEDRE", DATA.cedre_members),
    ):
        candidates = [i for i in range(n) if certifications[i] is None and joined[i] <= date(2015, 6, 30)]
        for i in rng.sample(candidates, count):
            start = max(first_possible, joined[i] + timedelta(days=180))
            obtained = _random_date(rng, start, REGISTER_DATE)
            certifications[i] = DemoCertification(scheme, "individual", obtained, _add_years(obtained, 3), None)

    # -- Accord Groupe COORACE – AGEFOS PME --------------------------------
    accord: list[date | None] = [None] * n
    for i in rng.sample(range(n), DATA.accord_groupe_members):
        # One enters the Accord Groupe as a member: never before joining the federation.
        accord[i] = _random_date(rng, max(date(2010, 1, 1), joined[i]), REGISTER_DATE)

    # -- dues 2015 ------------------------------------------------------------
    called: list[Decimal] = []
    for i in range(n):
        dues = DATA.dues_2015.called_per_primary_form[primaries[i]]
        called.append(_money(rng.randint(dues.min // 10, dues.max // 10) * 10))
    paid = list(called)
    unpaid = DATA.dues_2015.unpaid
    late = rng.sample(range(n), unpaid + DATA.dues_2015.partly_paid)
    for i in late[:unpaid]:
        paid[i] = _money(0)
    for i in late[unpaid:]:
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
