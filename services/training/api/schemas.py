"""Request bodies of the training API (msgspec Structs; unknown fields refused), and the answers of
the commands that name what they created. What reads answer is the read side's (`read_models.py`).

Every field says what it is (its description is in the OpenAPI document). Amounts are euros written
as strings ("1500.00": at most two decimals, no sign, no exponent, no NaN), rates are shares of 1
written as strings ("0.50": at most four decimals), counts are bounded integers, texts refuse control
characters, and coded values are enums. The domain checks the same rules again (`check_text`,
`euros`, `rate`), so the CLI and the demo cannot store what the API refuses.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from msgspec import Meta

from services.training.domain.money import RATE_MEANING, RATE_PATTERN
from shared.values import MULTI_LINE_PATTERN, PATTERN_MEANINGS, LongText, MoneyText, Text, about

# This service's own patterns (`(?!\n)$`: Python's `$` would also match before a final newline).
CODE_PATTERN = r"^[a-z0-9_]+(?!\n)$"
CHECK_CODE_PATTERN = r"^[a-z_]+(:[0-9a-f-]{36})?(?!\n)$"
MEMBER_ID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?!\n)$"
REGION_PATTERN = r"^[A-Z]{2,8}(?!\n)$"
SCORE_PATTERN = r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)(?!\n)$"

# A validation error says what a pattern means (in the words of "le champ `x` <meaning>"): the shared
# table learns this service's patterns, which shared/values.py does not know.
for _pattern, _meaning in {
    RATE_PATTERN: RATE_MEANING,
    CODE_PATTERN: "ne doit contenir que des minuscules sans accent, des chiffres et des tirets bas",
    CHECK_CODE_PATTERN: "doit être le code d'un critère d'éligibilité (ex. « active:<identifiant d'adhérent> »)",
    MEMBER_ID_PATTERN: "doit être l'identifiant d'un adhérent (UUID en minuscules)",
    REGION_PATTERN: "doit être le code d'une région : 2 à 8 majuscules sans accent (ex. « BRE »)",
    SCORE_PATTERN: 'doit être une note sur 100, avec au plus deux décimales (ex. "75.5")',
}.items():
    PATTERN_MEANINGS.setdefault(_pattern, _meaning)

Reason = Annotated[
    str,
    Meta(min_length=1, max_length=2000, pattern=MULTI_LINE_PATTERN, description="Texte libre, 1 à 2 000 caractères"),
]
OptionalText = Annotated[
    str,
    Meta(max_length=4000, pattern=MULTI_LINE_PATTERN, description="Texte libre, 0 à 4 000 caractères"),
]
Code = Annotated[str, Meta(min_length=1, max_length=40, pattern=CODE_PATTERN)]
CheckCode = Annotated[str, Meta(min_length=1, max_length=100, pattern=CHECK_CODE_PATTERN)]
MemberId = Annotated[str, Meta(pattern=MEMBER_ID_PATTERN)]
Rate = Annotated[str, Meta(pattern=RATE_PATTERN, examples=["0.50"])]
Year = Annotated[int, Meta(ge=2000, le=2100)]
Count = Annotated[int, Meta(ge=0, le=100_000)]
Positive = Annotated[int, Meta(ge=1, le=100_000)]


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


# The date a staff act took effect, when it is not today: a past call is recorded with its own dates.
EffectiveOn = Annotated[
    date | None,
    about(
        "The date the act took effect (default: today, in Paris). Not in the future, and in the call's order: "
        "opening ≤ applications ≤ closing ≤ scores and decisions ≤ reviews ≤ publication ≤ settlement"
    ),
]


# --- requests ------------------------------------------------------------------------------------


class CriteriaIn(Strict):
    max_cofunding_rate: Annotated[Rate, about('Share of a training\'s cost the fund may pay, 0 to 1 (e.g. "0.50")')]
    priority_cofunding_rate: Annotated[
        Rate, about("Share paid for the call's priority trainings, 0 to 1, at least the general rate")
    ]
    max_per_trainee: Annotated[MoneyText, about("Ceiling of the co-funding per trainee, in euros")]
    accord_groupe_required: Annotated[bool, about("Every applicant enterprise must be in the Accord Groupe")] = True
    integration_pathway_required: Annotated[bool, about("Trainees must be employees on integration pathways")] = True


class GridCriterionIn(Strict):
    code: Annotated[Code, about("The criterion's code (lower-case letters, digits, underscores)")]
    label: Annotated[Text, about("The criterion as reviewers read it")]
    weight: Annotated[int, Meta(ge=1, le=100), about("The criterion's weight in the total (1 to 100)")]


class CallTermsIn(Strict):
    title: Annotated[Text, about("The call's title")]
    fund_amount: Annotated[MoneyText, about("The mutualised fund the envelope is drawn from, in euros")]
    envelope: Annotated[MoneyText, about("The call's initial envelope, in euros (at least 40 % of the fund)")]
    opens_on: Annotated[date, about("First day applications are accepted")]
    closes_on: Annotated[date, about("Last day applications are accepted")]
    criteria: Annotated[CriteriaIn, about("The eligibility and co-funding criteria")]
    grid: Annotated[list[GridCriterionIn], Meta(min_length=1, max_length=20), about("The scoring grid")]
    priority_trainings: Annotated[
        list[Text], Meta(max_length=200), about("Titles of the trainings the board made a priority")
    ] = []


class CallOpening(CallTermsIn, kw_only=True):
    year: Annotated[Year, about("The call's year")]
    label: Annotated[
        OptionalText,
        about(
            "What tells the call apart from the year's other calls (e.g. « 2e appel »); a year's first call may "
            "leave it out. The same year and label twice is a 409"
        ),
    ] = ""
    on: EffectiveOn = None


class CallAmendment(CallTermsIn, kw_only=True):
    reason: Annotated[Reason, about("Why the call is amended")]
    on: EffectiveOn = None


class TopUpIn(Strict):
    amount: Annotated[MoneyText, about("The amount added to the envelope, in euros (more than zero)")]
    reason: Annotated[Reason, about("Where the money comes from (e.g. the partner who pays it)")]
    on: EffectiveOn = None


class DatedIn(Strict):
    on: EffectiveOn = None


class CancellationIn(Strict):
    reason: Annotated[Reason, about("Why the call is cancelled")]
    on: EffectiveOn = None


class DecisionWithdrawalIn(Strict):
    reason: Annotated[Reason, about("Why the decision is taken back")]
    on: EffectiveOn = None


class AuditGrantIn(Strict):
    auditor_id: Annotated[Text, about("The auditor's user id (the `sub` of their token)")]
    reason: Annotated[Reason, about("Why the auditor may read the call's decision files")]


class TrainingIn(Strict):
    title: Annotated[Text, about("The training's title (for a priority training: as listed in the call)")]
    hours: Annotated[Positive, about("Length of the training, in hours (1 to 100,000)")]
    trainees: Annotated[Positive, about("Number of trainees (1 to 100,000)")]
    cost: Annotated[MoneyText, about("The training's cost, in euros")]
    priority: Annotated[bool, about("One of the call's priority trainings (better co-funding terms)")] = False
    # (The constraint stays inside the optional type: Litestar documents it only there.)
    enterprise_id: (
        Annotated[MemberId, about("The applicant enterprise whose employees are trained (default: the lead)")] | None
    ) = None
    integration_pathway: Annotated[bool, about("The trainees are employees on integration pathways")] = True


class ContentIn(Strict):
    title: Annotated[Text, about("The application's title")]
    requested: Annotated[MoneyText, about("The co-funding requested, in euros")]
    summary: Annotated[OptionalText, about("What the project is about")] = ""
    partners: Annotated[
        list[MemberId], Meta(max_length=20), about("Member ids of the partner enterprises (besides the lead)")
    ] = []
    trainings: Annotated[list[TrainingIn], Meta(max_length=100), about("The planned trainings")] = []


class RecordedApplicationIn(ContentIn, kw_only=True):
    lead_id: Annotated[MemberId, about("The lead enterprise's member id")]
    on: Annotated[date, about("The date it was submitted (within the call's dates, not in the future)")]
    drafted_on: Annotated[date | None, about("The date it was started (default: its submission date)")] = None


class AmendmentIn(ContentIn, kw_only=True):
    reason: Annotated[Reason, about("Why the submitted application is amended")]


class ReasonIn(Strict):
    reason: Annotated[Reason, about("Why")]


class OverrideIn(Strict):
    check: Annotated[
        CheckCode, about("Code of the failed check, as in the application's `checks` (e.g. `active:<id>`)")
    ]
    reason: Annotated[Reason, about("The written reason for overriding it")]
    on: EffectiveOn = None


class AssignmentIn(Strict):
    reviewer_id: Annotated[Text, about("The fund reviewer: an active fund_reviewer of the directory (their id)")]
    reviewer_enterprise: (
        Annotated[
            MemberId,
            about("The reviewer's own enterprise (conflicts of interest); their directory member wins"),
        ]
        | None
    ) = None


class CriterionScoreIn(Strict):
    criterion: Annotated[Code, about("Code of a criterion of the call's grid")]
    score: Annotated[int, Meta(ge=0, le=5), about("The score, 0 to 5")]
    comment: Annotated[LongText, about("Why this score")]


class ScoreIn(Strict):
    no_conflict_of_interest: Annotated[bool, about("The reviewer declares no conflict of interest (must be true)")]
    scores: Annotated[
        list[CriterionScoreIn], Meta(min_length=1, max_length=20), about("One score per criterion of the grid")
    ]
    on: EffectiveOn = None


class ConflictIn(Strict):
    reason: Annotated[Reason, about("The conflict of interest: what ties the reviewer to an applicant")]
    on: EffectiveOn = None


# A decision and a review are tagged by their `outcome`: each outcome has exactly the fields it needs,
# so that the schema (not a rule at run time) says that an award has an amount and a rejection a reason.


class AwardIn(Strict, tag_field="outcome", tag="award"):
    amount: Annotated[MoneyText, about("The amount awarded, in euros (committed on the envelope at once)")]
    reason: Annotated[OptionalText, about("Why")] = ""
    on: EffectiveOn = None


class RejectionIn(Strict, tag_field="outcome", tag="reject"):
    reason: Annotated[Reason, about("Why the application is rejected (a rejection is always motivated)")]
    on: EffectiveOn = None


DecisionIn = AwardIn | RejectionIn


class ApprovalIn(Strict, tag_field="outcome", tag="approve"):
    comment: Annotated[OptionalText, about("A comment, if any")] = ""
    on: EffectiveOn = None


class SendBackIn(Strict, tag_field="outcome", tag="send_back"):
    comment: Annotated[LongText, about("What must be looked at again")]
    on: EffectiveOn = None


ReviewIn = ApprovalIn | SendBackIn


class ActualIn(Strict):
    training: Annotated[int, Meta(ge=0, le=99), about("Position of the planned training (0 for the first)")]
    trainees: Annotated[Count, about("Trainees actually trained (0 if the training did not take place)")]
    hours: Annotated[Count, about("Hours actually delivered")]
    cost: Annotated[MoneyText, about("The actual cost, in euros")]


class ActualsIn(Strict):
    trainings: Annotated[
        list[ActualIn], Meta(min_length=1, max_length=100), about("What was delivered, once for each planned training")
    ]


class RecordedActualsIn(ActualsIn):
    on: Annotated[date, about("The date the applicant reported them (after the decision, not in the future)")]


# --- command answers that name what they created inside an aggregate -----------------------------


class TopUpRecorded(msgspec.Struct, frozen=True, kw_only=True):
    id: Annotated[str, about("The call's id")]
    version: Annotated[int, about("The call's new version (its ETag, for the next If-Match)")]
    notification_id: Annotated[int, about("Pass it as `wait_for` to read your own write")]
    entry: Annotated[int, about("The top-up's id: its line in the envelope ledger (`lines[].entry` of the envelope)")]


class AmendmentRecorded(msgspec.Struct, frozen=True, kw_only=True):
    id: Annotated[str, about("The application's id")]
    version: Annotated[int, about("The application's new version (its ETag, for the next If-Match)")]
    notification_id: Annotated[int, about("Pass it as `wait_for` to read your own write")]
    amendment: Annotated[int, about("The amendment's id: its number among the application's amendments (1, 2…)")]
