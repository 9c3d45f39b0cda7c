"""The write side's reading of the service's own copy of the register (the `enterprises` read model).

Eligibility is decided on what the register said at the call's closing date (`facts_as_of`, from the
members' published history kept beside the copy), and the check's event records the facts it saw: a
decision never depends on a later re-reading of the register."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from psycopg.sql import SQL, Identifier

from services.training.domain.values import Enterprise, EnterpriseFacts
from shared.contracts.membership import MemberEvent, decode_state, facts_as_of
from shared.eventstore import ServiceApplication


class RegisterCopy:
    def __init__(self, application: ServiceApplication) -> None:
        self.application = application

    def facts(self, member_ids: Iterable[str]) -> dict[str, EnterpriseFacts]:
        """What the copy says of these enterprises (those it does not know are absent)."""
        found = self._select("WHERE member_id = ANY(%s)", (sorted(set(member_ids)),))
        return {f.member_id: f for f in found}

    def facts_as_of(self, member_ids: Iterable[str], on: date) -> dict[str, EnterpriseFacts]:
        """What the register said of these enterprises at the end of `on` (effective dates), from
        their published history: those not members yet on that day are absent."""
        datastore = self.application.command_recorder.datastore
        with datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT member_id, version, event, recorded_at, fields FROM {schema}.enterprise_history "
                    "WHERE member_id = ANY(%s) ORDER BY member_id, version"
                ).format(schema=Identifier(datastore.schema)),
                (sorted(set(member_ids)),),
            )
            rows = curs.fetchall()
        histories: dict[str, list[MemberEvent]] = defaultdict(list)
        for r in rows:
            histories[r["member_id"]].append(
                decode_state(r["event"], r["member_id"], r["version"], r["recorded_at"], r["fields"], source=r)
            )
        found = {}
        for member_id, history in histories.items():
            facts = facts_as_of(history, on)
            if facts is not None:
                found[member_id] = EnterpriseFacts(
                    member_id=member_id,
                    name=facts.name,
                    region=facts.region,
                    forms=facts.forms,
                    status=facts.status,
                    accord_groupe_since=facts.accord_groupe_since,
                )
        return found

    def everyone(self) -> list[EnterpriseFacts]:
        """The whole copy, by name (the demo draws its applicants from it)."""
        return self._select("ORDER BY name, member_id", ())

    def _select(self, clause: str, args: tuple[object, ...]) -> list[EnterpriseFacts]:
        datastore = self.application.command_recorder.datastore
        with datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT member_id, name, region, forms, status, accord_groupe_since FROM {schema}.enterprises "
                    + clause
                ).format(schema=Identifier(datastore.schema)),
                args,
            )
            rows = curs.fetchall()
        return [
            EnterpriseFacts(
                member_id=r["member_id"],
                name=r["name"],
                region=r["region"],
                forms=tuple(r["forms"]),
                status=r["status"],
                accord_groupe_since=r["accord_groupe_since"],
            )
            for r in rows
        ]


def as_enterprise(facts: EnterpriseFacts) -> Enterprise:
    return Enterprise(member_id=facts.member_id, name=facts.name, region=facts.region, forms=facts.forms)
