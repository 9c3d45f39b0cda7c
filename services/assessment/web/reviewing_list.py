"""/relectures: the reviews asked of me — waiting (nothing commented yet), in progress, done — with the
member, the day asked and the assessment's stage; national staff read every review of the network.

Read from `assessment.review_requests` (indexed on `reviewer_id` and `reviewer_tenant`) joined to the
assessments' summaries and the member directory: one query for the page, one for the counts, under
the caller's read scope (`access_of`: the tenants of the assessments they were asked to review)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import asyncpg
from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from services.assessment.api.common import access
from services.assessment.web.answering_view import REVIEWER_ROLES as THIRD_PARTY_ROLES
from services.assessment.web.answering_view import STAGES
from services.assessment.web.reviewing_view import READER_ROLES
from shared.auth import Principal, Role
from shared.platform import Platform
from shared.tenancy import scoped_connection
from shared.web.auth import signed_in_as
from shared.web.notices import take_notice

PER_PAGE = 50
MAX_PAGE = 10_000
State = Literal["toutes", "attente", "en-cours", "terminees"]
STATES: dict[str, tuple[str, str]] = {  # the filter's value → (words, SQL condition on r.)
    "toutes": ("Toutes", "TRUE"),
    "attente": ("En attente", "r.status = 'requested' AND r.comments = 0"),
    "en-cours": ("En cours", "r.status = 'requested' AND r.comments > 0"),
    "terminees": ("Terminées", "r.status = 'completed'"),
}
StateInQuery = Annotated[State, QueryParameter(description="which reviews: waiting, in progress, done, or all")]
PageInQuery = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="the page of the list, from 1")]

# Mine: a third party by their id, a peer reviewer by their member; national staff: every review.
_MINE = """(
    $1::boolean
    OR (r.kind = 'third_party' AND r.reviewer_id = $2)
    OR (r.kind = 'peer' AND $3::text IS NOT NULL AND r.reviewer_tenant = $3)
)"""
_ROWS = """
SELECT r.assessment_id, r.request_id, r.tenant_id, coalesce(d.name, r.tenant_id) AS member_name, r.kind,
       r.reviewer_id, r.reviewer_role, r.reviewer_tenant, coalesce(p.name, r.reviewer_tenant) AS peer_name,
       r.status, r.requested_at, r.completed_at, r.comments, r.proposals, a.status AS stage, a.superseded_by
FROM assessment.review_requests r
JOIN assessment.assessments a ON a.assessment_id = r.assessment_id
LEFT JOIN assessment.member_directory d ON d.member_id = r.tenant_id
LEFT JOIN assessment.member_directory p ON p.member_id = r.reviewer_tenant
WHERE {mine} AND {state}
ORDER BY (r.status = 'completed'), r.requested_at DESC, r.assessment_id, r.request_id
LIMIT $4 OFFSET $5
"""
_COUNTS = """
SELECT count(*) FILTER (WHERE r.status = 'requested' AND r.comments = 0) AS attente,
       count(*) FILTER (WHERE r.status = 'requested' AND r.comments > 0) AS "en-cours",
       count(*) FILTER (WHERE r.status = 'completed') AS terminees,
       count(*) AS toutes
FROM assessment.review_requests r
WHERE {mine}
"""


@dataclass(frozen=True)
class AskedReview:
    assessment_id: str
    request_id: str
    member_name: str
    kind: str
    reviewer: str  # who was asked, in words (shown to national staff)
    state: str  # attente, en-cours, terminees
    requested_at: datetime
    completed_at: datetime | None
    comments: int
    proposals: int
    stage: str

    @property
    def address(self) -> str:
        return f"/relectures/{self.assessment_id}/{self.request_id}"


def _state_of(row: asyncpg.Record) -> str:
    if row["status"] == "completed":
        return "terminees"
    return "en-cours" if row["comments"] else "attente"


def _mine_arguments(principal: Principal) -> tuple[bool, str, str | None]:
    staff = principal.has(Role.NATIONAL_STAFF)
    peer_tenant = principal.tenant if principal.has(Role.PEER_REVIEWER) else None
    return staff, principal.subject, peer_tenant


async def _asked(
    conn: asyncpg.Connection, principal: Principal, state: str, page: int
) -> tuple[list[AskedReview], dict[str, int]]:
    mine = _mine_arguments(principal)
    rows = await conn.fetch(
        _ROWS.format(mine=_MINE, state=STATES[state][1]), *mine, PER_PAGE + 1, (page - 1) * PER_PAGE
    )
    counts = dict(await conn.fetchrow(_COUNTS.format(mine=_MINE), *mine) or {})
    third_parties = [r["reviewer_id"] for r in rows if r["kind"] == "third_party" and r["reviewer_id"]]
    names = {
        n["person_id"]: n["name"]
        for n in await conn.fetch(
            "SELECT person_id, name FROM people.directory WHERE person_id = ANY($1::text[])", third_parties
        )
    }
    found = [
        AskedReview(
            assessment_id=r["assessment_id"],
            request_id=r["request_id"],
            member_name=r["member_name"],
            kind=r["kind"],
            reviewer=(
                f"{THIRD_PARTY_ROLES.get(r['reviewer_role'] or '', 'tiers')} "
                f"{names.get(r['reviewer_id'], r['reviewer_id'])}"
                if r["kind"] == "third_party"
                else f"pair : {r['peer_name']}"
            ),
            state=_state_of(r),
            requested_at=r["requested_at"],
            completed_at=r["completed_at"],
            comments=r["comments"],
            proposals=r["proposals"],
            stage="remplacée" if r["superseded_by"] else STAGES.get(r["stage"], r["stage"]),
        )
        for r in rows
    ]
    return found, {key: int(counts.get(key, 0)) for key in STATES}


@get("/", guards=[signed_in_as(*READER_ROLES)])
async def asked_reviews(
    request: Request[Any, Any, Any],
    platform: NamedDependency[Platform],
    etat: StateInQuery = "toutes",
    page: PageInQuery = 1,
) -> Template:
    principal: Principal = request.user
    who = await access(request, platform)
    async with scoped_connection(platform.read_pool, who.scope) as conn:
        found, counts = await _asked(conn, principal, etat, page)
    more = len(found) > PER_PAGE
    last = max(1, -(-counts[etat] // PER_PAGE))
    return Template(
        template_name="assessment/reviewing/list.html",
        context={
            "title": "Relectures",
            "notice": await take_notice(request),
            "reviews": found[:PER_PAGE],
            "counts": counts,
            "states": STATES,
            "tab_items": [
                (f"/relectures?etat={key}", f"{words} ({counts[key]})") for key, (words, _) in STATES.items()
            ],
            "state": etat,
            "national": principal.has(Role.NATIONAL_STAFF),
            "number": page,
            "last": last,
            "previous": f"/relectures?etat={etat}&page={page - 1}" if page > 1 else None,
            "next": f"/relectures?etat={etat}&page={page + 1}" if more else None,
        },
    )
