"""The `coorace` command: serve, seed the demo, print tokens, watch and rebuild projections."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import click
import structlog

from services.assessment.cli import main as assessment_commands
from services.audit_cli import main as audit_commands
from services.bootstrap import ALL_SERVICES, build_platform
from services.people.cli import demo_accounts_text, person_with_email
from services.people.cli import main as people_commands
from services.training.cli import main as training_commands
from shared.auth import Role, TokenError, TokenService
from shared.config import ConfigurationError, load_settings
from shared.database import DatabaseUnreachable, DatabaseUrlError, check_reachable
from shared.embedded import stop_embedded_server
from shared.migrations import PrivilegedReaderError
from shared.platform import Platform
from shared.projection import (
    ParkingError,
    Projection,
    ProjectionStore,
    RebuildAlreadyRunning,
    catch_up,
    ensure_live_generation,
    rebuild_together,
)
from shared.projection import retry as retry_parked
from shared.projection import skip as skip_parked

if TYPE_CHECKING:
    import uvicorn

SERVICE_CHOICE = click.Choice(sorted(ALL_SERVICES))
GRACEFUL_SHUTDOWN_SECONDS = 3


class ProgressLine:
    """Progress of long work on standard error (standard output stays for results)."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, what: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self.last > 0.2:
            self.last = now
            end = "\n" if done == total else ""
            click.echo(f"\r{what}: {done}/{total} ({100 * done // max(total, 1)} %)", err=True, nl=False)
            if end:
                click.echo("", err=True)


def counting(progress: Callable[[str, int, int], None], what: str, total: int) -> Callable[[int], None]:
    """A progress callback that adds up the events applied batch after batch."""
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        progress(what, min(done, total), total)

    return step


