"""Auditors' access: a grant names one assessment or one member (tenant) for a period, and every
read an auditor makes under it is recorded as an event of its own."""

from __future__ import annotations

from datetime import datetime

from eventsourcing.domain import event

from services.assessment.domain.errors import AssessmentRefused
from shared.events import AuditedAggregate
from shared.values import check_text


class AccessGrant(AuditedAggregate):
    """National staff grant an auditor read-only access, for a period."""

    # --- events: each declared once (the class name is part of the stored topic) --------------

    class Granted(AuditedAggregate.Created):
        auditor_id: str
        tenant_id: str
        assessment_id: str | None
        valid_from: datetime
        valid_until: datetime
        reason: str

    class Revoked(AuditedAggregate.Event):
        reason: str

    @event(Granted)
    def __init__(
        self,
        auditor_id: str,
        tenant_id: str,
        assessment_id: str | None,
        valid_from: datetime,
        valid_until: datetime,
        reason: str,
    ) -> None:
        self.auditor_id = auditor_id
        self.tenant_id = tenant_id
        self.assessment_id = assessment_id
        self.valid_from = valid_from
        self.valid_until = valid_until
        self.revoked = False

    @property
    def chain_tenant(self) -> str:
        """The hash chain its events go to (`shared.audit_chain`): the member the grant opens."""
        return self.tenant_id

    @classmethod
    def grant(
        cls,
        *,
        auditor_id: str,
        tenant_id: str,
        assessment_id: str | None,
        valid_from: datetime,
        valid_until: datetime,
        reason: str,
    ) -> AccessGrant:
        check_text(auditor_id, "auditor_id")
        check_text(reason, "reason", multi_line=True)
        for moment, field in ((valid_from, "valid_from"), (valid_until, "valid_until")):
            if moment.tzinfo is None:
                raise AssessmentRefused(f"{field} : un moment avec son fuseau horaire est attendu", field=field)
        if valid_until <= valid_from:
            raise AssessmentRefused("valid_until : la fin de l'habilitation doit suivre son début", field="valid_until")
        if not reason.strip():
            raise AssessmentRefused("reason : dites pourquoi l'auditeur·rice a besoin de cet accès", field="reason")
        return cls(
            auditor_id=auditor_id,
            tenant_id=tenant_id,
            assessment_id=assessment_id,
            valid_from=valid_from,
            valid_until=valid_until,
            reason=reason.strip(),
        )

    def revoke(self, reason: str) -> None:
        if self.revoked:
            raise AssessmentRefused("cette habilitation est déjà révoquée")
        check_text(reason, "reason", multi_line=True)
        if not reason.strip():
            raise AssessmentRefused("reason : dites pourquoi l'habilitation est révoquée", field="reason")
        self._revoked(reason.strip())

    @event(Revoked)
    def _revoked(self, reason: str) -> None:
        self.revoked = True


class AuditRead(AuditedAggregate):
    """One read by an auditor: what, under which grant (one small aggregate each, so that reads
    never contend with one another)."""

    # --- events: each declared once (the class name is part of the stored topic) --------------

    class Recorded(AuditedAggregate.Created):
        auditor_id: str
        grant_id: str
        tenant_id: str
        assessment_id: str | None
        resource: str
        path: str
        query: str

    @event(Recorded)
    def __init__(
        self,
        auditor_id: str,
        grant_id: str,
        tenant_id: str,
        assessment_id: str | None,
        resource: str,
        path: str,
        query: str,
    ) -> None:
        self.tenant_id = tenant_id

    @property
    def chain_tenant(self) -> str:
        """The hash chain its events go to (`shared.audit_chain`): the member whose data was read."""
        return self.tenant_id
