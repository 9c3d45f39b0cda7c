"""The demo member register at 31 December 2015 matches the report's figures."""

from __future__ import annotations

import ast
import hashlib
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.membership.demo import network_2015 as module
from services.membership.demo.network_2015 import (
    DATA,
    DATA_FILE,
    REGIONS,
    DemoCertification,
    DemoMember,
    ascii_slug,
    load_network_data,
    network_2015,
    siret_is_valid,
)
from tests.helpers.data_files import data_file_with, truncated_copy

END_2015 = date(2015, 12, 31)
ALLOWED_FORMS = {"AI", "ACI", "ETTI", "ETT-ESS", "EI", "GES", "OSP", "other"}
OVERSEAS = {"GUY", "GLP", "REU", "MTQ", "MYT"}


@pytest.fixture(scope="module")
def members() -> list[DemoMember]:
    return network_2015()


def _town_core(city: str) -> str:
    """The town without its article: "Le Havre" reads "du Havre" in names."""
    for article in ("Le ", "La ", "Les "):
        if city.startswith(article):
            return city[len(article) :]
    return city


def _certified(members: list[DemoMember]) -> list[DemoMember]:
    return [m for m in members if m.certification is not None]


# -- register size and forms ----------------------------------------------


def test_530_members(members):
    assert len(members) == 530
    assert all(isinstance(m, DemoMember) for m in members)


def test_counts_by_primary_form(members):
    primary = Counter(m.forms[0] for m in members)
    assert primary["AI"] == 292
    assert primary["ACI"] == 90
    assert primary["ETTI"] + primary["ETT-ESS"] == 50
    assert primary["ETTI"] > 0 and primary["ETT-ESS"] > 0
    assert primary["OSP"] == 28
    assert primary["EI"] == 25
    assert primary["GES"] == 22
    assert primary["other"] == 23
    assert set(primary) <= ALLOWED_FORMS


def test_forms_are_known_and_not_repeated(members):
    for m in members:
        assert 1 <= len(m.forms) <= 2
        assert set(m.forms) <= ALLOWED_FORMS
        assert len(set(m.forms)) == len(m.forms)


def test_about_fifteen_members_carry_a_second_form(members):
    multi = [m for m in members if len(m.forms) > 1]
    assert 12 <= len(multi) <= 18
    assert len(multi) == 15  # the generator's exact figure
    combos = Counter(m.forms for m in multi)
    assert combos[("AI", "ETTI")] >= 1  # like VILLETTE EMPLOI (AI et ETTI)
    assert combos[("EI", "ACI")] >= 1  # like APTIMA (EI-ACI)


# -- certification ----------------------------------------------------------


def test_116_certified_85_cedre_31_iso(members):
    certified = _certified(members)
    assert len(certified) == 116
    schemes = Counter(m.certification.scheme for m in certified)
    assert schemes == {"CEDRE": 85, "CEDRE_ISO_9001": 31}


def test_certificates_valid_at_end_2015_and_three_years_long(members):
    for m in _certified(members):
        c = m.certification
        assert isinstance(c, DemoCertification)
        assert date(2013, 1, 1) <= c.obtained_on <= END_2015
        assert c.expires_on == c.obtained_on.replace(year=c.obtained_on.year + 3)
        assert c.obtained_on <= END_2015 < c.expires_on
        assert c.obtained_on >= m.joined_on
        assert c.scope in {"individual", "collective"}


def test_collective_iso_groups(members):
    groups: dict[str, list[DemoMember]] = defaultdict(list)
    for m in _certified(members):
        c = m.certification
        assert (c.scope == "collective") == (c.group_key is not None)
        if c.group_key is not None:
            groups[c.group_key].append(m)
    assert 1 <= len(groups) <= 2
    for key, group in groups.items():
        assert 3 <= len(group) <= 5, key
        assert {m.certification.scheme for m in group} == {"CEDRE_ISO_9001"}
        assert len({m.certification.obtained_on for m in group}) == 1
        assert len({m.certification.expires_on for m in group}) == 1
    collective = sum(len(g) for g in groups.values())
    individual_iso = [
        m
        for m in _certified(members)
        if m.certification.scheme == "CEDRE_ISO_9001" and m.certification.scope == "individual"
    ]
    assert len(individual_iso) == 31 - collective
    cedre = [m for m in _certified(members) if m.certification.scheme == "CEDRE"]
    assert all(m.certification.scope == "individual" for m in cedre)


