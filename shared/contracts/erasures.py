"""Erasures of personal data, as the services that hold people's details see them (contract version 1).

National staff erase a person in the directory's service: an `Erasure.Recorded` receipt in the
people log, saved with the deletion of the person's data-subject keys (`shared.keyring`). From that
moment every event sealing their details decodes as "[effacé]", in every service, on any replay.
What a service copied into its read models while the key existed is brought in line by an
`ErasureFollower`: a projection following the people log that rewrites, for each receipt, the rows
holding the erased subjects — so a rebuild (which now decodes "[effacé]") and the live read model
agree, and `coorace projections rebuild --verify` passes after an erasure.

The follower also drops the subjects from this process's key cache before rewriting, so that no
projection here opens them again from a cached key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar
from uuid import UUID

import asyncpg

from shared.keyring import current_keyring
from shared.projection import EventLog, ForeignEvent, Notified, Projection
from shared.readmodel import Table, TableNames

# The people service's log, where the receipts are (a service never imports another's modules).
PEOPLE_LOG = EventLog(schema="people", table="people_events")
RECEIPT = "Erasure.Recorded"


def erased_subjects(events: Sequence[Notified]) -> list[str]:
    """The data subjects the batch's receipts erase, as text (how read models keep them)."""
    return [
        str(subject)
        for notified in events
        if isinstance(notified.event, ForeignEvent) and notified.event.name == RECEIPT
        for subject in notified.event.state["subjects"]
    ]


class ErasureFollower(Projection):
    """Rewrites a service's read-model rows of erased subjects; subclasses say which rows."""

    foreign = True
    source = PEOPLE_LOG
    tables: ClassVar[tuple[Table, ...]] = ()

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[Notified], tables: TableNames) -> None:
        subjects = erased_subjects(events)
        if subjects:
            current_keyring().forget(UUID(subject) for subject in subjects)
            await self.erase(conn, subjects)

    async def erase(self, conn: asyncpg.Connection, subjects: list[str]) -> None:
        raise NotImplementedError
