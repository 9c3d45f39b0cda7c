"""The difference between the submitted version of an application and its current content.

Works on the JSON form of the content (what the read model stores), so that any reader can show it
without the domain classes."""

from __future__ import annotations

from typing import Any

_TRAINING_FIELDS = ("title", "priority", "hours", "trainees", "cost", "enterprise_id", "integration_pathway")


def content_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each changed field as {"field", "before", "after"} (trainings by position)."""
    changes: list[dict[str, Any]] = []
    for field in ("title", "summary", "requested"):
        if before.get(field) != after.get(field):
            changes.append({"field": field, "before": before.get(field), "after": after.get(field)})
    partners_before = [p["member_id"] for p in before.get("partners", [])]
    partners_after = [p["member_id"] for p in after.get("partners", [])]
    if partners_before != partners_after:
        changes.append({"field": "partners", "before": partners_before, "after": partners_after})
    trainings_before, trainings_after = before.get("trainings", []), after.get("trainings", [])
    for i in range(max(len(trainings_before), len(trainings_after))):
        old = trainings_before[i] if i < len(trainings_before) else None
        new = trainings_after[i] if i < len(trainings_after) else None
        if old is None or new is None:
            changes.append({"field": f"trainings[{i}]", "before": old, "after": new})
            continue
        for field in _TRAINING_FIELDS:
            if old.get(field) != new.get(field):
                changes.append({"field": f"trainings[{i}].{field}", "before": old.get(field), "after": new.get(field)})
    return changes
