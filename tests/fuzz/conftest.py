"""The served app for the fuzzing suite: one database and one server for the whole module, seeded
with a member, so that schemathesis drives the real platform over HTTP on the loopback."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import asyncpg
import httpx
import pytest
import uvicorn

from shared.database import DatabaseAddress
from tests.helpers.fuzzing import Served
from tests.helpers.settings import make_settings
from tests.helpers.siret import fresh_siret


async def _create_database(server: DatabaseAddress, template: DatabaseAddress, name: str) -> None:
    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template.dbname}")
    finally:
        await admin.close()


async def _drop_database(server: DatabaseAddress, name: str) -> None:
    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture(scope="module")
async def fuzz_database(server: DatabaseAddress, template: DatabaseAddress) -> DatabaseAddress:
    name = f"coorace_fuzz_{uuid.uuid4().hex[:12]}"
    await _create_database(server, template, name)
    yield server.with_dbname(name)
    await _drop_database(server, name)


@pytest.fixture(scope="module")
def served(fuzz_database: DatabaseAddress) -> Iterator[Served]:
    """The whole platform served by uvicorn on 127.0.0.1, in a thread with its own event loop."""
    from services.bootstrap import build_platform
    from shared.app_factory import create_app
    from shared.auth import TokenService
    from shared.personal import PersonalDetails

    settings = make_settings(Path(tempfile.mkdtemp(prefix="coorace-fuzz-")))
    platform = build_platform(settings=settings, database=fuzz_database)
    app = create_app(platform, run_projections=True)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fuzzing server did not start")
        time.sleep(0.05)
    membership = platform.application("membership")
    membership.establish_regions()
    member = membership.register_member(
        name="AI Le Relais",
        siret=fresh_siret(),
        forms=("AI",),
        region="NPC",
        joined_on=date(2012, 1, 1),
        contact=PersonalDetails(name="Claire Martin", email="contact@exemple.fr", phone="+33 3 21 00 00 00"),
        city="Lens",
    )
    tokens = TokenService(settings)
    url = f"http://127.0.0.1:{port}"
    staff = {"Authorization": "Bearer " + tokens.issue(role="national_staff", subject="fuzz-staff")}
    admin = {
        "Authorization": "Bearer " + tokens.issue(role="member_admin", tenant=member.id, subject="fuzz-member-admin")
    }
    known = {"member_id": member.id, "tenant_id": member.id, "code": "NPC", "indicator": "1.1.1"}
    known.update(_seed_records(url, staff, admin, platform))
    try:
        yield Served(url=url, staff=staff, member=admin, platform=platform, known=known)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _seed_records(url: str, staff: dict[str, str], admin: dict[str, str], platform: object) -> dict[str, str]:
    """A call for projects, the member's application to it and the member's assessment, made through
    the API as users make them, so that hostile bodies reach those records' rules."""
    from services.assessment.domain.referential import load_document
    from tests.helpers.training_api import application_body, call_body

    platform.application("assessment").load_referential(load_document())  # type: ignore[attr-defined]
    call = httpx.post(f"{url}/api/training/calls", json=call_body(), headers=staff)
    assert call.status_code == 201, call.text
    call_id = call.json()["id"]
    # The other services follow the register's events: retry until their copy has the member.
    application = assessment = None
    deadline = time.monotonic() + 30
    while (application is None or assessment is None) and time.monotonic() < deadline:
        if application is None:
            answer = httpx.post(
                f"{url}/api/training/calls/{call_id}/applications", json=application_body(), headers=admin
            )
            application = answer.json()["id"] if answer.status_code == 201 else None
        if assessment is None:
            answer = httpx.post(f"{url}/api/assessment/assessments", json={}, headers=admin)
            assessment = answer.json()["id"] if answer.status_code == 201 else None
        time.sleep(0.2)
    assert application and assessment, "the fuzzing server could not seed an application and an assessment"
    return {"call_id": call_id, "application_id": application, "assessment_id": assessment}
