"""The register's read models after an erasure: the erased contact persons read "[effacé]".

Follows the people log's erasure receipts (`shared.contracts.erasures`). The register keeps a contact
person in every state row (`member_states` and the replaced `member_states_past`) and in the history
of the events that named them (`member_history`); each keeps the details' data subject beside them
(`PersonalDetails.shown`), which is what the rewrite finds them by. Written through the live views,
it changes the generation that answers; one being rebuilt decodes "[effacé]" by itself.
"""

from __future__ import annotations

import asyncpg
import msgspec

from services.membership.events_log import SCHEMA
from shared.contracts.erasures import ErasureFollower
from shared.personal import ERASED

# What a contact's fields read once erased (the subject stays: it is how the rows were found).
_ERASED_FIELDS = msgspec.json.encode({"name": ERASED, "email": ERASED, "phone": None}).decode()


class ContactErasures(ErasureFollower):
    name = "contact_erasures"

    async def erase(self, conn: asyncpg.Connection, subjects: list[str]) -> None:
        for table in ("member_states", "member_states_past"):
            await conn.execute(
                f"UPDATE {SCHEMA}.{table} SET contact = contact || $2::text::jsonb "
                "WHERE contact->>'subject' = ANY($1::text[])",
                subjects,
                _ERASED_FIELDS,
            )
        await conn.execute(
            f"UPDATE {SCHEMA}.member_history "
            "SET details = jsonb_set(details, '{contact}', (details->'contact') || $2::text::jsonb) "
            "WHERE details->'contact'->>'subject' = ANY($1::text[])",
            subjects,
            _ERASED_FIELDS,
        )
