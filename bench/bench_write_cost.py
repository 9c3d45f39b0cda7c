"""What the hash chain and the sealing of personal data cost a write: registrations per second of
this tree beside those of a tree before them, side by side, on one machine (run by hand).

    .venv/bin/python bench/bench_write_cost.py [BASELINE_REF] [N] [ROUNDS]

BASELINE_REF (default 8b25af0, the last commit before issue 12) is checked out in a temporary git
worktree; both trees then register N members (default 1000, each with a new contact person: a new
data subject and key every time, the worst case for sealing) with the same single-writer loop
(`bench_membership.our_register_rate`), alternately, ROUNDS times (default 3), each on a fresh
scratch database. It prints every run, the medians and their ratio (the issue's bound: >= 0.8).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent

# Run inside each tree: its own platform and its own registration loop, on a fresh database.
ONE_RUN = """
import asyncio, sys
sys.path.insert(0, sys.argv[1])
from bench.bench_membership import our_register_rate
from bench.scratch import scratch_database
from services.bootstrap import build_platform
from shared.config import load_settings

async def main(n):
    platform = build_platform(["membership"], settings=load_settings(), database=scratch_database("coorace_bench_cost"))
    await platform.start()
    app = platform.application("membership")
    app.establish_regions()
    rate = await asyncio.to_thread(our_register_rate, app, n, 1_000_000)
    await platform.stop()
    print(rate)

asyncio.run(main(int(sys.argv[2])))
"""


def one_run(tree: Path, n: int) -> float:
    done = subprocess.run(
        [sys.executable, "-c", ONE_RUN, str(tree), str(n)],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree), "COORACE_LOG_LEVEL": "error"},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    baseline_ref = sys.argv[1] if len(sys.argv) > 1 else "8b25af0"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with tempfile.TemporaryDirectory() as folder:
        baseline = Path(folder) / "baseline"
        subprocess.run(
            ["git", "-C", str(REPOSITORY), "worktree", "add", "--detach", str(baseline), baseline_ref],
            check=True,
            capture_output=True,
        )
        try:
            rates: dict[str, list[float]] = {"before": [], "now": []}
            for round_number in range(1, rounds + 1):
                for label, tree in (("before", baseline), ("now", REPOSITORY)):
                    rate = one_run(tree, n)
                    rates[label].append(rate)
                    print(f"round {round_number}  {label:6s} {rate:8.0f} registrations/s", flush=True)
        finally:
            subprocess.run(["git", "-C", str(REPOSITORY), "worktree", "remove", "--force", str(baseline)], check=True)
    before, now = statistics.median(rates["before"]), statistics.median(rates["now"])
    print(f"median before ({baseline_ref}): {before:8.0f} registrations/s")
    print(f"median now (chain + sealing):   {now:8.0f} registrations/s  (x{now / before:.2f}, goal >= 0.80)")


if __name__ == "__main__":
    main()
