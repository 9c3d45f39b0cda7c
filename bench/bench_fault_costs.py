"""What the fault handling costs per command (issue 7): the idempotency record every command now
saves (a key the server makes up when the client sends none) and the pre-ping of each pooled
connection the event store lends. Four configurations, interleaved in rounds because absolute
times drift on a shared machine; each on a dedicated embedded PostgreSQL (started and deleted here).

Run by hand from the repo root:  .venv/bin/python bench/bench_fault_costs.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.bootstrap import build_platform  # noqa: E402
from services.membership.application import MembershipApplication  # noqa: E402
from shared.eventstore import IdempotencyClaim, idempotency_claim  # noqa: E402
from shared.personal import PersonalDetails  # noqa: E402
from tests.helpers.postgres_faults import DedicatedServer  # noqa: E402
from tests.helpers.settings import make_settings  # noqa: E402
from tests.helpers.siret import valid_siret  # noqa: E402

ROUNDS = 6
PER_ROUND = 60


def main() -> None:
    server = DedicatedServer()
    try:
        platform = build_platform(settings=make_settings(Path(tempfile.mkdtemp())), database=server.database)
        asyncio.run(platform.start())
        asyncio.run(platform.stop())
        with_ping = MembershipApplication(server.database)
        without_ping = MembershipApplication(server.database, env={"POSTGRES_PRE_PING": "n"})
        with_ping.establish_regions()
        counter = iter(range(1, 10**9))

        def median_ms(app: MembershipApplication, record: bool, count: int) -> float:
            times = []
            for _ in range(count):
                n = next(counter)
                claim = IdempotencyClaim("server", uuid.uuid4().hex, "", 201) if record else None
                started = time.perf_counter()
                with idempotency_claim(claim):
                    app.register_member(
                        name=f"Membre {n}",
                        siret=valid_siret(10_000 + n),
                        forms=("AI",),
                        region="BRE",
                        joined_on=date(2010, 1, 1),
                        contact=PersonalDetails(name="Contact", email="c@exemple.fr", phone="+33 1 00 00 00 00"),
                        city="Rennes",
                    )
                times.append(time.perf_counter() - started)
            return statistics.median(times) * 1000

        configs = {
            "pre-ping, record (as shipped)": (with_ping, True),
            "pre-ping, no record": (with_ping, False),
            "no pre-ping, record": (without_ping, True),
            "no pre-ping, no record (main)": (without_ping, False),
        }
        median_ms(with_ping, True, 100)  # warm-up
        rounds: dict[str, list[float]] = {label: [] for label in configs}
        for _ in range(ROUNDS):
            for label, (app, record) in configs.items():
                rounds[label].append(median_ms(app, record, PER_ROUND))
        for label, medians in rounds.items():
            spread = ", ".join(f"{m:.2f}" for m in medians)
            print(f"{label:32s} {statistics.median(medians):6.2f} ms per registration (round medians: {spread})")
    finally:
        server.destroy()


if __name__ == "__main__":
    main()
