"""Enterprises named by SIRET in the file (14 digits, spaces allowed) become member ids, from the
register's published registrations that the training service keeps (`enterprise_history`): the
register is the one that knows SIRETs; the training service knows members by id."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from psycopg.sql import SQL, Identifier

from services.training.importing.reading import PastApplication, PastCall, Refusal
from shared.eventstore import ServiceApplication

Lookup = Callable[[Iterable[str]], dict[str, str]]


def as_siret(value: str) -> str | None:
    digits = value.replace(" ", "")
    return digits if len(digits) == 14 and digits.isdigit() else None


def members_by_siret(application: ServiceApplication) -> Lookup:
    def lookup(sirets: Iterable[str]) -> dict[str, str]:
        datastore = application.command_recorder.datastore
        with datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT fields->>'siret' AS siret, member_id FROM {schema}.enterprise_history "
                    "WHERE event = 'Member.Registered' AND fields->>'siret' = ANY(%s)"
                ).format(schema=Identifier(datastore.schema)),
                (sorted(set(sirets)),),
            )
            return {r["siret"]: r["member_id"] for r in curs.fetchall()}

    return lookup


def resolve_sirets(past: PastCall, lookup: Lookup) -> None:
    """Replace SIRETs by member ids in the applications; a SIRET the register does not know refuses
    its application's row, naming the column."""
    named = {s for a in past.applications for s in map(as_siret, _enterprises(a)) if s}
    if not named:
        return
    found = lookup(named)
    kept = []
    for application in past.applications:
        unknown = [
            (column, value)
            for column, value in _columns(application)
            if (s := as_siret(value)) is not None and s not in found
        ]
        past.refusals += [
            Refusal(application.row.sheet, application.row.number, column, f"SIRET {value} inconnu du registre")
            for column, value in unknown
        ]
        if unknown:
            continue

        def member(value: str) -> str:
            siret = as_siret(value)
            return found[siret] if siret else value

        kept.append(
            replace(
                application,
                lead=member(application.lead),
                partners=tuple(member(p) for p in application.partners),
                trainings=tuple(replace(t, enterprise_id=member(t.enterprise_id)) for t in application.trainings),
            )
        )
    past.applications = kept


def _columns(application: PastApplication) -> list[tuple[str, str]]:
    return [
        ("porteur", application.lead),
        *(("partenaires", p) for p in application.partners),
        *(("formation.entreprise", t.enterprise_id) for t in application.trainings if t.enterprise_id),
    ]


def _enterprises(application: PastApplication) -> list[str]:
    return [value for _, value in _columns(application)]
