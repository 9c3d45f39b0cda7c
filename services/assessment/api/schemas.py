"""Request bodies of le Cap's API, and the answers of commands that create something inside an
assessment (msgspec Structs; unknown fields refused). What queries answer is `read_models.py`'s.

Every field says what it is (its OpenAPI description); coded values are `Literal`s (`read_models`),
so the document lists them; texts refuse control characters (`shared.values` patterns).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar.params import BodyKwarg
from msgspec import UNSET, Meta, UnsetType

from services.assessment.read_models import ParticipantKind, Practice, ReviewerRole, ReviewKind, Scope
from shared.values import MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN, about
from shared.values import LongText as LongText
from shared.values import Text as Text

# --- value types ------------------------------------------------------------------------------

# Codes are ASCII numbers: a theme `2`, a sub-theme `2.1`, an indicator `2.1.3` (as the referential checks).
SUB_THEME_PATTERN = r"^[0-9]{1,4}\.[0-9]{1,4}$"
INDICATOR_PATTERN = r"^[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}$"
VERSION_CODE_PATTERN = r"^[0-9A-Za-z._-]+$"

Id = Annotated[str, Meta(min_length=1, max_length=200, pattern=SINGLE_LINE_PATTERN)]
Reason = Annotated[str, Meta(min_length=1, max_length=2000, pattern=MULTI_LINE_PATTERN)]
Comment = Annotated[str, Meta(max_length=4000, pattern=MULTI_LINE_PATTERN)]  # may be empty
Level = Annotated[int, Meta(ge=1, le=4)]
AwareDateTime = Annotated[datetime, Meta(tz=True)]  # a moment: "10:00" means nothing without its zone
ThemeCode = Annotated[str, Meta(pattern=r"^[0-9]{1,4}$")]
IndicatorCode = Annotated[str, Meta(pattern=INDICATOR_PATTERN)]
ServiceKey = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
# Litestar's OpenAPI drops the constraints of a list's items unless they are also given its own way.
SubThemeCode = Annotated[str, Meta(pattern=SUB_THEME_PATTERN), BodyKwarg(pattern=SUB_THEME_PATTERN)]
VersionCode = Annotated[str, Meta(min_length=1, max_length=30, pattern=VERSION_CODE_PATTERN)]


class Strict(msgspec.Struct, forbid_unknown_fields=True):
    pass


# --- requests -------------------------------------------------------------------------------


class Translated(Strict):
    """A text of the referential, in French (members read it) and optionally in English."""

    fr: Annotated[LongText, about("The French text")]
    en: Annotated[LongText, about("The English text")] | UnsetType = UNSET


class LevelIn(Strict):
    level: Annotated[Level, about("The level, 1 to 4 (the four in order)")]
    label: Annotated[Translated, about("Its short label")]
    description: Annotated[Translated, about("What answering this level means (each level its own)")]


class IndicatorIn(Strict, kw_only=True):
    """One indicator of a referential version, as the document holds it."""

    code: Annotated[IndicatorCode, about("Its code, `<sub-theme>.<number>` (default: the path's)")] | UnsetType = UNSET
    question: Annotated[Translated, about("The question the participants answer")]
    help: Annotated[Translated, about("Help on answering")]
    example: Annotated[Translated, about("An example")]
    levels: Annotated[list[LevelIn], Meta(min_length=4, max_length=4), about("The four levels, 1 to 4")]
    objective_level: Annotated[int, Meta(ge=2, le=4), about("The Cap's objective for the indicator (2 to 4)")]
    weight: Annotated[int, Meta(ge=1, le=3), about("Its weight in the positioning and the plan (1 to 3)")]
    actions: Annotated[
        dict[Literal["1", "2", "3", "4"], Translated], about("The suggested action for each answered level")
    ]
    service: Annotated[ServiceKey, about("The federation service its action calls on (a key of `services`)")]


class IndicatorInDocument(IndicatorIn, kw_only=True):
    code: Annotated[IndicatorCode, about("Its code, `<sub-theme>.<number>`")]


class SubThemeIn(Strict):
    code: Annotated[SubThemeCode, about("Its code, `<theme>.<number>`")]
    title: Annotated[Translated, about("Its title")]
    indicators: Annotated[list[IndicatorInDocument], Meta(max_length=100), about("Its indicators (3 at least)")]


class ThemeIn(Strict):
    code: Annotated[ThemeCode, about("Its code, a number")]
    title: Annotated[Translated, about("Its title")]
    sub_themes: Annotated[list[SubThemeIn], Meta(max_length=50), about("Its sub-themes")]


class ReferentialDocument(Strict):
    """A whole version of the referential (the shape of `referential/cap-2016.1.json`)."""

    version: Annotated[VersionCode, about("The version's code, e.g. 2017.1")]
    title: Annotated[Translated, about("The version's title")]
    adopted_on: Annotated[date, about("When the federation adopted it")]
    services: Annotated[
        dict[ServiceKey, Translated], Meta(min_length=1, max_length=50), about("The federation's services, by key")
    ]
    themes: Annotated[list[ThemeIn], Meta(min_length=1, max_length=20), about("The themes")]


class ReferentialDraft(Strict):
    """A new version: a whole document, or a copy of `based_on` numbered `version`."""

    document: Annotated[ReferentialDocument, about("The whole referential document")] | None = None
    based_on: Annotated[VersionCode, about("The version to copy (with `version`, instead of a document)")] | None = None
    version: Annotated[VersionCode, about("The new version's code, e.g. 2017.1 (with `based_on`)")] | None = None


class AssessmentStart(Strict):
    tenant_id: (
        Annotated[
            Id, about("The member whose assessment starts: national staff name it; a member admin starts its own")
        ]
        | None
    ) = None
    referential_version: (
        Annotated[VersionCode, about("The referential version to answer (default: the latest published)")] | None
    ) = None
    scope: Annotated[Scope, about("`member`: the enterprise; `group`: a GES group as a whole")] = "member"


class Reopening(Strict):
    referential_version: (
        Annotated[VersionCode, about("The referential version of the new assessment (default: the latest published)")]
        | None
    ) = None


class ParticipantIn(Strict):
    participant_id: Annotated[Id, about("The participant: an active person of the member in the directory (their id)")]
    kind: Annotated[ParticipantKind, about("`staff` (an employee) or `volunteer`")]
    sub_themes: Annotated[
        list[SubThemeCode], Meta(max_length=50), about("The sub-themes they answer (empty: every indicator)")
    ] = []
    name: Annotated[Text, about("Ignored (kept for older scripts): the name shown is the directory's")] | None = None


class SubThemesIn(Strict):
    sub_themes: Annotated[list[SubThemeCode], Meta(max_length=50), about("The sub-themes the participant answers")]


class AnswerIn(Strict):
    level: Annotated[Level, about("The level the participant gives the indicator, 1 to 4")]
    comment: Annotated[Comment, about("Why, in the participant's words (may be empty)")] = ""
    practice: Annotated[Practice, about("`in_place`: done today; `planned`: decided, not yet done")] = "in_place"
    improve: Annotated[bool, about('"Improve this": puts the indicator in the progress plan whatever its level')] = (
        False
    )
    revisit: Annotated[bool, about('"Revisit this": the answer needs another look before submission')] = False
    participant_id: (
        Annotated[
            Id,
            about(
                "Whose answer this is (default: the caller). A participant answers in their own name only; the "
                "member's admin may record the answer of a participant who has not answered it themselves"
            ),
        ]
        | None
    ) = None


class RevisitIn(Strict):
    revisit: Annotated[bool, about('Mark (true) or unmark (false) the answer "revisit this"')]
    participant_id: (
        Annotated[Id, about("Whose answer (default: the caller; the same rule as for answering)")] | None
    ) = None


class SettlementIn(Strict):
    level: Annotated[Level, about("The team's level for the indicator, 1 to 4")]
    practice: Annotated[Practice, about("`in_place`: done today; `planned`: decided, not yet done")] = "in_place"
    improve: Annotated[bool, about('"Improve this": puts the indicator in the progress plan whatever its level')] = (
        False
    )
    comment: Annotated[Comment, about("How the team decided (may be empty)")] = ""


class ReviewRequestIn(Strict):
    kind: Annotated[ReviewKind, about("`third_party` (a regional delegate or a trainer) or `peer` (another member)")]
    reviewer_id: (
        Annotated[
            Id,
            about(
                "The reviewer, a person of the directory: third_party, a regional delegate or trainer of the "
                "member's region; peer, a peer reviewer (or admin) of another member, whose member reviews"
            ),
        ]
        | None
    ) = None
    reviewer_role: (
        Annotated[ReviewerRole, about("The third party's role (third_party; default: their directory role)")] | None
    ) = None
    reviewer_tenant: (
        Annotated[Id, about("The peer member's id (peer; default: the member of the peer reviewer named)")] | None
    ) = None


class ReviewCommentIn(Strict):
    indicator: Annotated[IndicatorCode, about("The indicator commented, e.g. 1.1.1")]
    comment: Annotated[LongText, about("The reviewer's comment")]
    proposed_level: Annotated[Level, about("Another level the reviewer proposes (with a reason)")] | None = None
    reason: Annotated[Reason, about("Why the reviewer proposes that level")] | None = None


class ReviewCompletion(Strict):
    summary: Annotated[Comment, about("The reviewer's overall summary (may be empty)")] = ""


class ReasonIn(Strict):
    reason: Annotated[Reason, about("Why (kept in the record)")]


class ScheduleIn(Strict):
    owner: Annotated[Text, about("Who carries the action")]
    due_on: Annotated[date, about("When it is due")]


class CompletionIn(Strict):
    completed_on: Annotated[date, about("When it was done (default: today)")] | None = None


class GrantIn(Strict):
    auditor_id: Annotated[Id, about("The auditor's user id")]
    valid_until: Annotated[AwareDateTime, about("End of the access (exclusive), with its time zone")]
    reason: Annotated[Reason, about("Why the auditor needs this access")]
    tenant_id: Annotated[Id, about("One member whose assessments the grant opens, or")] | None = None
    assessment_id: Annotated[UUID, about("one assessment the grant opens")] | None = None
    valid_from: Annotated[AwareDateTime, about("Start of the access, with its time zone (default: now)")] | None = None


# --- command answers that name what they created --------------------------------------------


class CreatedInAssessment(msgspec.Struct, frozen=True):
    """A command's answer (as every command's), for a command that created something inside the assessment."""

    id: Annotated[str, about("The assessment's id")]
    version: Annotated[int, about("The assessment's new version (the ETag for the next If-Match)")]
    notification_id: Annotated[int, about("Pass it as `wait_for` to a query to read this write")]


class ReviewRequested(CreatedInAssessment, frozen=True):
    """A review request's creation: the assessment's new version and the request's id."""

    request_id: Annotated[str, about("The new review request's id, for the reviewer's comments and completion")]


class ReviewCommented(CreatedInAssessment, frozen=True):
    """A reviewer's comment: the assessment's new version, and the proposal it made if any."""

    proposal_id: (
        Annotated[str, about("The proposal's id when the comment proposed a level, for its acceptance or rejection")]
        | None
    )
