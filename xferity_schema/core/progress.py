"""Progress lines: what long work says while it runs (to stdout, or stderr under --json)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

Progress: TypeAlias = Callable[[str], None]


def silent(_line: str) -> None:
    """The default for library callers that want no progress lines."""
