"""Given-events helpers of le Cap's aggregate tests: assessments built through their commands, at
fixed moments. No database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from services.assessment.domain.assessment import Assessment, Respondent, Reviewer
from services.assessment.domain.referential import Referential, load_document

REFERENTIAL = Referential.parse(load_document())
CODES = list(REFERENTIAL.indicators)
T0 = datetime(2016, 3, 1, 9, tzinfo=UTC)
MARIE = Respondent(subject="marie", admin=False)
TENANT = "member-1"
DELEGATE = Reviewer(subject="delegue-npc", roles=frozenset({"regional_delegate"}), tenant=None)


def started(forms: tuple[str, ...] = ("AI",), scope: str = "member") -> Assessment:
    return Assessment.start(
        tenant_id=TENANT,
        region="NPC",
        forms=forms,
        scope=scope,
        referential=REFERENTIAL,
        previous=None,
        started_on=T0.date(),
        at=T0,
    )


def with_participants(*names: str, sub_themes: dict[str, tuple[str, ...]] | None = None) -> Assessment:
    assessment = started()
    for name in names:
        assessment.invite(
            participant_id=name,
            name=name.title(),
            kind="staff",
            sub_themes=(sub_themes or {}).get(name, ()),
            referential=REFERENTIAL,
            at=T0,
        )
    return assessment


def answer(assessment: Assessment, code: str, level: int, participant: str = "marie", **flags: bool) -> None:
    assessment.answer(
        indicator=code,
        participant_id=participant,
        level=level,
        comment="",
        practice="in_place",
        improve=flags.get("improve", False),
        revisit=flags.get("revisit", False),
        referential=REFERENTIAL,
        at=T0,
        respondent=Respondent(subject=participant, admin=False),
    )


def answered(level: int = 2) -> Assessment:
    assessment = with_participants("marie")
    for code in CODES:
        answer(assessment, code, level)
    return assessment


def submitted(level: int = 2) -> Assessment:
    assessment = answered(level)
    assessment.submit(referential=REFERENTIAL, at=T0)
    return assessment


def under_review(level: int = 2) -> tuple[Assessment, str]:
    assessment = submitted(level)
    request_id = assessment.request_review(
        kind="third_party", reviewer_id=DELEGATE.subject, reviewer_role="regional_delegate", reviewer_tenant=None, at=T0
    )
    return assessment, request_id


def new_event_names(assessment: Assessment) -> list[str]:
    return [type(e).__name__ for e in assessment.collect_events()]


# --- starting -------------------------------------------------------------------------------------
