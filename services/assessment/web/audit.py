"""/audit: an auditor's assessments, each one's timeline, the assessment as of any moment, diffs;
national staff's audit reads and access grants.

An auditor sees only what an access grant names, for its period (`services.assessment.access`), and
every page they open through a grant is recorded as an audit read, as the API's reads are."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.assessment import queries
from services.assessment.api.common import record_audit_read
from services.assessment.web import audit_queries
from services.assessment.web.audit_cap import diff_page, previous_campaign_page, state_page, timeline_page
from services.assessment.web.audit_common import AUDITORS, member_names
from services.assessment.web.audit_staff import grant, grants_page, reads_page, revoke
from services.assessment.web.results_common import STATUSES, access, principal_of
from shared.auth import Role
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection

MOST_GRANTS = 100  # an auditor's grants shown (an audit mission names a handful)
MOST_ASSESSMENTS = 100  # assessments the grants open, shown at once


@get("/", guards=[AUDITORS])
async def auditor_home(request: Request[Any, Any, Any], platform: NamedDependency[Platform]) -> Template | Redirect:
    principal = principal_of(request)
    if principal.has(Role.NATIONAL_STAFF) and not principal.has(Role.AUDITOR):
        return Redirect("/audit/lectures", status_code=303)  # staff's audit pages start there
    who = await access(request, platform)
    # Grants name the auditor: read across the network, filtered on the auditor's own identity.
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        grants, _ = await audit_queries.grants(conn, auditor_id=principal.subject, limit=MOST_GRANTS, offset=0)
    items = []
    if who.tenants or who.assessments:
        async with scoped_connection(platform.read_pool, who.scope) as conn:
            page = await queries.list_assessments(conn, who, tenant=None, status=None, limit=MOST_ASSESSMENTS, offset=0)
        items = page.items
    # As the API's list: one read recorded for each grant that let assessments through.
    through: dict[str, tuple[str, str]] = {}
    for item in items:
        grant_id = who.audit_grant(item.tenant_id, item.assessment_id)
        if grant_id is not None:
            through.setdefault(grant_id, (item.tenant_id, item.assessment_id))
    for tenant, assessment in through.values():
        await record_audit_read(
            request, platform, who, tenant_id=tenant, assessment_id=assessment, resource="assessment_list"
        )
    members = await member_names(platform, {g.tenant_id for g in grants})
    return Template(
        template_name="assessment/audit/home.html",
        context={
            "title": "Mes habilitations d'audit",
            "grants": grants,
            "now": datetime.now(UTC),
            "assessments": items,
            "members": members,
            "statuses": STATUSES,
        },
    )


AUDIT_PAGES: list[Any] = [
    auditor_home,
    timeline_page,
    state_page,
    diff_page,
    previous_campaign_page,
    reads_page,
    grants_page,
    grant,
    revoke,
]
