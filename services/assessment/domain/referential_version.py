"""A version of the Cap referential, and the catalogue of published versions.

National staff draft a version (from a document, or as a copy of an earlier version), revise its
indicators, and publish it. Assessments start only on published versions, and the first one to use
a version records `TakenIntoUse` on it in the same transaction: from then on the version can no
longer change, so every assessment keeps exactly the referential it started with. (A published
version nobody uses yet may still be corrected.)
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.assessment.domain.errors import InvalidReferential, ReferentialRefused
from services.assessment.domain.referential import Referential, check_indicator
from shared.events import AuditedAggregate


class ReferentialVersion(AuditedAggregate):
    # --- events: each declared once (the class name is part of the stored topic) --------------

    class Drafted(AuditedAggregate.Created):
        code: str
        document: dict[str, Any]
        based_on: str | None

    class IndicatorRevised(AuditedAggregate.Event):
        indicator: dict[str, Any]

    class IndicatorRemoved(AuditedAggregate.Event):
        code: str

    class Published(AuditedAggregate.Event):
        at: datetime

    class TakenIntoUse(AuditedAggregate.Event):
        assessment_id: str

    @staticmethod
    def create_id(code: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"coorace:cap-referential:{code}")

    # `code`, not `version`: an aggregate's `version` is its event count.
    @event(Drafted)
    def __init__(self, code: str, document: dict[str, Any], based_on: str | None) -> None:
        self.version_code = code
        self.document = copy.deepcopy(document)
        self.based_on = based_on
        self.published_at: datetime | None = None
        self.in_use = False

    @classmethod
    def draft(cls, document: dict[str, Any], based_on: str | None = None) -> ReferentialVersion:
        Referential.parse(document, complete=False)
        return cls(code=document["version"], document=document, based_on=based_on)

    # --- decisions -------------------------------------------------------------------------

    def _require_changeable(self) -> None:
        if self.in_use:
            raise ReferentialRefused(
                f"la version {self.version_code} du référentiel est utilisée par au moins une évaluation : "
                "elle ne peut plus changer ; créez une nouvelle version"
            )

    def revise_indicator(self, indicator: dict[str, Any]) -> None:
        self._require_changeable()
        code = indicator.get("code") if isinstance(indicator, dict) else None
        sub_theme = str(code).rsplit(".", 1)[0]
        if sub_theme not in Referential.parse(self.document, complete=False).sub_theme_codes():
            raise InvalidReferential(f"indicateur {code!r} : aucun sous-thème {sub_theme} dans cette version")
        check_indicator(indicator, sub_theme, self.document["services"])
        if self._find(str(code)) == indicator:
            raise ReferentialRefused(f"l'indicateur {code} est déjà rédigé ainsi : rien à changer")
        self._indicator_revised(copy.deepcopy(indicator))

    def remove_indicator(self, code: str) -> None:
        self._require_changeable()
        if self._find(code) is None:
            raise ReferentialRefused(f"l'indicateur {code} n'existe pas dans la version {self.version_code}")
        self._indicator_removed(code)

    def publish(self, at: datetime) -> None:
        if self.published_at is not None:
            raise ReferentialRefused(f"la version {self.version_code} est déjà publiée")
        Referential.parse(self.document)  # complete: three indicators per sub-theme at least
        self._published(at)

    def take_into_use(self, assessment_id: UUID) -> None:
        if self.published_at is None:
            raise ReferentialRefused(f"la version {self.version_code} du référentiel n'est pas publiée")
        if not self.in_use:
            self._taken_into_use(str(assessment_id))

    def referential(self) -> Referential:
        return Referential.parse(self.document, complete=self.published_at is not None)

    def _find(self, code: str) -> dict[str, Any] | None:
        for theme in self.document["themes"]:
            for sub in theme["sub_themes"]:
                for indicator in sub["indicators"]:
                    if indicator["code"] == code:
                        return indicator
        return None

    # --- what each event changes ---------------------------------------------------------------

    @event(IndicatorRevised)
    def _indicator_revised(self, indicator: dict[str, Any]) -> None:
        self.document = with_indicator(self.document, indicator)

    @event(IndicatorRemoved)
    def _indicator_removed(self, code: str) -> None:
        self.document = without_indicator(self.document, code)

    @event(Published)
    def _published(self, at: datetime) -> None:
        self.published_at = at

    @event(TakenIntoUse)
    def _taken_into_use(self, assessment_id: str) -> None:
        self.in_use = True


def with_indicator(document: dict[str, Any], indicator: dict[str, Any]) -> dict[str, Any]:
    """A copy of the document with the indicator added or replaced, in code order (the version's
    aggregate and its read model apply revisions with this same function)."""
    document = copy.deepcopy(document)
    sub_code = indicator["code"].rsplit(".", 1)[0]
    for theme in document["themes"]:
        for sub in theme["sub_themes"]:
            if sub["code"] == sub_code:
                others = [i for i in sub["indicators"] if i["code"] != indicator["code"]]
                sub["indicators"] = sorted(
                    [*others, copy.deepcopy(indicator)], key=lambda i: int(i["code"].rsplit(".", 1)[1])
                )
    return document


def without_indicator(document: dict[str, Any], code: str) -> dict[str, Any]:
    document = copy.deepcopy(document)
    for theme in document["themes"]:
        for sub in theme["sub_themes"]:
            sub["indicators"] = [i for i in sub["indicators"] if i["code"] != code]
    return document


class ReferentialCatalogue(AuditedAggregate):
    """The published versions, in publication order (one aggregate with a well-known id): new
    assessments start on the latest unless they name one."""

    # --- events: each declared once (the class name is part of the stored topic) --------------

    class Opened(AuditedAggregate.Created):
        pass

    class VersionPublished(AuditedAggregate.Event):
        version: str

    ID: UUID = uuid5(NAMESPACE_URL, "coorace:cap-referential-catalogue")

    @staticmethod
    def create_id() -> UUID:
        return ReferentialCatalogue.ID

    @event(Opened)
    def __init__(self) -> None:
        self.published: list[str] = []

    def record_publication(self, version: str) -> None:
        if version not in self.published:
            self._version_published(version)

    @property
    def latest(self) -> str | None:
        return self.published[-1] if self.published else None

    @event(VersionPublished)
    def _version_published(self, version: str) -> None:
        self.published = [*self.published, version]
