"""The assessment's answer to each indicator, from its participants' answers.

Several participants may answer one indicator; each keeps their own answer. The assessment's
answer is, in order:
- the latest explicit settlement (the team settling, or a reviewer's proposal the team accepted);
- otherwise the participants' answer when they all gave the same level (a consensus);
- otherwise none: the participants diverge and the team has to settle.
A participant changing their answer after a settlement does not move the settled answer: only a new
settlement does (a settled answer is an event, never an overwrite).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import msgspec
from msgspec import Meta

if TYPE_CHECKING:
    from services.assessment.domain.sheet import Settlement, Sheet


class Source(msgspec.Struct, frozen=True, kw_only=True):
    """One event an answer comes from."""

    version: Annotated[int, Meta(description="The assessment version (event) the answer comes from")]
    kind: Annotated[str, Meta(description="`answer`, `settlement`, `proposal` or `acceptance`")]
    author_id: Annotated[str, Meta(description="Who recorded it")]
    author_role: Annotated[str, Meta(description="Their role")]
    participant_id: Annotated[str | None, Meta(description="The participant, for an answer")] = None
    level: Annotated[int | None, Meta(description="The level it gave")] = None


class EffectiveAnswer(msgspec.Struct, frozen=True, kw_only=True):
    indicator: str
    level: int
    practice: str
    improve: bool
    source: str  # "settled", "review" or "consensus"
    sources: tuple[Source, ...]


def effective_answers(sheet: Sheet) -> dict[str, EffectiveAnswer]:
    found: dict[str, EffectiveAnswer] = {}
    for code in sorted(sheet.answers.keys() | sheet.settled.keys()):
        answer = effective_answer(sheet, code)
        if answer is not None:
            found[code] = answer
    return found


def effective_answer(sheet: Sheet, code: str) -> EffectiveAnswer | None:
    settled = sheet.settled.get(code)
    if settled is not None:
        return _from_settlement(sheet, code, settled)
    given = sheet.answers.get(code)
    if not given or len({a.level for a in given.values()}) != 1:
        return None
    answers = sorted(given.values(), key=lambda a: a.version)
    return EffectiveAnswer(
        indicator=code,
        level=answers[0].level,
        # The most cautious reading when the participants agree on the level but not on the rest.
        practice="planned" if any(a.practice == "planned" for a in answers) else "in_place",
        improve=any(a.improve for a in answers),
        source="consensus",
        sources=tuple(
            Source(
                version=a.version,
                kind="answer",
                author_id=a.author_id,
                author_role=a.author_role,
                participant_id=a.participant_id,
                level=a.level,
            )
            for a in answers
        ),
    )


def _from_settlement(sheet: Sheet, code: str, settled: Settlement) -> EffectiveAnswer:
    by_version = {a.version: a for a in sheet.answers.get(code, {}).values()}
    sources: list[Source] = []
    if settled.source == "review" and settled.proposal_id is not None:
        proposal = sheet.proposals[settled.proposal_id]
        sources.append(
            Source(
                version=proposal.version,
                kind="proposal",
                author_id=proposal.author_id,
                author_role=proposal.author_role,
                level=proposal.level,
            )
        )
        kind = "acceptance"
    else:
        for version in settled.from_versions:
            a = by_version.get(version)
            sources.append(
                Source(
                    version=version,
                    kind="answer",
                    author_id=a.author_id if a else "",
                    author_role=a.author_role if a else "",
                    participant_id=a.participant_id if a else None,
                    level=a.level if a else None,
                )
            )
        kind = "settlement"
    sources.append(
        Source(
            version=settled.version,
            kind=kind,
            author_id=settled.author_id,
            author_role=settled.author_role,
            level=settled.level,
        )
    )
    return EffectiveAnswer(
        indicator=code,
        level=settled.level,
        practice=settled.practice,
        improve=settled.improve,
        source="review" if settled.source == "review" else "settled",
        sources=tuple(sources),
    )


def divergent(sheet: Sheet) -> list[str]:
    """Indicators whose participants disagree on the level and that no one has settled."""
    return sorted(
        code
        for code, given in sheet.answers.items()
        if code not in sheet.settled and len({a.level for a in given.values()}) > 1
    )


def to_revisit(sheet: Sheet) -> list[str]:
    """Indicators a participant marked "revisit this"."""
    return sorted(code for code, given in sheet.answers.items() if any(a.revisit for a in given.values()))
