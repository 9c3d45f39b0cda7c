"""The portal's pages under load (issue 10): every page at p99 <= 100 ms of server time, with 32
signed-in people at once on the demo data (run by hand, and before a release).

    .venv/bin/python bench/bench_portal.py [--clients 32] [--rounds 50] [--reuse] [--session] [--budget-ms 100]
        [--workers 1]

Uses `DATABASE_URL` (default: the local PostgreSQL at 127.0.0.1:5432) and a scratch database
`coorace_bench_portal` there, seeded with `coorace demo seed` (`--reuse` keeps the last run's).
It starts the real server as people get it (`coorace serve`, its own process, so that the clients'
work never counts as the server's), signs in `--clients` people (members' staff of several members
that have a le Cap assessment, regional delegates, national staff: the demo seeds one account per
role, so the bench adds `bench-…@bench.coorace.fr` people to the scratch directory, with a
password), and has each walk the pages it may see (PAGES, below: add each new page there)
`--rounds` times, all at once. With `--session` each signs in as people do (the /connexion form,
then the session cookie); without, each carries a bearer token of the same principal. For each page it prints the
answers' count and the p50 / p95 / p99 of the server's time, read from the `Server-Timing` header
each answer carries (what the server spent, not the network's or the client's share), and the
client's p99 beside it. Exits 1 when any page's p99 is above 100 ms, or a page fails to answer 200.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import typing
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository: `bench.scratch`

from bench.scratch import SERVER, scratch_database  # noqa: E402
from shared.auth import TokenService  # noqa: E402
from shared.config import load_settings  # noqa: E402
from shared.database import DatabaseAddress  # noqa: E402

BENCH_DB = "coorace_bench_portal"
BUDGET_MS = 100.0  # the issue's figure; --budget-ms another
COORACE = Path(sys.executable).parent / "coorace"  # the command line of the running venv


@dataclass(frozen=True)
class Person:
    role: str
    subject: str
    tenant: str | None = None
    region: str | None = None
    email: str = ""
    assessment: str | None = None  # the member's latest le Cap assessment (an auditor's: the one granted)
    call: str | None = None  # national staff: the call of 5,000 applications
    application: str | None = None  # staff: one of that call's; a fund reviewer: the one assigned
    member: str | None = None  # staff: a member of the register


@dataclass(frozen=True)
class PortalPage:
    """A page to measure: its address (`{tenant}`, `{region}`, `{assessment}` are the person's) and
    who may see it."""

    path: str
    roles: frozenset[str] | None = None  # None: anyone signed in

    def for_person(self, person: Person) -> str | None:
        if self.roles is not None and person.role not in self.roles:
            return None
        names = ("tenant", "region", "assessment", "call", "application", "member")
        for name in names:
            if f"{{{name}}}" in self.path and not getattr(person, name):
                return None
        return self.path.format(**{name: getattr(person, name) for name in names})


MEMBERS = frozenset({"member_admin", "member_contributor"})
ADMINS = frozenset({"member_admin", "national_staff"})
STAFF = frozenset({"national_staff"})
REGIONAL = frozenset({"regional_delegate", "trainer"})
AUDITORS = frozenset({"auditor"})
FUND_REVIEWERS = frozenset({"fund_reviewer"})
CALL = "/fms/appels/{call}"
CAP = "/cap/{assessment}"
# Every page of the portal: each helper adding a page adds it here.
PAGES = [
    PortalPage("/"),
    PortalPage("/cap", MEMBERS),
    PortalPage(CAP, MEMBERS),
    PortalPage(CAP + "/sous-themes/1.1", MEMBERS),
    PortalPage(CAP + "/desaccords", MEMBERS),
    PortalPage(CAP + "/soumission", MEMBERS),
    PortalPage(CAP + "/relecture", MEMBERS),
    PortalPage(CAP + "/validation", MEMBERS),
    PortalPage(CAP + "/positionnement", MEMBERS),
    PortalPage(CAP + "/plan", MEMBERS),
    PortalPage(CAP + "/plan.pdf", MEMBERS),
    PortalPage("/cap/historique", MEMBERS),
    PortalPage("/equipe", ADMINS),
    PortalPage("/courriels", STAFF),
    PortalPage("/reseau", STAFF),
    PortalPage("/reseau?as_of=2015-12-31", STAFF),
    PortalPage("/reseau/cap", STAFF),
    PortalPage("/region", REGIONAL | STAFF),
    PortalPage("/region/{region}", REGIONAL),
    PortalPage("/region/cap", REGIONAL),
    PortalPage("/region/NPC?page=2", STAFF),
    PortalPage("/region/cap/NPC", STAFF),
    PortalPage("/fms", MEMBERS),
    PortalPage("/relectures", REGIONAL | STAFF),
    PortalPage("/registre", STAFF),
    PortalPage("/registre/{member}", STAFF),
    PortalPage("/registre/{member}/historique", STAFF),
    PortalPage("/fms/appels", STAFF),
    PortalPage(CALL, STAFF),
    PortalPage(CALL + "/enveloppe", STAFF),
    PortalPage(CALL + "/candidatures", STAFF),
    PortalPage(CALL + "/candidatures?statut=awarded", STAFF),
    PortalPage(CALL + "/simulation", STAFF),
    PortalPage("/fms/decisions", STAFF),
    PortalPage("/fms/instruction/{application}", STAFF),
    PortalPage("/fms/instruction/{application}/dossier", STAFF),
    PortalPage("/audit/lectures", STAFF),
    PortalPage("/audit/acces", STAFF),
    PortalPage("/audit", AUDITORS),
    PortalPage("/audit/cap/{assessment}", AUDITORS),
    PortalPage("/audit/cap/{assessment}/etat?version=5", AUDITORS),
    PortalPage("/audit/cap/{assessment}/ecarts", AUDITORS),
    PortalPage("/fms/evaluations", FUND_REVIEWERS),
    PortalPage("/fms/evaluations/{application}", FUND_REVIEWERS),
]
BIG_CALL_YEAR = 2031  # the call of 5,000 applications (the demo's calls are 2015's and this year's)
BIG_CALL_SIZE = 5_000
PASSWORD = "bench-portal-" + "p" * 12  # the bench people's (the demo accounts' is printed by `coorace serve --demo`)


# --- the server -------------------------------------------------------------------------------


def server_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "COORACE_DATA_DIR": tempfile.mkdtemp(prefix="coorace-bench-portal-"),
        "COORACE_JWT_SECRET": "bench-portal-" + "x" * 40,  # the clients' tokens are signed alike
        "COORACE_LOG_FORMAT": "json",
        "COORACE_LOG_LEVEL": "warning",  # one log line per request would be measured too
    }


def seed(database_url: str) -> None:
    started = time.perf_counter()
    subprocess.run([str(COORACE), "demo", "seed"], env=server_environment(database_url), check=True)
    seed_big_call(DatabaseAddress.from_url(database_url))
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load
    print(f"demo data seeded in {time.perf_counter() - started:.0f} s")


def seed_big_call(database: DatabaseAddress) -> None:
    """A call of BIG_CALL_SIZE applications in mixed states (`bench_training.a_call_of`: written as
    aggregates), projected, for the call pages."""
    from bench.bench_training import a_call_of, catch_up_service
    from services.bootstrap import build_platform

    async def write_and_project() -> None:
        platform = build_platform(settings=load_settings(server_environment(database.url())), database=database)
        await platform.start()
        try:
            training = platform.application("training")
            if not training.has_call(BIG_CALL_YEAR):  # type: ignore[attr-defined]
                a_call_of(training, BIG_CALL_SIZE, BIG_CALL_YEAR)  # type: ignore[arg-type]
            await catch_up_service(platform, "training")
        finally:
            await platform.stop()

    asyncio.run(write_and_project())


def has_big_call(database: DatabaseAddress) -> bool:
    with psycopg.connect(database.url()) as conn:
        return conn.execute("SELECT 1 FROM training.calls WHERE year = %s", (BIG_CALL_YEAR,)).fetchone() is not None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_until_ready(base_url: str, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base_url) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"coorace serve ended with status {server.returncode}")
            try:
                if (await client.get("/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"coorace serve did not answer /ready within {timeout:.0f} s")


# --- the people -------------------------------------------------------------------------------


def demo_people(database: DatabaseAddress, count: int) -> list[Person]:
    """`count` people: mostly members' staff (of different members, each with a le Cap
    assessment), some regional delegates, a few national staff, as the portal's users are spread;
    each a directory person with a password (made here when missing, idempotently)."""
    with psycopg.connect(database.url()) as conn:
        members = conn.execute(
            "SELECT DISTINCT ON (tenant_id) tenant_id, region, assessment_id FROM assessment.assessments "
            "ORDER BY tenant_id, started_at DESC LIMIT %s",
            (count,),
        ).fetchall()
    if not members:
        raise SystemExit("the demo data has no le Cap assessment: seed it (run without --reuse)")
    with psycopg.connect(database.url()) as conn:
        call = conn.execute("SELECT call_id FROM training.calls WHERE year = %s", (BIG_CALL_YEAR,)).fetchone()
        decided = conn.execute(
            "SELECT application_id FROM training.applications WHERE call_id = %s AND role = 'lead' "
            "AND decision IS NOT NULL ORDER BY application_id LIMIT 1",
            (call[0] if call else None,),
        ).fetchone()
        open_application = conn.execute(
            "SELECT a.application_id FROM training.reviewer_assignments a JOIN training.calls c USING (call_id) "
            "WHERE c.year <> %s ORDER BY a.assigned_at DESC LIMIT 1",
            (BIG_CALL_YEAR,),
        ).fetchone()
        member = conn.execute("SELECT member_id FROM membership.member_states ORDER BY member_id LIMIT 1").fetchone()
    if call is None or decided is None:
        raise SystemExit("the scratch database has no call of 5,000 applications: seed it (run without --reuse)")
    people: list[Person] = []
    for i in range(count):
        member_id, region, assessment = members[i % len(members)]
        email = f"bench-{i}@bench.coorace.fr"
        kind = i % 16
        if kind in (7, 15):  # 4 of 32: national staff
            staff_pages = {"call": str(call[0]), "application": str(decided[0]), "member": str(member[0])}
            people.append(Person("national_staff", "", email=email, **staff_pages))
        elif kind in (6, 14):  # 4: regional delegates
            people.append(Person("regional_delegate", "", region=region, email=email))
        elif kind == 13:  # 2: auditors, each granted the member's assessments
            people.append(Person("auditor", "", email=email, tenant=None, assessment=str(assessment)))
        elif kind == 5:  # 2: fund reviewers, assigned the demo's open call's application
            application = str(open_application[0]) if open_application else None
            people.append(Person("fund_reviewer", "", email=email, application=application))
        else:
            role = "member_admin" if i % 2 == 0 else "member_contributor"
            people.append(Person(role, "", tenant=str(member_id), email=email, assessment=str(assessment)))
    return directory_people(database, people)


def directory_people(database: DatabaseAddress, people: list[Person]) -> list[Person]:
    """Each person in the scratch database's directory, active, with PASSWORD (as the demo seed
    makes its accounts); their subject is their person id."""
    from services.bootstrap import build_platform
    from services.people import credentials
    from services.people.application import PeopleApplication
    from shared.auth import Principal, Role
    from shared.events import command_context
    from shared.personal import PersonalDetails

    platform = build_platform(settings=load_settings(server_environment(database.url())), database=database)
    app = platform.application("people")
    assert isinstance(app, PeopleApplication)
    seeder = Principal(subject="bench-portal", roles=frozenset({Role.NATIONAL_STAFF}))
    made: list[Person] = []
    with command_context(actor_id=seeder.subject, actor_role="national_staff", tenant_id=None):
        for person in people:
            person_id = app.person_with_email(person.email)
            if person_id is None:
                name = person.email.split("@")[0].replace("-", " ").title()
                invited = app.invite(
                    seeder,
                    details=PersonalDetails(name=name, email=person.email),
                    role=person.role,
                    tenant=person.tenant,
                    region=person.region,
                )
                person_id = app.person(UUID(invited.id)).id
                app.activate(person_id)
            made.append(replace(person, subject=str(person_id)))
        _grant_and_assign(platform, made)
    for application in platform.applications.values():
        application.close()

    async def passwords() -> None:
        conn = await asyncpg.connect(database.url())
        try:
            for person in made:
                await credentials.set_password(conn, UUID(person.subject), PASSWORD, datetime.now(UTC))
        finally:
            await conn.close()

    asyncio.run(passwords())
    return made


def _grant_and_assign(platform: Any, people: list[Person]) -> None:
    """What auditors and fund reviewers need to have pages to see: a grant on their member's
    assessments (from yesterday, for a month), an assignment to their application."""
    from services.training.application.people import PersonDirectory
    from shared.errors import DomainError

    now = datetime.now(UTC)
    for person in people:
        try:
            if person.role == "auditor" and person.assessment:
                platform.application("assessment").grant_access(
                    auditor_id=person.subject,
                    tenant_id=None,
                    assessment_id=UUID(person.assessment),
                    valid_from=now - timedelta(days=1),
                    valid_until=now + timedelta(days=30),
                    reason="Banc d'essai du portail",
                )
            elif person.role == "fund_reviewer" and person.application:
                platform.application("training").assign_reviewer(
                    UUID(person.application),
                    reviewer_id=person.subject,
                    reviewer_enterprise=None,
                    directory=typing.cast(PersonDirectory, platform.application("people")),
                )
        except DomainError:
            pass  # given by an earlier run (--reuse)


async def signed_in_client(base_url: str, person: Person, tokens: TokenService, *, session: bool) -> httpx.AsyncClient:
    """A client signed in as `person`: with `session`, through the /connexion form as people sign
    in (the client keeps the session cookie); otherwise a bearer token of the same principal."""
    if not session:
        token = tokens.issue(role=person.role, tenant=person.tenant, region=person.region, subject=person.subject)
        return httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0)
    client = httpx.AsyncClient(base_url=base_url, timeout=30.0)
    form = await client.get("/connexion")
    token = CSRF_FIELD.search(form.text)
    if form.status_code != 200 or token is None:
        raise SystemExit(f"/connexion: {form.status_code}, no CSRF field")
    answer = await client.post(
        "/connexion",
        data={"email": person.email, "password": PASSWORD, "suite": "/", "_csrf_token": token.group(1)},
    )
    if answer.status_code != 303 or "coorace_session" not in client.cookies:
        raise SystemExit(f"signing in as {person.email}: {answer.status_code} {answer.text[:300]}")
    return client


async def caught_up(base_url: str, tokens: TokenService, timeout: float = 300.0) -> None:
    """The server's read models show what was written before it started: the directory (sessions
    are found there) and the fund (the call of 5,000 applications takes its projections a while)."""
    staff = tokens.issue(role="national_staff", subject="bench-portal")
    waits = {
        "people": ("/api/people", "people.people_events"),
        "training": ("/api/training/calls", "training.training_events"),
    }
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as client:
        for path, table in waits.values():
            with psycopg.connect(SERVER.with_dbname(BENCH_DB).url()) as conn:
                head = conn.execute(f"SELECT coalesce(max(notification_id), 0) FROM {table}").fetchone()
            while True:
                answer = await client.get(
                    path, params={"wait_for": head[0] if head else 0}, headers={"Authorization": f"Bearer {staff}"}
                )
                if answer.status_code == 200:
                    break
                if time.monotonic() > deadline:
                    raise SystemExit(f"{path} did not catch up: {answer.status_code} {answer.text[:300]}")


# --- the walk ---------------------------------------------------------------------------------

CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')
SERVER_TIMING = re.compile(r"(?:^|,)\s*app;dur=([0-9.]+)")


@dataclass
class Samples:
    server_ms: list[float]
    client_ms: list[float]


async def walk(client: httpx.AsyncClient, person: Person, rounds: int, samples: dict[str, Samples]) -> None:
    pages = [(page.path, url) for page in PAGES if (url := page.for_person(person)) is not None]
    for _ in range(rounds):
        for label, url in pages:
            started = time.perf_counter()
            answer = await client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"{url} as {person.role}: {answer.status_code} {answer.text[:300]}")
            timing = SERVER_TIMING.search(answer.headers.get("server-timing", ""))
            if timing is None:
                raise SystemExit(f"{url}: no Server-Timing app;dur= header in the answer")
            samples[label].server_ms.append(float(timing.group(1)))
            samples[label].client_ms.append(elapsed)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def measure(
    base_url: str, people: list[Person], tokens: TokenService, rounds: int, session: bool, budget: float
) -> bool:
    # All at once, as a morning's sign-ins (each an Argon2 check in the server's thread pool).
    clients = list(await asyncio.gather(*(signed_in_client(base_url, p, tokens, session=session) for p in people)))
    try:
        warm_up: dict[str, Samples] = defaultdict(lambda: Samples([], []))
        await asyncio.gather(*(walk(c, p, 2, warm_up) for c, p in zip(clients, people, strict=True)))
        samples: dict[str, Samples] = defaultdict(lambda: Samples([], []))
        started = time.perf_counter()
        await asyncio.gather(*(walk(c, p, rounds, samples) for c, p in zip(clients, people, strict=True)))
        elapsed = time.perf_counter() - started
    finally:
        for client in clients:
            await client.aclose()
    total = sum(len(s.server_ms) for s in samples.values())
    rate = total / elapsed
    print(f"{len(people)} people at once, {rounds} rounds each: {total} pages in {elapsed:.1f} s ({rate:.0f}/s)")
    print(f"  {'page':40s} {'count':>6s}  server p50    p95    p99 ms   client p99 ms")
    within = True
    for page in PAGES:
        if page.path not in samples:
            print(f"  {page.path:40s} (no person of the run may see it)")
            continue
        s = samples[page.path]
        p99 = percentile(s.server_ms, 0.99)
        verdict = "" if p99 <= budget else f"  OVER {budget:g} ms"
        within = within and p99 <= budget
        print(
            f"  {page.path:40s} {len(s.server_ms):6d}  {percentile(s.server_ms, 0.5):10.1f} "
            f"{percentile(s.server_ms, 0.95):6.1f} {p99:6.1f}    {percentile(s.client_ms, 0.99):10.1f}{verdict}"
        )
    return within


async def main(clients: int, rounds: int, reuse: bool, session: bool, budget: float, workers: int = 1) -> int:
    database = SERVER.with_dbname(BENCH_DB)
    if not reuse:
        await asyncio.to_thread(seed, scratch_database(BENCH_DB).url())
    elif not await asyncio.to_thread(has_big_call, database):
        await asyncio.to_thread(seed_big_call, database)  # a scratch database of an earlier version of this bench
    people = await asyncio.to_thread(demo_people, database, clients)
    environment = server_environment(database.url())
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [str(COORACE), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=environment)
    try:
        await wait_until_ready(base_url, server)
        tokens = TokenService(load_settings(environment))
        await caught_up(base_url, tokens)
        within = await measure(base_url, people, tokens, rounds, session, budget)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("every page within budget" if within else f"FAILED: a page's p99 is above {budget:g} ms")
    return 0 if within else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32, help="people signed in at once")
    parser.add_argument("--rounds", type=int, default=50, help="walks of the page list per person")
    parser.add_argument("--reuse", action="store_true", help="keep the demo data of the last run")
    parser.add_argument("--session", action="store_true", help="sign in by the /connexion form (else bearer tokens)")
    parser.add_argument("--only", default="", help="measure only the pages whose path matches this regex")
    parser.add_argument("--budget-ms", type=float, default=BUDGET_MS, help="the p99 each page must keep within")
    parser.add_argument("--workers", type=int, default=1, help="the server's processes (coorace serve --workers)")
    args = parser.parse_args()
    if args.only:
        # A page measured alone: what it costs without the others' load on the same event loop.
        PAGES[:] = [page for page in PAGES if re.search(args.only, page.path)]
    sys.exit(asyncio.run(main(args.clients, args.rounds, args.reuse, args.session, args.budget_ms, args.workers)))
