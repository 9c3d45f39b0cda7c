"""le Cap pages: answering an assessment with colleagues, from starting it to its validation."""

from __future__ import annotations

from typing import Any

from services.assessment.web.answering_disagreements import disagreements, settle
from services.assessment.web.answering_participants import assign, invite, participants
from services.assessment.web.answering_review import accept, reject, request_review, reviews, validate, validation
from services.assessment.web.answering_sheet import save, sub_theme
from services.assessment.web.answering_start import assessments, start
from services.assessment.web.answering_submit import check, submit
from services.assessment.web.answering_summary import summary

ANSWERING_PAGES: list[Any] = [
    assessments,
    start,
    summary,
    participants,
    invite,
    assign,
    sub_theme,
    save,
    disagreements,
    settle,
    check,
    submit,
    reviews,
    request_review,
    accept,
    reject,
    validation,
    validate,
]
