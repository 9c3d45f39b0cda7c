"""/fms/instruction/{id}/dossier: the decision file as a page (national staff); and
/fms/candidatures/{id}/lettre.pdf: the decision letter — national staff once a decision exists, the
applicant enterprises' people (lead or partner, as the API lets them read the application) only once
the decision is approved and notified, as the API's redaction shows them the outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template

from services.training import queries
from services.training.api.common import ApplicationId, training
from services.training.documents.letter_cache import CACHE as LETTERS
from services.training.documents.letter_pdf import DecisionLetter, file_name
from services.training.domain.errors import ApplicationNotFound
from services.training.web.instruction_forms import page
from services.training.web.instruction_view import STAFF_PAGE, instruction_view, readable_application, typed
from shared.auth import Principal, Role
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection
from shared.web.auth import signed_in_as

LETTER_READERS = signed_in_as(Role.NATIONAL_STAFF, Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR)
# The town of the lead enterprise, from the service's own copy of the register's published history.
CITY_SQL = (
    "SELECT fields->>'city' AS city FROM training.enterprise_history "
    "WHERE member_id = $1 AND fields ? 'city' ORDER BY version DESC LIMIT 1"
)


@get("/instruction/{application_id:uuid}/dossier", guards=[STAFF_PAGE])
async def dossier(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Template:
    view = await instruction_view(platform, application_id, with_file=True)
    return page("dossier.html", title=f"Dossier de décision — {view.row['title']}", notice="", view=view)


@get("/candidatures/{application_id:uuid}/lettre.pdf", guards=[LETTER_READERS])
async def letter(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Response[bytes]:
    principal: Principal = request.user
    row = await readable_application(platform, principal, application_id)
    staff = principal.has(Role.NATIONAL_STAFF)
    # Staff: once a decision exists. Applicants: once it is approved (notified), as the API shows it.
    if row["decision"] is None or (not staff and row["notified_on"] is None):
        raise ApplicationNotFound(application_id)
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        call = await queries.call(conn, row["call_id"])
        city = await conn.fetchval(CITY_SQL, row["lead_id"])
    if call is None:
        raise ApplicationNotFound(application_id)
    document = letter_of(row, call, city or "", training(platform).today())
    content = await LETTERS.get(document)
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{file_name(document)}"'},
    )


def letter_of(row: dict[str, Any], call: dict[str, Any], city: str, made_on: date) -> DecisionLetter:
    decision = typed(row)["decision"]
    criteria = call["terms"]["criteria"]
    review = row["review"]
    approved = review is not None and review["outcome"] == "approved"
    return DecisionLetter(
        application_id=str(row["application_id"]),
        title=row["title"],
        member_name=row["lead_name"],
        member_city=city,
        partners=tuple(e["name"] for e in row["enterprises"] if e["member_id"] != row["lead_id"]),
        call_title=call["title"],
        call_year=call["year"],
        kind=decision["kind"],
        amount=decision["amount"],
        requested=Decimal(str(row["requested"])),
        reason=decision["reason"],
        decided_on=decision["on"],
        approved_on=date.fromisoformat(review["on"]) if approved else None,
        made_on=made_on,
        max_cofunding_rate=Decimal(str(criteria["max_cofunding_rate"])),
        max_per_trainee=Decimal(str(criteria["max_per_trainee"])),
    )


DOCUMENT_PAGES = [dossier, letter]
