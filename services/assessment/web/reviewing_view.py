"""One review as the reviewer's pages show it: the assessment read through the same scoped queries and
visibility rule as the API (`api/common.py`: `access`, `visible_summary`), narrowed to the review
request the reviewer was asked for.

Who sees `/relectures/{assessment}/{request}`: the reviewer the request names (a delegate or trainer
by their id, a peer reviewer by their member), and national staff (read-only). Anyone else — another
region's delegate, the region's delegate not named, a member, a peer of another member — gets the
404 page, the same as for a missing assessment: the review does not exist for them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import Request

from services.assessment import queries
from services.assessment.api.common import access, cap, visible_summary
from services.assessment.domain.errors import AssessmentNotFound
from services.assessment.domain.referential import Referential
from services.assessment.domain.sheet import Sheet
from services.assessment.read_models import AnswerView, AssessmentSummary, ReviewNote, ReviewRequestView
from services.assessment.web.answering_view import IndicatorText, texts_of
from shared.auth import Principal, Role
from shared.platform import Platform
from shared.tenancy import scoped_connection

REVIEWER_ROLES = frozenset({Role.REGIONAL_DELEGATE, Role.TRAINER, Role.PEER_REVIEWER})
READER_ROLES = REVIEWER_ROLES | {Role.NATIONAL_STAFF}
SOURCES = {"settled": "arbitrée par l'équipe", "review": "issue d'une relecture", "consensus": "réponse commune"}


def names_reviewer(principal: Principal, review: ReviewRequestView) -> bool:
    """The request is this person's to do (the application's own rule, `for_reviewer`)."""
    if review.kind == "third_party":
        return principal.subject == review.reviewer_id and bool(
            principal.roles & {Role.REGIONAL_DELEGATE, Role.TRAINER}
        )
    return (
        principal.has(Role.PEER_REVIEWER)
        and principal.tenant is not None
        and principal.tenant == review.reviewer_tenant
    )


@dataclass(frozen=True)
class Progress:
    """Indicators commented in this review, out of all, for a theme or a sub-theme."""

    code: str
    title: str
    commented: int
    proposed: int
    total: int


@dataclass(frozen=True)
class ReviewView:
    principal: Principal
    summary: AssessmentSummary
    member_name: str
    review: ReviewRequestView
    sheet: Sheet
    referential: Referential
    answers: dict[str, AnswerView]
    participant_names: dict[str, str]

    @property
    def assessment_id(self) -> str:
        return self.summary.assessment_id

    @property
    def request_id(self) -> str:
        return self.review.request_id

    @property
    def address(self) -> str:
        return f"/relectures/{self.assessment_id}/{self.request_id}"

    @property
    def named(self) -> bool:
        """The signed-in person is the reviewer asked (national staff only read)."""
        return names_reviewer(self.principal, self.review)

    @property
    def assessment_open(self) -> bool:
        return self.summary.status != "validated" and self.summary.superseded_by is None

    @property
    def writable(self) -> bool:
        """The forms are shown: the reviewer's own review, not completed, on an assessment still open."""
        return self.named and self.review.status == "requested" and self.assessment_open

    @cached_property
    def _notes(self) -> dict[str, list[ReviewNote]]:
        return {
            code: [n for n in view.reviews if n.request_id == self.request_id] for code, view in self.answers.items()
        }

    def notes(self, code: str) -> list[ReviewNote]:
        """This review's comments and proposals on one indicator, oldest first."""
        return self._notes.get(code, [])

    def proposals(self) -> list[tuple[str, ReviewNote]]:
        """This review's proposals of another level: (indicator, note), in the referential's order."""
        return [(code, n) for code in self.referential.indicators for n in self.notes(code) if n.proposal_id]

    def sub_themes(self) -> list[tuple[str, str, tuple[str, ...]]]:
        return [
            (code, title["fr"], codes) for theme in self.referential.themes for code, title, codes in theme.sub_themes
        ]

    def sub_theme(self, code: str) -> tuple[int, str, tuple[str, ...]] | None:
        """(rank, title, indicator codes) of a sub-theme of the assessment's referential version."""
        for index, (found, title, codes) in enumerate(self.sub_themes()):
            if found == code:
                return index, title, codes
        return None

    def progress(self) -> list[tuple[Progress, list[Progress]]]:
        """Per theme, then per sub-theme: how many indicators this review commented, proposed on."""
        found = []
        for theme in self.referential.themes:
            parts = [self._progress(code, title["fr"], codes) for code, title, codes in theme.sub_themes]
            found.append(
                (
                    Progress(
                        theme.code,
                        theme.title["fr"],
                        sum(p.commented for p in parts),
                        sum(p.proposed for p in parts),
                        sum(p.total for p in parts),
                    ),
                    parts,
                )
            )
        return found

    def _progress(self, code: str, title: str, codes: tuple[str, ...]) -> Progress:
        notes = {c: self.notes(c) for c in codes}
        commented = sum(1 for c in codes if notes[c])
        proposed = sum(1 for c in codes if any(n.proposal_id for n in notes[c]))
        return Progress(code, title, commented, proposed, len(codes))

    def commented(self) -> int:
        return sum(1 for notes in self._notes.values() if notes)

    def texts(self, codes: tuple[str, ...]) -> list[IndicatorText]:
        every = indicator_texts(self.referential)
        return [every[c] for c in codes]

    def level_words(self, code: str, level: int | None) -> str:
        """A level as « 3. Structuré » (the indicator's own words), or « sans réponse »."""
        if level is None:
            return "sans réponse"
        for found, label, _ in indicator_texts(self.referential)[code].levels:
            if found == level:
                return f"{level}. {label}"
        return str(level)

    def name_of(self, participant_id: str) -> str:
        if participant_id in self.participant_names:
            return self.participant_names[participant_id]
        typed = self.sheet.participants.get(participant_id)
        return typed.name if typed and typed.name else participant_id


