"""A small network to read dashboards of, registered through the register's application (as the
demo seed registers the 2015 network): 16 active members in Nord-Pas-de-Calais (the 15–30 bucket),
three in Bretagne of which one resigned, one in Île-de-France who joined in 2020."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from services.membership.domain.member import Certification
from shared.personal import PersonalDetails
from tests.helpers.api import Api
from tests.helpers.siret import fresh_siret

CONTACT = PersonalDetails(name="Claire Martin", email="contact@exemple.fr", phone="+33 3 21 00 00 00")
NPC_MEMBERS = 16
JOINED_2020 = date(2020, 1, 1)


@dataclass(frozen=True)
class Network:
    npc: list[str]  # member ids, by name order
    bretagne: list[str]
    paris: str
    notification_id: int


def platform_of(api: Api) -> Any:
    return api.client.app.state.platform


def _register(app: Any, name: str, region: str, forms: tuple[str, ...], joined_on: date = date(2012, 1, 1)) -> Any:
    return app.register_member(
        name=name, siret=fresh_siret(), forms=forms, region=region, joined_on=joined_on, contact=CONTACT, city="Lens"
    )


async def given_network(api: Api) -> Network:
    app = platform_of(api).application("membership")
    app.establish_regions()
    npc = []
    for i in range(NPC_MEMBERS):
        forms = ("ACI",) if i % 4 == 0 else ("AI", "ETTI") if i % 4 == 1 else ("AI",)
        npc.append(UUID(_register(app, f"Entreprise du Nord {i:02d}", "NPC", forms).id))
    app.certify(
        npc[0],
        certification=Certification("CEDRE", "individual", date(2014, 5, 1), date(2030, 5, 1), None),
    )
    app.certify(
        npc[1],
        certification=Certification("CEDRE_ISO_9001", "individual", date(2014, 5, 1), date(2030, 5, 1), None),
    )
    app.join_accord_groupe(npc[2], effective_on=date(2015, 1, 1))
    app.join_accord_groupe(npc[3], effective_on=date(2015, 1, 1))
    bretagne = [UUID(_register(app, f"Chantier breton {i}", "BRE", ("ACI",)).id) for i in range(3)]
    app.resign(bretagne[2], effective_on=date(2016, 6, 30), reason="Cessation d'activité")
    last = _register(app, "Régie parisienne", "IDF", ("EI",), joined_on=JOINED_2020)
    await caught_up(api, last.notification_id)
    return Network(
        npc=[str(m) for m in npc],
        bretagne=[str(m) for m in bretagne],
        paris=str(last.id),
        notification_id=last.notification_id,
    )


async def caught_up(api: Api, notification_id: int) -> None:
    """Until the register's read model shows the scenario (the API waits for it)."""
    answer = await api.client.get(
        "/api/membership/network/dashboard", params={"wait_for": notification_id}, headers=api.staff
    )
    assert answer.status_code == 200, answer.text


def delegate(api: Api, region: str = "NPC") -> dict[str, str]:
    return api.token("regional_delegate", region=region, subject=f"delegue-{region.lower()}")


def trainer(api: Api, region: str = "NPC") -> dict[str, str]:
    return api.token("trainer", region=region, subject=f"formateur-{region.lower()}")