# -- Accord Groupe, dates -------------------------------------------------------


def test_190_in_the_accord_groupe(members):
    accord = [m for m in members if m.accord_groupe_since is not None]
    assert len(accord) == 190
    assert all(date(2010, 1, 1) <= m.accord_groupe_since <= END_2015 for m in accord)


def test_nobody_is_in_the_accord_groupe_before_joining(members):
    early = [m.name for m in members if m.accord_groupe_since is not None and m.accord_groupe_since < m.joined_on]
    assert early == []


def test_joined_between_1985_and_2015(members):
    assert all(date(1985, 1, 1) <= m.joined_on <= END_2015 for m in members)
    years = {m.joined_on.year for m in members}
    assert min(years) < 1990 and max(years) >= 2015


# -- regions -------------------------------------------------------------------


def test_regions_constant():
    assert REGIONS == (
        ("NPC", "Nord-Pas-de-Calais"),
        ("AUV", "Auvergne"),
        ("HNO", "Haute-Normandie"),
        ("BNO", "Basse-Normandie"),
        ("MPY", "Midi-Pyrénées"),
        ("CLI", "Centre-Limousin"),
        ("PAC", "Provence-Alpes-Côte d'Azur"),
        ("BRE", "Bretagne"),
        ("PDL", "Pays de la Loire"),
        ("FCO", "Franche-Comté"),
        ("PCH", "Poitou-Charentes"),
        ("RAL", "Rhône-Alpes"),
        ("IDF", "Île-de-France"),
        ("AQU", "Aquitaine"),
        ("ACAL", "Alsace-Champagne-Ardenne-Lorraine"),
        ("LRO", "Languedoc-Roussillon"),
        ("BOU", "Bourgogne"),
        ("GUY", "Guyane"),
        ("GLP", "Guadeloupe"),
        ("REU", "La Réunion"),
        ("MTQ", "Martinique"),
        ("MYT", "Mayotte"),
    )


def test_every_region_represented_in_all_map_buckets(members):
    codes = [code for code, _ in REGIONS]
    per_region = Counter(m.region for m in members)
    assert set(per_region) == set(codes)
    assert all(per_region[c] >= 1 for c in codes)
    assert all(per_region[c] >= 1 for c in OVERSEAS)
    buckets = Counter()
    for c in codes:
        n = per_region[c]
        buckets[">60" if n > 60 else "30-60" if n >= 30 else "15-30" if n >= 15 else "1-15"] += 1
    assert 2 <= buckets[">60"] <= 4  # a few
    assert buckets["30-60"] >= 3  # several
    assert buckets["15-30"] >= 3
    assert buckets["1-15"] >= 3
    assert {"NPC", "RAL", "IDF"} <= {c for c in codes if per_region[c] > 60}


def test_city_matches_region_and_name(members):
    for m in members:
        assert m.city in DATA.vocabulary.towns[m.region]
        assert _town_core(m.city) in m.name


# -- identifiers and contacts ------------------------------------------------


def test_sirets_unique_and_valid(members):
    sirets = [m.siret for m in members]
    assert len(set(sirets)) == len(sirets)
    assert len({s[:9] for s in sirets}) == len(sirets)  # one SIREN per member
    assert all(siret_is_valid(s) for s in sirets)


def test_siret_is_valid_rejects_bad_input(members):
    good = members[0].siret
    assert siret_is_valid(good)
    for pos in range(14):  # Luhn catches every single-digit error
        wrong = good[:pos] + str((int(good[pos]) + 1) % 10) + good[pos + 1 :]
        assert not siret_is_valid(wrong)
    assert not siret_is_valid(good[:-1])
    assert not siret_is_valid(good + "0")
    assert not siret_is_valid(good[:4] + " " + good[5:])
    assert not siret_is_valid("١٢٣٤٥٦٧٨٩٠١٢٣٤")  # non-ASCII digits
    assert not siret_is_valid("")
    assert siret_is_valid("73282932000074")
    assert not siret_is_valid("73282932000075")


