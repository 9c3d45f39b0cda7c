"""The directory's rules, given/when/then, on the application's in-memory persistence."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from services.people.application import PeopleApplication, PersonUnusable
from services.people.domain.errors import EmailAlreadyInDirectory, PersonRefused
from services.people.domain.person import Status
from shared.auth import Principal, Role
from shared.errors import InvalidInput
from shared.personal import PersonalDetails

MEMBER = str(uuid4())
OTHER_MEMBER = str(uuid4())
STAFF = Principal(subject="staff-1", roles=frozenset({Role.NATIONAL_STAFF}))
ADMIN = Principal(subject="admin-1", roles=frozenset({Role.MEMBER_ADMIN}), tenant=MEMBER)
CONTRIBUTOR = Principal(subject="contrib-1", roles=frozenset({Role.MEMBER_CONTRIBUTOR}), tenant=MEMBER)
DELEGATE = Principal(subject="delegate-1", roles=frozenset({Role.REGIONAL_DELEGATE}), region="BRE")


def details(email: str = "marie.curie@exemple.fr") -> PersonalDetails:
    return PersonalDetails(name="Marie Curie", email=email, phone="01 23 45 67 89")


@pytest.fixture
def app() -> PeopleApplication:
    return PeopleApplication(None)


def test_a_member_admin_invites_a_colleague_of_their_member(app: PeopleApplication) -> None:
    result = app.invite(ADMIN, details=details(), role="member_contributor", tenant=MEMBER)
    person = app.person(UUID(result.id))
    assert (person.role, person.tenant, person.region, person.status) == (
        Role.MEMBER_CONTRIBUTOR,
        MEMBER,
        None,
        Status.INVITED,
    )
    assert person.invited_by == "admin-1"
    assert person.details.email == "marie.curie@exemple.fr"


@pytest.mark.parametrize(
    ("role", "tenant", "region", "field"),
    [
        ("member_admin", OTHER_MEMBER, None, "tenant"),
        ("regional_delegate", None, "BRE", "role"),
        ("national_staff", None, None, "role"),
        ("auditor", None, None, "role"),
    ],
)
def test_a_member_admin_invites_no_one_outside_their_member_or_the_member_roles(
    app: PeopleApplication, role: str, tenant: str | None, region: str | None, field: str
) -> None:
    with pytest.raises(PersonRefused) as refused:
        app.invite(ADMIN, details=details(), role=role, tenant=tenant, region=region)
    assert refused.value.details["field"] == field


@pytest.mark.parametrize("actor", [CONTRIBUTOR, DELEGATE])
def test_only_staff_and_member_admins_invite(app: PeopleApplication, actor: Principal) -> None:
    with pytest.raises(PersonRefused, match="seuls l'équipe nationale"):
        app.invite(actor, details=details(), role="member_contributor", tenant=MEMBER)


def test_national_staff_invite_regional_people_with_their_region_and_others_without(app: PeopleApplication) -> None:
    delegate = app.person(UUID(app.invite(STAFF, details=details("a@x.fr"), role="trainer", region="BRE").id))
    assert (delegate.role, delegate.region, delegate.tenant) == (Role.TRAINER, "BRE", None)
    with pytest.raises(PersonRefused, match="code de sa région") as refused:
        app.invite(STAFF, details=details("b@x.fr"), role="regional_delegate")
    assert refused.value.details["field"] == "region"
    with pytest.raises(PersonRefused, match="identifiant de l'adhérent"):
        app.invite(STAFF, details=details("c@x.fr"), role="member_admin")
    # A member or region given for a national role is not kept.
    auditor = app.person(UUID(app.invite(STAFF, details=details("d@x.fr"), role="auditor", region="BRE").id))
    assert (auditor.tenant, auditor.region) == (None, None)


def test_one_person_per_email_whatever_its_case(app: PeopleApplication) -> None:
    app.invite(STAFF, details=details("Jean@Exemple.fr"), role="auditor")
    with pytest.raises(EmailAlreadyInDirectory) as refused:
        app.invite(STAFF, details=details(" jean@exemple.FR "), role="fund_reviewer")
    assert refused.value.details["field"] == "email"


def test_personal_details_are_checked_naming_the_field(app: PeopleApplication) -> None:
    with pytest.raises(InvalidInput) as refused:
        app.invite(STAFF, details=PersonalDetails(name="X", email="pas-une-adresse"), role="auditor")
    assert refused.value.details["field"] == "email"


def test_an_invitation_is_accepted_once(app: PeopleApplication) -> None:
    person_id = UUID(app.invite(STAFF, details=details(), role="auditor").id)
    app.activate(person_id)
    assert app.person(person_id).status == Status.ACTIVE
    with pytest.raises(PersonRefused, match="ne peut plus être acceptée"):
        app.activate(person_id)


def test_deactivation_and_reactivation_return_the_person_where_they_were(app: PeopleApplication) -> None:
    person_id = UUID(app.invite(ADMIN, details=details(), role="member_contributor", tenant=MEMBER).id)
    app.deactivate(ADMIN, person_id, reason="a quitté l'entreprise")
    assert app.person(person_id).status == Status.DEACTIVATED
    with pytest.raises(PersonRefused, match="déjà désactivé"):
        app.deactivate(ADMIN, person_id, reason="encore")
    app.reactivate(ADMIN, person_id)
    assert app.person(person_id).status == Status.INVITED  # never accepted: invited again
    app.activate(person_id)
    app.deactivate(STAFF, person_id, reason="départ")
    app.reactivate(STAFF, person_id)
    assert app.person(person_id).status == Status.ACTIVE


def test_no_one_deactivates_themselves(app: PeopleApplication) -> None:
    person_id = UUID(app.invite(STAFF, details=details(), role="member_admin", tenant=MEMBER).id)
    me = app.person(person_id).principal
    with pytest.raises(PersonRefused, match="votre propre compte"):
        app.deactivate(me, person_id, reason="erreur")


def test_a_member_admin_manages_only_their_member_people(app: PeopleApplication) -> None:
    elsewhere = UUID(app.invite(STAFF, details=details(), role="member_contributor", tenant=OTHER_MEMBER).id)
    with pytest.raises(PersonRefused, match="que les personnes de son adhérent"):
        app.deactivate(ADMIN, elsewhere, reason="non")
    with pytest.raises(PersonRefused):
        app.change_role(ADMIN, elsewhere, role="member_admin", tenant=MEMBER)


def test_a_role_change_moves_the_person_and_is_refused_when_nothing_changes(app: PeopleApplication) -> None:
    person_id = UUID(app.invite(STAFF, details=details(), role="trainer", region="BRE").id)
    app.change_role(STAFF, person_id, role="regional_delegate", region="NOR")
    person = app.person(person_id)
    assert (person.role, person.region) == (Role.REGIONAL_DELEGATE, "NOR")
    assert person.principal == Principal(
        subject=str(person_id), roles=frozenset({Role.REGIONAL_DELEGATE}), region="NOR"
    )
    with pytest.raises(PersonRefused, match="déjà ce rôle"):
        app.change_role(STAFF, person_id, role="regional_delegate", region="NOR")


def test_require_person_refuses_unknown_deactivated_and_wrong_member_people(app: PeopleApplication) -> None:
    person_id = UUID(app.invite(STAFF, details=details(), role="member_contributor", tenant=MEMBER).id)
    assert app.require_person(person_id, tenant=MEMBER, roles={Role.MEMBER_CONTRIBUTOR}).id == person_id
    with pytest.raises(PersonUnusable, match="aucune personne") as refused:
        app.require_person(uuid4(), field="participant_id")
    assert refused.value.details == {"field": "participant_id"}
    assert refused.value.status_code == 422
    with pytest.raises(PersonUnusable, match="n'appartient pas à cet adhérent"):
        app.require_person(person_id, tenant=OTHER_MEMBER)
    with pytest.raises(PersonUnusable, match="rôle attendu"):
        app.require_person(person_id, roles={Role.REGIONAL_DELEGATE})
    with pytest.raises(PersonUnusable, match="aucune personne"):
        app.require_person("pas-un-uuid")
    app.deactivate(STAFF, person_id, reason="départ")
    with pytest.raises(PersonUnusable, match="désactivé"):
        app.require_person(person_id)
