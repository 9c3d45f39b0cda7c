"""The platform served for the fuzzing suite (tests/fuzz), as its test modules see it."""

from __future__ import annotations

from dataclasses import dataclass

# Query parameters that exclude one another (OpenAPI cannot say "not with" between parameters, so the
# descriptions say it): le Cap's `version` names one state already, and a request that adds a date or
# a moment contradicts itself (400 by design, tested in tests/e2e/test_assessment_api.py).
EXCLUSIVE_QUERY = {
    "version": ("as_of", "known_at"),
    "from_version": ("from_as_of", "from_known_at"),
    "to_version": ("to_as_of", "to_known_at"),
}


@dataclass(frozen=True)
class Served:
    url: str
    staff: dict[str, str]
    member: dict[str, str]
    platform: object
    known: dict[str, str]  # path parameters that name a record that exists

    def as_(self, case, token: dict[str, str]) -> dict[str, str]:  # noqa: ANN001 - a schemathesis Case
        """The headers to send the case with: the token, unless schemathesis left it out on purpose
        (a negative case of the headers, where the missing bearer token is the fault under test)."""
        from schemathesis.core.parameters import ParameterLocation

        if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
            return {}
        return token

    def aim(self, case) -> None:  # noqa: ANN001 - a schemathesis Case
        """Point the case's path at records that exist, so that its body reaches the domain (not
        when schemathesis made the path invalid on purpose: that refusal is what it tests)."""
        from schemathesis.core.parameters import ParameterLocation

        if case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH):
            return
        for name in list(case.path_parameters or {}):
            if name == "code" and "/regions/" not in case.path:
                continue  # a referential version's code, not a region's
            if name in self.known:
                case.path_parameters[name] = self.known[name]

    def untangle(self, case) -> None:  # noqa: ANN001 - a schemathesis Case
        """Keep only the version of a le Cap replay that also names a date or a moment (the document
        describes them as exclusive; not when schemathesis made the query invalid on purpose)."""
        from schemathesis.core.parameters import ParameterLocation

        if case.meta is not None and case.meta.is_negative_at(ParameterLocation.QUERY):
            return
        if not case.path.startswith("/api/assessment/") or not case.query:
            return
        for version, others in EXCLUSIVE_QUERY.items():
            if case.query.get(version) is not None:
                for name in others:
                    case.query.pop(name, None)
