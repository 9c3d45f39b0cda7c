"""National staff's register: the members (searched, filtered, paginated), registering one, a
member's record with every form that changes it (each with its effective date), its history, and the
regions with a merger. Every page reads through the API's queries and writes through the same
`MembershipApplication` methods as `api/members.py`, `api/member_commands.py` and `api/regions.py`."""

from __future__ import annotations

from typing import Any

from services.membership.web.register_actions import MEMBER_FORMS
from services.membership.web.register_forms import member_form_pages
from services.membership.web.register_list import register_list, register_member, registration_form
from services.membership.web.register_record import member_history, member_record
from services.membership.web.register_regions import (
    merge_regions,
    merger_form,
    regions_page,
    rename_form,
    rename_region,
    split_form,
    split_region,
)

REGISTER_PAGES: list[Any] = [
    register_list,
    registration_form,
    register_member,
    regions_page,
    merger_form,
    merge_regions,
    rename_form,
    rename_region,
    split_form,
    split_region,
    member_record,
    member_history,
    *(handler for form in MEMBER_FORMS for handler in member_form_pages(form)),
]
