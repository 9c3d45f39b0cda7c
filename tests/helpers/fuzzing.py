"""The platform served for the fuzzing suite (tests/fuzz), as its test modules see it."""

from __future__ import annotations

from dataclasses import dataclass


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
