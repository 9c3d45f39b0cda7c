"""The Member aggregate's rules: given events, when a command, then events or a refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.membership.domain.errors import InvalidSiret, MemberRefused, RegionClosed, UnknownRegion
from services.membership.domain.member import Certification, Member
from services.membership.domain.regions import REGIONS_2015, RegionRegistry
from services.membership.domain.siret import SiretIndex, parse_siret, siret_is_valid
from shared.errors import InvalidInput
from shared.events import command_context
from shared.personal import PersonalDetails


def a_member() -> Member:
    return Member(
        name="Chantier d'insertion Les Jardins",
        siret="73282932000074",
        forms=("ACI",),
        region="BRE",
        joined_on=date(2005, 1, 1),
        contact=PersonalDetails(name="Anne Le Gall", email="anne@jardins.fr", phone="+33 2 98 00 00 00"),
        city="Brest",
    )


def cedre(obtained: date = date(2014, 6, 1), group: str | None = None) -> Certification:
    return Certification(
        scheme="CEDRE",
        scope="collective" if group else "individual",
        obtained_on=obtained,
        expires_on=date(obtained.year + 3, obtained.month, obtained.day),
        group_id=group,
    )


def event_names(member: Member) -> list[str]:
    return [type(e).__name__ for e in member.collect_events()]


def test_registration_records_who_registered_and_why() -> None:
    with command_context(
        actor_id="staff-7", actor_role="national_staff", tenant_id=None, correlation_id="corr-1", causation_id="req-1"
    ):
        member = a_member()
    [registered] = member.collect_events()
    assert type(registered).__name__ == "Registered"
    assert registered.meta.actor_id == "staff-7"
    assert registered.meta.actor_role == "national_staff"
    assert (registered.meta.correlation_id, registered.meta.causation_id) == ("corr-1", "req-1")


def test_resigned_member_cannot_be_certified() -> None:
    member = a_member()
    member.resign(date(2015, 12, 31), "cessation d'activité")
    with pytest.raises(MemberRefused, match="démissionnaire"):
        member.certify(cedre())


def test_member_cannot_resign_twice() -> None:
    member = a_member()
    member.resign(date(2015, 12, 31), "cessation d'activité")
    with pytest.raises(MemberRefused, match="impossible d'enregistrer sa démission : le membre est démissionnaire"):
        member.resign(date(2016, 1, 31), "encore")


def test_reinstated_member_is_active_again_and_can_be_certified() -> None:
    member = a_member()
    member.exclude(date(2014, 1, 1), "cotisations impayées")
    member.reinstate(date(2015, 1, 1), "régularisation")
    member.certify(cedre())
    assert member.status == "active"
    assert event_names(member)[-3:] == ["Excluded", "Reinstated", "Certified"]


def test_exclusion_needs_a_reason() -> None:
    with pytest.raises(InvalidInput, match="« reason » est vide") as refused:
        a_member().exclude(date(2015, 1, 1), "  ")
    assert refused.value.details == {"field": "reason"}


def test_losing_a_certification_the_member_does_not_hold_is_refused() -> None:
    with pytest.raises(MemberRefused, match="aucune certification"):
        a_member().lose_certification(date(2015, 1, 1), "audit")


def test_collective_certification_needs_its_group() -> None:
    certification = Certification(
        scheme="CEDRE_ISO_9001",
        scope="collective",
        obtained_on=date(2014, 1, 1),
        expires_on=date(2017, 1, 1),
        group_id=None,
    )
    with pytest.raises(MemberRefused, match="group_id"):
        a_member().certify(certification)


def test_certification_must_expire_after_it_is_obtained() -> None:
    bad = Certification(
        scheme="CEDRE", scope="individual", obtained_on=date(2015, 1, 1), expires_on=date(2014, 1, 1), group_id=None
    )
    with pytest.raises(MemberRefused, match="expires_on"):
        a_member().certify(bad)


def test_dues_cannot_be_paid_beyond_what_was_called() -> None:
    member = a_member()
    member.call_dues(2015, Decimal("500.00"), date(2015, 1, 15))
    member.pay_dues(2015, Decimal("300.00"), date(2015, 2, 1))
    with pytest.raises(MemberRefused, match="au-delà des 500.00 appelés"):
        member.pay_dues(2015, Decimal("250.00"), date(2015, 3, 1))
    assert member.dues[2015] == (Decimal("500.00"), Decimal("300.00"))


def test_dues_cannot_be_called_twice_for_a_year() -> None:
    member = a_member()
    member.call_dues(2015, Decimal("500"), date(2015, 1, 15))
    with pytest.raises(MemberRefused, match="déjà été appelée"):
        member.call_dues(2015, Decimal("600"), date(2015, 2, 15))


def test_accord_groupe_membership_is_joined_then_left() -> None:
    member = a_member()
    member.join_accord_groupe(date(2012, 1, 1))
    with pytest.raises(MemberRefused, match="déjà dans l'Accord Groupe"):
        member.join_accord_groupe(date(2013, 1, 1))
    member.leave_accord_groupe(date(2016, 1, 1))
    with pytest.raises(MemberRefused, match="pas dans l'Accord Groupe"):
        member.leave_accord_groupe(date(2016, 2, 1))


def test_moving_to_the_same_region_is_refused() -> None:
    with pytest.raises(MemberRefused, match="déjà dans la région BRE"):
        a_member().move_to_region("BRE", date(2016, 1, 1), "erreur")


def test_a_change_that_changes_nothing_is_refused() -> None:
    member = a_member()
    with pytest.raises(MemberRefused, match="déjà ces formes"):
        member.change_forms(("ACI",), date(2015, 1, 1), "correction")


def test_region_merger_retires_the_merged_regions_and_opens_the_new_one() -> None:
    registry = RegionRegistry(regions=REGIONS_2015)
    registry.merge(("AUV", "RAL"), "ARA", "Auvergne-Rhône-Alpes", date(2016, 1, 1))
    assert "ARA" in registry.active and "AUV" not in registry.active and "RAL" in registry.retired
    with pytest.raises(RegionClosed, match="la région AUV a été fusionnée dans ARA le 01/01/2016"):
        registry.require_active("AUV")


def test_merger_of_an_unknown_or_single_region_is_refused() -> None:
    registry = RegionRegistry(regions=REGIONS_2015)
    with pytest.raises(MemberRefused, match="deux régions distinctes"):
        registry.merge(("AUV", "AUV"), "X", "X", date(2016, 1, 1))
    with pytest.raises(UnknownRegion):
        registry.merge(("AUV", "ZZZ"), "X", "X", date(2016, 1, 1))


def test_siret_check_digit() -> None:
    assert siret_is_valid("73282932000074")
    assert not siret_is_valid("73282932000075")
    assert not siret_is_valid("7328293200007")
    assert not siret_is_valid("7328293200007A")


@pytest.mark.parametrize(
    "spelling",
    [
        "７３２８２９３２０００７４",  # fullwidth
        "٧٣٢٨٢٩٣٢٠٠٠٠٧٤",  # Arabic-Indic
        "७३२८२९३२०००७४",  # Devanagari (13 digits would also fail on length; see below)
        "७३२८२९३२००००७४",  # Devanagari, 14 digits
        "⁷³²⁸²⁹³²⁰⁰⁰⁰⁷⁴",  # superscript: int() cannot read these at all
        "73282932000074\n",
        "7328293200007\u00004",
        "73282932-000074",
    ],
)
def test_a_siret_is_fourteen_ascii_digits_only(spelling: str) -> None:
    with pytest.raises(InvalidSiret) as refused:
        parse_siret(spelling)
    assert refused.value.details["field"] == "siret"


@pytest.mark.parametrize("spelling", ["73282932000074", "732 829 320 00074", "732\u00a0829\u00a0320\u202f00074"])
def test_spaces_between_the_groups_of_a_siret_are_removed(spelling: str) -> None:
    assert parse_siret(spelling) == "73282932000074"


def test_siret_index_id_is_derived_from_the_number() -> None:
    index = SiretIndex(siret="73282932000074", member_id=a_member().id)
    assert index.id == SiretIndex.create_id("73282932000074")