def test_names_unique(members):
    names = [m.name for m in members]
    assert len(set(names)) == len(names)


def test_names_match_primary_form(members):
    markers = {
        "AI": ("Association intermédiaire", "AI "),
        "ACI": ("Chantier d'insertion", "Atelier chantier d'insertion", "Atelier d'insertion"),
        "ETTI": ("ETTI ",),
        "ETT-ESS": ("ETT-ESS ",),
        "EI": ("Entreprise d'insertion", "EI "),
        "GES": ("Groupe économique solidaire",),
        "OSP": ("Proxim'Services", "Domicile Services"),
    }
    for m in members:
        if m.forms[0] in markers:
            assert any(k in m.name for k in markers[m.forms[0]]), m.name


def test_emails_unique_ascii_lowercase_and_derived_from_name(members):
    emails = [m.contact_email for m in members]
    assert len(set(emails)) == len(emails)
    pattern = re.compile(r"^[a-z0-9.]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.(fr|org)$")
    for m in members:
        assert m.contact_email.isascii() and m.contact_email == m.contact_email.lower()
        assert pattern.match(m.contact_email), m.contact_email
        domain = m.contact_email.split("@")[1]
        # the town of the member appears in its domain
        assert ascii_slug(_town_core(m.city)) in domain, (m.name, domain)


def test_contact_names_are_first_and_last_names(members):
    for m in members:
        first, _, last = m.contact_name.partition(" ")
        assert first in DATA.vocabulary.first_names and last in DATA.vocabulary.last_names


def test_phones(members):
    overseas = {
        "GUY": "+594 594 ",
        "GLP": "+590 590 ",
        "REU": "+262 262 ",
        "MTQ": "+596 596 ",
        "MYT": "+262 269 ",
    }
    metro = re.compile(r"^\+33 [1-5]( \d\d){4}$")
    for m in members:
        if m.region in overseas:
            assert m.contact_phone.startswith(overseas[m.region])
            assert re.fullmatch(r"\+\d{3} \d{3}( \d\d){3}", m.contact_phone)
        else:
            assert metro.match(m.contact_phone), m.contact_phone
    zones = {m.region: m.contact_phone[4] for m in members if m.region not in overseas}
    assert zones["IDF"] == "1" and zones["NPC"] == "3" and zones["RAL"] == "4"


# -- dues ----------------------------------------------------------------------------


def test_dues(members):
    for m in members:
        assert isinstance(m.dues_2015_called, Decimal)
        assert Decimal(300) <= m.dues_2015_called <= Decimal(3000)
        assert Decimal(0) <= m.dues_2015_paid <= m.dues_2015_called
        assert m.dues_2015_called.as_tuple().exponent == -2
        assert m.dues_2015_paid.as_tuple().exponent == -2
    full = sum(m.dues_2015_paid == m.dues_2015_called for m in members)
    zero = sum(m.dues_2015_paid == 0 for m in members)
    partial = len(members) - full - zero
    assert 0.93 <= full / len(members) <= 0.97
    assert zero > 0 and partial > 0
    # bigger structures are called more
    by_form = defaultdict(list)
    for m in members:
        by_form[m.forms[0]].append(m.dues_2015_called)
    avg = {f: sum(v) / len(v) for f, v in by_form.items()}
    assert avg["GES"] > avg["AI"]


# -- determinism, purity ------------------------------------------------------


def test_deterministic():
    assert network_2015() == network_2015()
    assert network_2015() is not network_2015()


def test_global_random_untouched():
    random.seed(42)
    expected = [random.random() for _ in range(3)]
    random.seed(42)
    network_2015()
    assert [random.random() for _ in range(3)] == expected


def test_members_are_frozen(members):
    with pytest.raises(AttributeError):
        members[0].name = "x"  # type: ignore[misc]


