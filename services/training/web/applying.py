"""The member's pages of the fund: the calls open to me, my applications (draft, submission, amendments), my outcome."""

from __future__ import annotations

from typing import Any

from services.training.web.applying_amend import amend, amendment_form, amendments
from services.training.web.applying_application import (
    application,
    check_submission,
    report_actuals,
    save_draft,
    submit,
    withdraw,
)
from services.training.web.applying_home import member_home, start_application

APPLYING_PAGES: list[Any] = [
    member_home,
    start_application,
    application,
    save_draft,
    check_submission,
    submit,
    withdraw,
    report_actuals,
    amendment_form,
    amend,
    amendments,
]