class CooraceCommands(click.Group):
    """A setting that cannot work, or a database out of reach, ends any command with one line
    saying which and why (exit status 1), not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (ConfigurationError, DatabaseUrlError, DatabaseUnreachable, PrivilegedReaderError) as error:
            raise click.ClickException(str(error)) from error


@click.group(cls=CooraceCommands)
def main() -> None:
    """COORACE platform: member register, le Cap, Fonds Mutualisés Solidaires."""
    if threading.current_thread() is threading.main_thread():
        # SIGTERM ends a command as Ctrl-C does: `finally` blocks and exit hooks run, so this
        # process leaves the embedded PostgreSQL (stopped if it was the last to use it).
        signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--service",
    "service",
    type=SERVICE_CHOICE,
    default=None,
    help="run one service, with the services it depends on started whole (their routes included)",
)
@click.option(
    "--own-routes-only",
    is_flag=True,
    help="with --service: serve that service's routes only (a deployment, where each service has its own process)",
)
@click.option("--demo", is_flag=True, help="seed the demo data first when the database is empty")
@click.option("--no-projections", is_flag=True, help="do not run projection runners in this process")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 16),
    help="processes sharing the port (projections run in the first one only; sessions are in PostgreSQL)",
)
def serve(
    host: str, port: int, service: str | None, own_routes_only: bool, demo: bool, no_projections: bool, workers: int
) -> None:
    """Serve the platform's HTTP API (all services in one process by default)."""
    import uvicorn

    from shared.app_factory import create_app

    if own_routes_only and not service:
        raise click.UsageError("--own-routes-only needs --service")
    services = [service] if service else None
    platform = build_platform(services)
    asyncio.run(check_reachable(platform.database))
    if demo:
        asyncio.run(_seed(platform, only_if_empty=True))
    accounts = asyncio.run(_demo_accounts(platform, f"http://{host}:{port}/")) if demo else ""

    sockets: list[socket.socket] | None = None
    children: list[int] = []
    first = True
    started: Callable[[bool], None] = lambda go: None  # noqa: E731
    if workers > 1:
        # One listening socket, opened before the fork: the kernel hands each connection to one of
        # the processes. Each process then makes its own platform (pools, applications): nothing
        # that holds a connection or a thread crosses the fork. The workers start once the first
        # process has started (migrations, tables: two at once collide in PostgreSQL's catalog).
        sockets = [listening_socket(host, port)]
        children, first, started = fork_workers(workers - 1)
        platform = build_platform(services)
        # The database's connections are shared by the processes: 32 reads at once in all, and
        # each service's event-store pool one connection kept and four more at busy times (the
        # library's default, 5 + 10 per service, would take PostgreSQL's 100 with two processes).
        platform.read_pool_size = max(8, -(-platform.read_pool_size // workers))
        platform.event_store_env = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "4"}
    app = create_app(
        platform,
        run_projections=first and not no_projections,
        routed_services=[service] if own_routes_only and service else None,
    )

    def announce() -> None:
        if accounts:
            click.echo(accounts, err=True)
        # A log line like every other (one JSON object in production), once the port is open.
        structlog.get_logger("coorace.serve").info(
            f"COORACE portal on http://{host}:{port}/ (sign in with an account of the directory; the API is "
            f"under /api, its schema at http://{host}:{port}/schema, a token: coorace token --person EMAIL)",
            url=f"http://{host}:{port}/",
        )

    # uvicorn configures no logging of its own: its records reach the root logger, which renders
    # them in the platform's format at the platform's level (requests are logged by our middleware).
    # In-flight requests get a few seconds to finish on SIGTERM or Ctrl-C; then the process ends.
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=None,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )

    def on_start() -> None:
        started(True)
        announce()

    server = announcing_server(config, on_start if first else lambda: None)
    try:
        server.run(sockets=sockets)
    finally:
        started(False)  # the first process failed to start (or has stopped): its workers end
        stop_workers(children)
    if not server.started:
        if not first:
            os._exit(3)
        sys.exit(3)  # uvicorn's "startup failed" status; the reason is already logged
    if not first:
        os._exit(0)  # a forked worker: the first process's exit handlers are not its own to run


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def fork_workers(count: int) -> tuple[list[int], bool, Callable[[bool], None]]:
    """Fork `count` worker processes. In the first process, answers their pids, True, and the call
    that lets them start (True, once the first process has started) or end (False: it failed to).
    In a worker, returns once they may start ([], False, a no-op), or ends the worker. A worker also
    ends with the first process (Linux's parent-death signal)."""
    read_end, write_end = os.pipe()
    children: list[int] = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            os.close(write_end)
            _end_with_parent()
            go = os.read(read_end, 1)
            os.close(read_end)
            if not go:
                os._exit(3)
            return [], False, lambda go: None
        children.append(pid)
    os.close(read_end)
    released = False

    def release(go: bool) -> None:
        nonlocal released
        if not released:
            released = True
            if go:
                with contextlib.suppress(OSError):
                    os.write(write_end, b"g" * count)
            os.close(write_end)  # a worker still waiting reads the end: it ends

    return children, True, release


def stop_workers(children: list[int]) -> None:
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _end_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


async def _demo_accounts(platform: Platform, url: str) -> str:
    """The demo accounts to print (none when the people service is not in this process)."""
    if "people" not in platform.services:
        return ""
    await platform.start()
    try:
        return await demo_accounts_text(platform, url)
    finally:
        await platform.stop()


def announcing_server(config: uvicorn.Config, announce: Callable[[], None]) -> uvicorn.Server:
    """uvicorn's server, saying where it is once it listens (not before: the start-up can fail)."""
    import uvicorn

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if not self.should_exit:
                announce()

    return AnnouncingServer(config)


@main.group()
def demo() -> None:
    """Demo data."""


@demo.command("seed")
def demo_seed() -> None:
    """Create the demo data through the same commands users send (idempotent)."""
    asyncio.run(_seed(build_platform(), only_if_empty=False))