def test_module_imports_only_stdlib_msgspec_the_region_list_and_the_data_loader():
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0
            imported.add(node.module)
    ours = {"services.membership.domain.regions", "shared.data_files"}
    assert {m for m in imported if m.split(".")[0] not in sys.stdlib_module_names} <= {"__future__", "msgspec"} | ours


# -- the data file ----------------------------------------------------------------


def test_the_data_file_holds_the_report_figures():
    assert DATA == load_network_data(DATA_FILE)
    assert sum(c.members for c in DATA.members_per_primary_form) == 530
    assert sum(c.members for c in DATA.members_per_region) == 530
    assert (DATA.cedre_members, DATA.cedre_iso_9001_members, DATA.accord_groupe_members) == (85, 31, 190)
    assert DATA.register_date == END_2015


def test_a_value_of_the_wrong_type_fails_naming_the_file_and_the_place(tmp_path):
    def change(document):
        document["members_per_primary_form"][0]["members"] = "292"

    with pytest.raises(
        ValueError,
        match=r"network_2015\.json: Expected `int`, got `str` - at `\$\.members_per_primary_form\[0\]\.members`",
    ):
        load_network_data(data_file_with(tmp_path, DATA_FILE, change))


def test_an_unknown_entry_fails(tmp_path):
    def change(document):
        document["vocabulary"]["towns_2016"] = {}

    with pytest.raises(ValueError, match="unknown field `towns_2016` - at `\\$.vocabulary`"):
        load_network_data(data_file_with(tmp_path, DATA_FILE, change))


def test_a_file_that_is_not_json_fails(tmp_path):
    with pytest.raises(ValueError, match=r"network_2015\.json: .*truncated"):
        load_network_data(truncated_copy(tmp_path, DATA_FILE))


def test_counts_that_do_not_add_up_fail(tmp_path):
    def change(document):
        document["members_per_region"][0]["members"] += 1

    with pytest.raises(ValueError, match="members_per_region sums to 531, members_per_primary_form to 530"):
        load_network_data(data_file_with(tmp_path, DATA_FILE, change))


def test_a_region_without_towns_or_phone_prefix_fails(tmp_path):
    def change(document):
        del document["vocabulary"]["towns"]["MYT"]
        del document["vocabulary"]["overseas_phone_prefixes"]["MYT"]

    with pytest.raises(ValueError) as refused:
        load_network_data(data_file_with(tmp_path, DATA_FILE, change))
    assert "vocabulary.towns has no entry for the region 'MYT'" in str(refused.value)
    assert "the region 'MYT' needs a phone zone or an overseas prefix" in str(refused.value)


def test_an_unknown_form_or_region_fails(tmp_path):
    def change(document):
        document["second_forms"][0]["second"] = "SCOP"
        document["members_per_region"][0]["region"] = "NOR"
        document["collective_iso_certificates"][0]["region"] = "BZH"

    with pytest.raises(ValueError) as refused:
        load_network_data(data_file_with(tmp_path, DATA_FILE, change))
    assert "form 'SCOP' of second_forms is not in forms" in str(refused.value)
    assert "region 'NOR' of members_per_region is not a 2015 region" in str(refused.value)
    assert "region 'BZH' of collective_iso_certificates is not a 2015 region" in str(refused.value)


def test_a_name_template_with_an_unknown_placeholder_fails(tmp_path):
    def change(document):
        document["vocabulary"]["name_templates"]["AI"][0]["core"] = "Le Relais {town}"

    with pytest.raises(ValueError, match="the template 'Le Relais {town}' uses a field other than {t} and {de}"):
        load_network_data(data_file_with(tmp_path, DATA_FILE, change))


def test_the_register_is_the_one_generated_before_the_data_moved_to_json():
    """The data file's order matters (the generator draws in it): sorting a table changes every member.
    This is the digest of the register generated by the Python literals the file replaced; change it
    only with a deliberate change of the demo data."""
    digest = hashlib.sha256(repr(network_2015()).encode("utf-8")).hexdigest()
    assert digest == "7f3c9dcc2682e20e3fb4a35f351f38baa46f8e02c7097088efb496198643b885"
