"""Data shipped as JSON files beside the code (demo data), decoded into msgspec Structs and checked
when loaded: a malformed file fails at once, saying which file and what is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, TypeVar

import msgspec


class Checked(Protocol):
    def problems(self) -> list[str]:
        """What is inconsistent in the data (empty when it is sound)."""
        ...


D = TypeVar("D", bound=Checked)


def load_checked(path: Path, data_type: type[D]) -> D:
    """The file decoded as `data_type` and checked; raises ValueError naming the file and the fault."""
    try:
        data = msgspec.json.decode(path.read_bytes(), type=data_type)
    except msgspec.DecodeError as error:
        raise ValueError(f"{path.name}: {error}") from error
    if problems := data.problems():
        raise ValueError(f"{path.name}: " + "; ".join(problems))
    return data
