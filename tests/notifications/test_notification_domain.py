"""The Notification aggregate and `PeopleApplication.notify_person`, in memory: sent once per
(kind, key, recipient), to people of the directory only, with what was sent recorded."""

from __future__ import annotations

from uuid import UUID

import pytest

from services.people.application import PeopleApplication, PersonUnusable
from services.people.domain.errors import PersonRefused
from services.people.domain.notification import Notification, text_sent
from shared.auth import Principal, Role
from shared.events import command_context
from shared.personal import PersonalDetails
from tests.helpers.in_memory import in_memory

STAFF = Principal(subject="staff-1", roles=frozenset({Role.NATIONAL_STAFF}))


def given_auditor(app: PeopleApplication, *, active: bool = True) -> str:
    with command_context(actor_id="staff-1", actor_role="national_staff", tenant_id=None):
        person = app.invite(
            STAFF, details=PersonalDetails(name="Agnès Contrôle", email="agnes@exemple.fr"), role="auditor"
        )
        app.activate(UUID(person.id))
        if not active:
            app.deactivate(STAFF, UUID(person.id), reason="départ")
    return person.id


def grant_notice(app: PeopleApplication, recipient_id: str, key: str = "grant-1") -> object:
    return app.notify_person(
        kind="audit_grant",
        key=key,
        recipient_id=recipient_id,
        subject="Accès d'audit accordé",
        text="La fédération vous donne accès.",
        link="https://coorace.example/audit",
        cause_service="assessment",
        cause_event="grant-1@1",
    )


def test_a_notification_is_sent_once_per_kind_key_and_recipient() -> None:
    app = in_memory(PeopleApplication)
    auditor = given_auditor(app)

    first = grant_notice(app, auditor)
    second = grant_notice(app, auditor)
    other = grant_notice(app, auditor, key="grant-2")

    assert first is not None and second is None and other is not None
    sent = app.repository.get(Notification.create_id("audit_grant", "grant-1", auditor))
    assert isinstance(sent, Notification) and sent.version == 1


def test_the_event_records_what_was_written_to_whom_and_why() -> None:
    app = in_memory(PeopleApplication)
    auditor = given_auditor(app)

    grant_notice(app, auditor)

    [event] = [e for e in app.events.get(Notification.create_id("audit_grant", "grant-1", auditor))]
    assert isinstance(event, Notification.Sent)
    assert event.recipient == PersonalDetails(name="Agnès Contrôle", email="agnes@exemple.fr")
    # The body in the log names no one; the message e-mailed greets the recipient.
    assert "Agnès" not in event.body
    assert text_sent(event) == (
        "Bonjour Agnès Contrôle,\n\nLa fédération vous donne accès.\n\nhttps://coorace.example/audit\n\n"
        "— La fédération COORACE\n"
    )
    assert (event.cause_service, event.cause_event) == ("assessment", "grant-1@1")


@pytest.mark.parametrize("recipient", ["cabinet-externe-42", "00000000-0000-0000-0000-000000000001"])
def test_no_one_of_the_directory_is_no_recipient(recipient: str) -> None:
    app = in_memory(PeopleApplication)

    with pytest.raises(PersonUnusable) as refusal:
        grant_notice(app, recipient)

    assert refusal.value.details["field"] == "recipient_id"


def test_a_deactivated_person_is_no_recipient() -> None:
    app = in_memory(PeopleApplication)
    auditor = given_auditor(app, active=False)

    with pytest.raises(PersonUnusable, match="désactivé"):
        grant_notice(app, auditor)


def test_an_unknown_kind_or_a_subject_on_two_lines_is_refused() -> None:
    app = in_memory(PeopleApplication)
    auditor = given_auditor(app)

    with pytest.raises(PersonRefused, match="kind"):
        app.notify_person(
            kind="newsletter",
            key="k",
            recipient_id=auditor,
            subject="s",
            text="t",
            link="l",
            cause_service="x",
            cause_event="y",
        )
    with pytest.raises(PersonRefused, match="subject"):
        app.notify_person(
            kind="audit_grant",
            key="k",
            recipient_id=auditor,
            subject="Objet\nBcc: x@y.fr",
            text="t",
            link="l",
            cause_service="x",
            cause_event="y",
        )
