"""A command is waited for in the read models of its own service's log: not in a copy of another
service's log (at another position: a page would wait its whole timeout) nor in a trigger that
only sends notifications (no page reads it)."""

from __future__ import annotations

from shared.platform import Platform


async def test_a_service_waits_for_its_own_logs_read_models_only(platform: Platform) -> None:
    cap = platform.own_read_models("assessment")
    assert cap and "member_directory" not in cap and "notifying" not in cap
    fms = platform.own_read_models("training")
    assert {"funding", "decision_files"} <= set(fms)
    assert "register_copy" not in fms and "notifying" not in fms
