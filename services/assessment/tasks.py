"""What le Cap waits for from a member's people, for the home page: indicators assigned to me that
I have not answered, reviewers' proposals the team must decide on, plan actions due soon or late."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from anyio import to_thread

from services.assessment import queries
from services.assessment.access import access_of
from services.assessment.application import AssessmentApplication
from services.assessment.domain.sheet import Sheet
from shared.as_of import today_in_paris
from shared.auth import Principal, Role
from shared.tenancy import scoped_connection
from shared.web.tasks import Task

if TYPE_CHECKING:
    from shared.platform import Platform

TEAM = {Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR}
DUE_SOON = timedelta(days=30)  # a plan action due within a month is on the list already
ANSWERING = ("in_progress",)
DECIDING = ("under_review", "reviewed")


def unanswered(sheet: Sheet, sub_theme_of: dict[str, str], participant_id: str) -> int:
    """Indicators assigned to the participant (all of them when no sub-theme is) without their answer."""
    me = sheet.participants.get(participant_id)
    if me is None:
        return 0
    mine = [c for c, s in sub_theme_of.items() if not me.sub_themes or s in me.sub_themes]
    return sum(1 for code in mine if participant_id not in sheet.answers.get(code, {}))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


async def cap_tasks(platform: Platform, principal: Principal, today: date | None = None) -> list[Task]:
    if not principal.tenant or not principal.roles & TEAM:
        return []
    today = today or today_in_paris()
    app = platform.application("assessment")
    assert isinstance(app, AssessmentApplication)
    who = await access_of(platform.read_pool, principal)
    tasks: list[Task] = []
    async with scoped_connection(platform.read_pool, who.scope) as conn:
        page = await queries.list_assessments(conn, who, tenant=principal.tenant, status=None, limit=20, offset=0)
        current = [a for a in page.items if a.superseded_by is None]
        sheets = {a.assessment_id: await queries.sheet(conn, a.assessment_id) for a in current if a.status in ANSWERING}
        actions = {a.assessment_id: await queries.plan_actions(conn, a.assessment_id) for a in current}
    for summary in current:
        href = f"/cap/{summary.assessment_id}"
        sheet = sheets.get(summary.assessment_id)
        if sheet is not None:
            referential = await to_thread.run_sync(app.referential, sheet.referential_version)
            sub_theme_of = {code: i.sub_theme for code, i in referential.indicators.items()}
            left = unanswered(sheet, sub_theme_of, principal.subject)
            if left:
                tasks.append(Task(label=f"le Cap : {_plural(left, 'indicateur')} à répondre", href=href))
        if summary.status in DECIDING and summary.proposals_pending and principal.has(Role.MEMBER_ADMIN):
            tasks.append(
                Task(
                    label=f"le Cap : {_plural(summary.proposals_pending, 'proposition')} de relecture à accepter "
                    "ou refuser",
                    href=f"{href}/relecture",
                )
            )
        for action in actions.get(summary.assessment_id, []):
            if action.status in ("adopted", "scheduled") and action.due_on and action.due_on <= today + DUE_SOON:
                late = action.due_on < today
                tasks.append(
                    Task(
                        label=f"le Cap : action {action.indicator} « {action.suggested_action} » "
                        f"{'en retard' if late else 'à réaliser'}",
                        href=f"/cap/{summary.assessment_id}/plan#action-{action.indicator.replace('.', '-')}",
                        due_on=action.due_on,
                    )
                )
    return tasks
