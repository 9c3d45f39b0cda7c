"""Encode/decode throughput: MsgspecTranscoder vs the library's JSONTranscoder.

Run by hand from the repo root: .venv/bin/python bench/bench_transcoder.py [N]
"""

from __future__ import annotations

import gc
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventsourcing.persistence import JSONTranscoder, Transcoder, UUIDAsHex  # noqa: E402

from shared.transcoder import MsgspecTranscoder  # noqa: E402


@dataclass(frozen=True)
class Meta:  # shaped like shared.events.EventMeta
    actor_id: str
    actor_role: str
    tenant_id: str | None
    correlation_id: str
    causation_id: str | None


def make_states(n: int) -> list[dict[str, object]]:
    now = datetime.now(UTC)
    return [
        {
            "originator_id": uuid4(),
            "originator_version": i + 1,
            "timestamp": now,
            "name": f"Member {i}",
            "status": "active",
            "email": f"member{i}@example.org",
            "region": "Île-de-France",
            "joined_on": date(2024, 1, 1 + i % 28),
            "amount": Decimal(f"{i}.50"),
            "tags": ("social", "insertion", f"t{i % 7}"),
            "meta": Meta(
                actor_id=f"user-{i % 50}",
                actor_role="admin",
                tenant_id="tenant-1",
                correlation_id=str(uuid4()),
                causation_id=str(uuid4()),
            ),
        }
        for i in range(n)
    ]


def bench(transcoder: Transcoder, states: list[dict[str, object]], runs: int = 3) -> tuple[float, float]:
    """Best-of-`runs` events/s for encode and for decode."""
    encode, decode = transcoder.encode, transcoder.decode
    best_enc = best_dec = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        encoded = [encode(s) for s in states]
        t1 = time.perf_counter()
        for data in encoded:
            decode(data)
        t2 = time.perf_counter()
        best_enc, best_dec = min(best_enc, t1 - t0), min(best_dec, t2 - t1)
    return len(states) / best_enc, len(states) / best_dec


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    states = make_states(n)

    ours = MsgspecTranscoder()
    ours.register_dataclass(Meta, "event_meta")

    # The library's transcoder with the same registrations: first with the
    # library's own UUIDAsHex (how it is used out of the box), then with our
    # exact transcoding objects (isolates json vs msgspec + walk).
    # json writes tuples natively, so for it "tuple_as_list" never fires.
    lib_stock = JSONTranscoder()
    lib_ours = JSONTranscoder()
    for transcoding in ours.names.values():
        lib_stock.register(transcoding)
        lib_ours.register(transcoding)
    lib_stock.register(UUIDAsHex())

    sample = ours.encode(states[0])
    assert ours.decode(sample) == states[0]
    print(f"{n:,} events, {len(sample)} bytes each, best of 3 runs")

    # Keep the collector from rescanning the fixture states on every
    # generation-2 pass: that cost belongs to the benchmark, not the codec.
    gc.collect()
    gc.freeze()

    rows = {
        "JSONTranscoder": lib_stock,
        "JSONTranscoder*": lib_ours,
        "MsgspecTranscoder": ours,
    }
    results = {label: bench(t, states) for label, t in rows.items()}
    for label, (enc, dec) in results.items():
        print(f"{label:18s} encode {enc:>9,.0f} events/s   decode {dec:>9,.0f} events/s")
    our_enc, our_dec = results["MsgspecTranscoder"]
    for label in ("JSONTranscoder", "JSONTranscoder*"):
        enc, dec = results[label]
        print(f"ours / {label:16s} encode {our_enc / enc:5.2f}x   decode {our_dec / dec:5.2f}x")
    print("* = JSONTranscoder given our transcoding objects (incl. FastUUIDAsHex)")


if __name__ == "__main__":
    main()
