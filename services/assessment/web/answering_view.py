"""One assessment as the answering pages show it: read through the same scoped queries as the API
(`api/common.py`), for the member's own team only (another member's assessment does not exist: 404).

Progress per theme and sub-theme, and the indicators' texts (question, help, the four levels in
words), are computed here from the sheet and the referential, as the API's views are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import anyio
from anyio import to_thread
from litestar import Request

from services.assessment import queries
from services.assessment.access import Access
from services.assessment.api.common import access, cap, visible_summary
from services.assessment.domain.errors import AssessmentNotFound
from services.assessment.domain.referential import Referential
from services.assessment.domain.sheet import Sheet
from services.assessment.read_models import AnswerView, AssessmentSummary, ReviewNote, ReviewRequestView
from services.assessment.web.answering_people import Someone, may_participate, member_people
from shared.auth import Principal, Role
from shared.platform import Platform
from shared.tenancy import scoped_connection

STAGES = {
    "in_progress": "en cours",
    "submitted": "soumise",
    "under_review": "en relecture",
    "reviewed": "relue",
    "validated": "validée",
}
KINDS = {"staff": "salarié·e", "volunteer": "bénévole"}
REVIEWER_ROLES = {"regional_delegate": "délégué·e régional·e", "trainer": "formateur·rice"}


@dataclass(frozen=True)
class Progress:
    """Indicators with the assessment's answer, out of all, for a theme or a sub-theme."""

    code: str
    title: str
    answered: int
    total: int
    parts: list[Progress] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0


@dataclass(frozen=True)
class IndicatorText:
    code: str
    question: str
    help: str
    example: str
    levels: list[tuple[int, str, str]]  # (level, label, description)


@dataclass(frozen=True)
class Proposal:
    indicator: str
    question: str
    current_level: int | None
    note: ReviewNote


@dataclass(frozen=True)
class CapView:
    principal: Principal
    who: Access
    summary: AssessmentSummary
    sheet: Sheet
    referential: Referential
    answers: dict[str, AnswerView]
    reviews: list[ReviewRequestView]
    people: list[Someone]  # the member's people in the directory (not deactivated)

    @property
    def id(self) -> str:
        return self.summary.assessment_id

    @property
    def is_admin(self) -> bool:
        return self.principal.has(Role.MEMBER_ADMIN)

    @property
    def drafting(self) -> bool:
        return self.summary.status == "in_progress" and self.summary.superseded_by is None

    def sub_themes(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """Every sub-theme in order: (code, title, indicator codes)."""
        return [
            (code, title["fr"], codes) for theme in self.referential.themes for code, title, codes in theme.sub_themes
        ]

    def sub_theme_title(self, code: str) -> str:
        return next((title for c, title, _ in self.sub_themes() if c == code), code)

    def progress(self) -> list[Progress]:
        themes = []
        for theme in self.referential.themes:
            parts = [
                Progress(code, title["fr"], sum(1 for c in codes if self._has_answer(c)), len(codes))
                for code, title, codes in theme.sub_themes
            ]
            themes.append(
                Progress(
                    theme.code,
                    theme.title["fr"],
                    sum(p.answered for p in parts),
                    sum(p.total for p in parts),
                    parts,
                )
            )
        return themes

    def _has_answer(self, code: str) -> bool:
        view = self.answers.get(code)
        return view is not None and view.level is not None

    def name_of(self, participant_id: str) -> str:
        """The directory's current name; for a participant invited before the directory, the name
        the team typed then; else the id."""
        person = next((p for p in self.people if p.person_id == participant_id), None)
        if person is not None:
            return person.name
        found = self.sheet.participants.get(participant_id)
        return found.name if found and found.name else participant_id

    def invitable(self) -> list[Someone]:
        """The member's people who may answer and are not participants yet."""
        return [p for p in self.people if may_participate(p) and p.person_id not in self.sheet.participants]

    def divergent(self) -> list[AnswerView]:
        return [v for v in self.answers.values() if v.divergent]

    def settled_after_disagreement(self) -> list[AnswerView]:
        return [
            v
            for v in self.answers.values()
            if not v.divergent and v.settlement is not None and len({a.level for a in v.participant_answers}) > 1
        ]

    def to_revisit(self) -> list[AnswerView]:
        return [v for v in self.answers.values() if v.revisit]

    def missing(self) -> list[str]:
        """Indicators no one has answered (the submission's own rule)."""
        return [c for c in self.referential.indicators if c not in self.sheet.answers and c not in self.sheet.settled]

    def proposals(self) -> list[Proposal]:
        found = []
        for view in self.answers.values():
            indicator = self.referential.indicators[view.indicator]
            for note in view.reviews:
                if note.proposal_id is not None:
                    found.append(Proposal(view.indicator, indicator.question["fr"], view.level, note))
        return found

    def texts(self, codes: tuple[str, ...]) -> list[IndicatorText]:
        return [texts_of(self.referential)[c] for c in codes]


def texts_of(referential: Referential) -> dict[str, IndicatorText]:
    """The indicators' texts in French, from the referential's document (its parsed form keeps only
    what the plan and the positioning compute with)."""
    found: dict[str, IndicatorText] = {}
    for theme in referential.document["themes"]:
        for sub_theme in theme["sub_themes"]:
            for item in sub_theme["indicators"]:
                found[item["code"]] = IndicatorText(
                    code=item["code"],
                    question=_fr(item["question"]),
                    help=_fr(item.get("help")),
                    example=_fr(item.get("example")),
                    levels=[(lv["level"], _fr(lv["label"]), _fr(lv["description"])) for lv in item["levels"]],
                )
    return found


def _fr(text: Any) -> str:
    return str(text.get("fr", "")) if isinstance(text, dict) else ""


async def cap_view(request: Request[Any, Any, Any], platform: Platform, assessment_id: UUID) -> CapView:
    """The assessment for its member's team; for anyone else it does not exist (404)."""
    principal: Principal = request.user
    who = await access(request, platform)
    summary = await visible_summary(platform, who, assessment_id)
    if principal.tenant != summary.tenant_id:
        # A delegate or a peer may read it through the API; these pages are the member's own.
        raise AssessmentNotFound(assessment_id)
    async with scoped_connection(platform.read_pool, who.scope) as conn:
        sheet = await queries.sheet(conn, str(assessment_id))
        reviews = await queries.review_requests(conn, str(assessment_id))
    if sheet is None:
        raise AssessmentNotFound(assessment_id)
    referential = await to_thread.run_sync(cap(platform).referential, sheet.referential_version)
    answers = {v.indicator: v for v in queries.answer_views(sheet, referential)}
    people = await member_people(platform, who.scope, summary.tenant_id)
    return CapView(principal, who, summary, sheet, referential, answers, reviews, people)


CATCH_UP_SECONDS = 5.0


async def up_to_date(request: Request[Any, Any, Any], platform: Platform, assessment_id: UUID) -> CapView:
    """The page's view once the read models show the assessment's latest version: after a stale form
    is refused, the page it answers must carry the version a new attempt will be checked against
    (else the person would be refused again). Bounded: a read model that lags longer gives the
    freshest view it has."""
    latest = await to_thread.run_sync(lambda: cap(platform).assessment(assessment_id).version)
    view = await cap_view(request, platform, assessment_id)
    with anyio.move_on_after(CATCH_UP_SECONDS):
        while view.sheet.version < latest:
            await anyio.sleep(0.05)
            view = await cap_view(request, platform, assessment_id)
    return view
