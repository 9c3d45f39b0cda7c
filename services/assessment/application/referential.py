"""The referential's use cases: national staff draft a version, revise it, publish it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.assessment.application.base import AssessmentService, now
from services.assessment.domain.errors import AssessmentRefused, ReferentialNotFound, ReferentialVersionExists
from services.assessment.domain.referential_version import ReferentialVersion
from shared.eventstore import CommandResult


class ReferentialUseCases(AssessmentService):
    def load_referential(self, document: dict[str, Any], at: datetime | None = None) -> CommandResult | None:
        """Draft and publish a version from a document (the versioned file); nothing when that
        exact version is already published (so loading the file again is harmless)."""
        code = document.get("version") if isinstance(document, dict) else None
        try:
            existing = self.referential_version(str(code))
        except ReferentialNotFound:
            version = ReferentialVersion.draft(document)
            version.publish(at or now())
            catalogue = self.catalogue()
            catalogue.record_publication(version.version_code)
            return self.save_command(version, catalogue)
        if existing.published_at is not None and existing.document == document:
            return None
        raise ReferentialVersionExists(str(code))

    def draft_referential(
        self, *, document: dict[str, Any] | None, based_on: str | None, code: str | None
    ) -> CommandResult:
        if document is None:
            if based_on is None or code is None:
                raise AssessmentRefused(
                    "donnez le document complet, ou la version de départ (based_on) et le "
                    "numéro de la nouvelle version (version)"
                )
            document = {**self.referential_version(based_on).document, "version": code}
        try:
            self.referential_version(str(document.get("version")))
        except ReferentialNotFound:
            return self.save_command(ReferentialVersion.draft(document, based_on))
        raise ReferentialVersionExists(str(document.get("version")))

    def revise_indicator(
        self, code: str, indicator: dict[str, Any], expected_version: int | None = None
    ) -> CommandResult:
        return self.change(
            lambda: self.referential_version(code, expected_version), lambda v: v.revise_indicator(indicator)
        )

    def remove_indicator(self, code: str, indicator: str, expected_version: int | None = None) -> CommandResult:
        return self.change(
            lambda: self.referential_version(code, expected_version), lambda v: v.remove_indicator(indicator)
        )

    def publish_referential(
        self, code: str, expected_version: int | None = None, at: datetime | None = None
    ) -> CommandResult:
        def publish(version: ReferentialVersion) -> tuple[Any, ...]:
            version.publish(at or now())
            catalogue = self.catalogue()
            catalogue.record_publication(code)
            return (catalogue,)

        return self.change(lambda: self.referential_version(code, expected_version), publish)