async def _seed(platform: Platform, *, only_if_empty: bool) -> None:
    progress = ProgressLine()
    await platform.start()
    try:
        if only_if_empty and any([await platform.head(name) for name in platform.services]):
            click.echo("demo: the database already holds events, not seeding", err=True)
            return
        for service in platform.services.values():
            if service.seed_demo is not None:
                await asyncio.to_thread(service.seed_demo, platform, progress)
        await _catch_up_all(platform, progress)
    finally:
        await platform.stop()


async def _catch_up_all(platform: Platform, progress: Callable[[str, int, int], None]) -> None:
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        for status in await platform.status():
            store, projection = platform.projection(str(status["service"]), str(status["projection"]))
            live = await store.live(conn, projection)
            if live is None:  # `platform.start()` gives every projection a live generation
                raise click.ClickException(f"the projection {projection.name} has no live generation")
            step = counting(progress, f"projection {projection.name}", int(status["lag"]))
            await catch_up(conn, store, projection, live["generation"], progress=step)


@main.command()
@click.option("--role", default=None, help="one of: " + ", ".join(r.value for r in Role) + " (comma-separated)")
@click.option("--tenant", default=None, help="the member id, for member roles")
@click.option("--region", default=None, help="the region code, for regional roles")
@click.option("--subject", default=None, help="the user id (default: a generated demo id)")
@click.option("--ttl", default=12 * 3600, show_default=True, type=click.IntRange(min=1), help="lifetime in seconds")
@click.option("--person", default=None, help="a directory person's e-mail: their id, role, member and region")
def token(
    role: str | None, tenant: str | None, region: str | None, subject: str | None, ttl: int, person: str | None
) -> None:
    """Print a signed bearer token for local use (refused with an external identity provider)."""
    tokens = TokenService(load_settings())
    if person is not None:
        role, tenant, region, subject = asyncio.run(_person_claims(person))
    elif role is None:
        raise click.UsageError("give --role (and --tenant or --region), or --person EMAIL")
    try:
        signed = tokens.issue(role=role, tenant=tenant, region=region, subject=subject, ttl_seconds=ttl)
    except (TokenError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    try:
        # The API's own check, so that this command never prints a token the API would refuse.
        tokens.verify(signed)
    except TokenError as error:
        raise click.ClickException(
            f"the API would refuse this token ({error}): member roles need --tenant, regional roles --region"
        ) from error
    click.echo(signed)


async def _person_claims(email: str) -> tuple[str, str | None, str | None, str]:
    """The claims of a directory person's token: their role, member and region as the directory's
    events hold them now, and their id as the subject."""
    platform = build_platform(["people"])
    await platform.start()
    try:
        person = await asyncio.to_thread(person_with_email, platform, email)
    finally:
        await platform.stop()
    if person is None:
        raise click.ClickException(f"no one in the directory has the e-mail {email}")
    if person.status != "active":
        raise click.ClickException(f"{email} is {person.status} in the directory: no token")
    return person.role.value, person.tenant, person.region, str(person.id)


@main.group()
def projections() -> None:
    """Read models: status, rebuild, workers."""


@projections.command("status")
@click.option("--service", type=SERVICE_CHOICE, default=None)
def projections_status(service: str | None) -> None:
    """Each projection's position and lag, failing or parked events, abandoned rebuilds, runners."""

    async def run() -> None:
        platform = build_platform([service] if service else None)
        await platform.start()
        try:
            click.echo(
                f"{'service':<12} {'projection':<22} {'generation':>10} {'position':>10} {'head':>10} {'lag':>8} "
                f"{'state':<8} {'runners':>7}"
            )
            for s in await platform.status():
                click.echo(
                    f"{s['service']:<12} {s['projection']:<22} {s['generation']!s:>10} "
                    f"{s['position']:>10} {s['head']:>10} {s['lag']:>8} {s['state']:<8} {s['runners_alive']:>7}"
                )
                if s["failure"] is not None:
                    f = s["failure"]
                    click.echo(
                        f"  {s['state']} on event {f['event']} ({f['topic']}) after {f['attempts']} attempt(s), "
                        f"first {f['first_failed_at']}, last {f['last_failed_at']}: {f['error']}"
                    )
                    if s["state"] == "parked":
                        click.echo(
                            f"  fix the cause, then: coorace projections retry {s['projection']}; or skip it: "
                            f"coorace projections skip {s['projection']} --event {f['event']} --reason TEXT"
                        )
                for b in s["building"]:
                    click.echo(
                        f"  rebuild in progress or abandoned: generation {b['generation']} at {b['position']} "
                        "(an abandoned one is dropped at the next start or rebuild)"
                    )
        finally:
            await platform.stop()

    asyncio.run(run())


def _find_projection(platform: Platform, name: str, service: str | None) -> tuple[ProjectionStore, Projection]:
    found = [
        (store, projection)
        for service_name, pairs in platform.projections.items()
        if service is None or service_name == service
        for store, projection in pairs
        if projection.name == name
    ]
    if len(found) == 1:
        return found[0]
    if found:
        raise click.ClickException(f"{name} exists in several services: say which with --service")
    known = ", ".join(sorted(p.name for pairs in platform.projections.values() for _, p in pairs))
    raise click.ClickException(f"no projection {name}; known: {known}")


def _operator() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (a container without one)
        return "unknown"


@projections.command("retry")
@click.argument("name")
@click.option("--service", type=SERVICE_CHOICE, default=None, help="when the name exists in several services")
@click.option("--by", default=None, help="who asks (default: the system user name)")
def projections_retry(name: str, service: str | None, by: str | None) -> None:
    """Clear a projection's parked event: its runner tries it again (after you fixed the cause)."""

    async def run() -> None:
        platform = build_platform([service] if service else None)
        await platform.start()
        try:
            store, projection = _find_projection(platform, name, service)
            async with platform.write_pool.acquire() as conn:  # type: ignore[union-attr]
                event = await retry_parked(conn, store, projection, by=by or _operator())
            click.echo(f"{name}: event {event} unparked; the runner tries it again")
        except ParkingError as error:
            raise click.ClickException(str(error)) from error
        finally:
            await platform.stop()

    asyncio.run(run())


@projections.command("skip")
@click.argument("name")
@click.option("--event", "event", required=True, type=int, help="the parked event's notification id")
@click.option("--reason", required=True, help="why it is skipped (recorded with who and when)")
@click.option("--service", type=SERVICE_CHOICE, default=None, help="when the name exists in several services")
@click.option("--by", default=None, help="who decides (default: the system user name)")
def projections_skip(name: str, event: int, reason: str, service: str | None, by: str | None) -> None:
    """Skip a projection's parked event for good: recorded with who, when and why; rebuilds skip it too."""

    async def run() -> None:
        platform = build_platform([service] if service else None)
        await platform.start()
        try:
            store, projection = _find_projection(platform, name, service)
            async with platform.write_pool.acquire() as conn:  # type: ignore[union-attr]
                await skip_parked(conn, store, projection, notification_id=event, reason=reason, by=by or _operator())
            click.echo(f"{name}: event {event} skipped; the projection goes on after it")
        except ParkingError as error:
            raise click.ClickException(str(error)) from error
        finally:
            await platform.stop()

    asyncio.run(run())


@projections.command("rebuild")
@click.argument("name", required=False)
@click.option("--verify", is_flag=True, help="rebuild into scratch tables and report rows that differ; keep live")
def projections_rebuild(name: str | None, verify: bool) -> None:
    """Replay the log from the start into a new generation; switch over when it agrees."""

    async def run() -> int:
        platform = build_platform()
        await platform.start()
        failed = found = 0
        try:
            assert platform.write_pool is not None
            for pairs in platform.projections.values():
                chosen = [projection for _, projection in pairs if name is None or projection.name == name]
                if not chosen:
                    continue
                store = pairs[0][0]
                # Projections of one service follow one log: replayed together, decoded once.
                for source in {p.source for p in chosen}:
                    group = [p for p in chosen if p.source == source]
                    head = await platform.write_pool.fetchval(
                        f"SELECT coalesce(max(notification_id), 0) FROM {source.qualified}"
                    )
                    step = counting(ProgressLine(), f"rebuild {', '.join(p.name for p in group)}", head)
                    try:
                        reports = await rebuild_together(
                            platform.write_pool, store, group, verify_only=verify, progress=step
                        )
                    except RebuildAlreadyRunning as error:
                        raise click.ClickException(str(error)) from error
                    for report in reports:
                        click.echo(f"{report.projection}: {report.events} events replayed; {report.reason}")
                        for line in report.differences:
                            click.echo(f"  {line}")
                        failed += bool(report.differences)
                        found += 1
            if name is not None and not found:
                known = ", ".join(p.name for ps in platform.projections.values() for _, p in ps)
                raise click.ClickException(f"no projection {name}; known: {known}")
        finally:
            await platform.stop()
        return failed

    sys.exit(1 if asyncio.run(run()) else 0)


@projections.command("run")
@click.option("--service", type=SERVICE_CHOICE, default=None)
def projections_run(service: str | None) -> None:
    """Run projection workers in the foreground (for a deployment with separate workers)."""

    async def run() -> None:
        platform = build_platform([service] if service else None)
        await platform.start(run_projections=True)
        click.echo("projection workers running; Ctrl-C to stop", err=True)
        try:
            await asyncio.Event().wait()
        finally:
            await platform.stop()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


@main.group()
def notifications() -> None:
    """E-mail notifications (sent once each; see services/assessment/notifications.py)."""


@notifications.command("digest")
@click.option(
    "--on", "on", default=None, help="the Paris day (YYYY-MM-DD) whose overdue plan actions to send; today by default"
)
def notifications_digest(on: str | None) -> None:
    """Send today's digests of overdue plan actions (once per member and day, whoever runs it), and
    queue them in the outbox. For deployments that prefer cron to the serving process's daily loop."""
    from datetime import date

    from services.assessment.notifications import send_digests

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError as error:
        raise click.BadParameter(f"a date YYYY-MM-DD is expected, not {on!r}", param_hint="--on") from error

    async def run() -> int:
        platform = build_platform(["assessment"])
        await platform.start()
        try:
            sent = await send_digests(platform, day)
            # The outbox projection queues them now (its lock keeps a running runner apart).
            store, outbox = platform.projection("people", "notification_outbox")
            assert platform.write_pool is not None
            async with platform.write_pool.acquire() as conn:
                generation = await ensure_live_generation(conn, store, outbox)
                await catch_up(conn, store, outbox, generation)
        finally:
            await platform.stop()
        return sent

    click.echo(f"{asyncio.run(run())} digest(s) sent")


@main.group()
def db() -> None:
    """The embedded PostgreSQL (used when DATABASE_URL is not set)."""


@db.command("stop")
def db_stop() -> None:
    """Stop the embedded PostgreSQL of the data folder now.

    It also stops by itself when the last `coorace` process using it ends."""
    settings = load_settings()
    if settings.database_url:
        raise click.ClickException("DATABASE_URL is set: this platform uses that server, not an embedded one")
    stopped = stop_embedded_server(settings.data_dir)
    pgdata = settings.data_dir / "pgdata"
    if stopped.server_pid is None:
        click.echo(f"no embedded PostgreSQL is running in {pgdata}")
        return
    click.echo(f"embedded PostgreSQL stopped (pid {stopped.server_pid}, data in {pgdata})")
    if stopped.users:
        pids = ", ".join(str(pid) for pid in stopped.users)
        click.echo(
            f"coorace processes still using it ({pids}) answer 503 until it runs again "
            "(the next coorace command starts it)",
            err=True,
        )


# Service-specific commands: `coorace assessment load-referential [FILE]`,
# `coorace training import-call FILE`.
main.add_command(assessment_commands, name="assessment")
main.add_command(training_commands, name="training")
main.add_command(people_commands, name="people")
main.add_command(audit_commands, name="audit")


if __name__ == "__main__":
    main()