_TEXTS: dict[str, dict[str, IndicatorText]] = {}


def indicator_texts(referential: Referential) -> dict[str, IndicatorText]:
    """The indicators' French texts, once per referential version (a version in use never changes)."""
    found = _TEXTS.get(referential.version)
    if found is None:
        found = _TEXTS[referential.version] = texts_of(referential)
    return found


async def review_view(
    request: Request[Any, Any, Any], platform: Platform, assessment_id: UUID, request_id: str
) -> ReviewView:
    """The review `request_id` of the assessment, for its reviewer or national staff; for anyone
    else it does not exist (404)."""
    principal: Principal = request.user
    if not principal.roles & READER_ROLES:
        raise AssessmentNotFound(assessment_id)
    who = await access(request, platform)
    summary = await visible_summary(platform, who, assessment_id)
    async with scoped_connection(platform.read_pool, who.scope) as conn:
        reviews = await queries.review_requests(conn, str(assessment_id))
        review = next((r for r in reviews if r.request_id == request_id), None)
        if review is None or not (principal.has(Role.NATIONAL_STAFF) or names_reviewer(principal, review)):
            raise AssessmentNotFound(assessment_id)
        sheet = await queries.sheet(conn, str(assessment_id))
        member = await queries.directory_entry(conn, summary.tenant_id)
        ids = list(sheet.participants) if sheet else []
        rows = await conn.fetch("SELECT person_id, name FROM people.directory WHERE person_id = ANY($1::text[])", ids)
    if sheet is None:
        raise AssessmentNotFound(assessment_id)
    referential = await to_thread.run_sync(cap(platform).referential, sheet.referential_version)
    answers = {v.indicator: v for v in queries.answer_views(sheet, referential)}
    return ReviewView(
        principal=principal,
        summary=summary,
        member_name=member.name if member else summary.tenant_id,
        review=review,
        sheet=sheet,
        referential=referential,
        answers=answers,
        participant_names={r["person_id"]: r["name"] for r in rows},
    )
