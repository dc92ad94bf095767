"""One lint finding: where it is, which rule, how bad, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
Layer = Literal["style", "safety", "rules", "waiver"]


@dataclass(frozen=True, order=True)
class Finding:
    """A problem at `path:line:col` (both 1-based). `rule` is the id a waiver names."""

    path: Path
    line: int
    col: int
    rule: str
    severity: Severity
    message: str
    layer: Layer = "rules"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Stable report order: by file, then position, then rule."""
    return sorted(findings, key=lambda f: (str(f.path), f.line, f.col, f.rule, f.message))
