"""The upgrade check's results: one CheckResult per check, grouped per server, as text or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from xferity_schema.compare.diff import SchemaDiff


@dataclass
class CheckResult:
    name: str
    kind: str  # "fresh install" | "upgrade" | "rollback" | "re-apply"
    passed: bool = True
    skipped: bool = False
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    diff: SchemaDiff | None = None

    def fail(self, problem: str) -> None:
        self.passed = False
        self.problems.append(problem)

    def skip(self, reason: str) -> None:
        """Not run, and not a failure of its own (the reason names what stopped it)."""
        self.skipped = True
        self.problems.append(reason)

    @property
    def status(self) -> str:
        if self.skipped:
            return "skip"
        return "pass" if self.passed else "FAIL"

    def details(self) -> list[str]:
        lines = list(self.problems)
        if self.diff is not None and not self.diff.equal:
            lines.append(f"schema differs ({self.diff.left_label} vs {self.diff.right_label}):")
            lines += [f"  {d.text}" for d in self.diff.differences]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "passed": self.passed,
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
            "problems": self.problems,
            "differences": [d.to_json() for d in self.diff.differences] if self.diff else [],
        }


@dataclass
class ServerReport:
    server: str
    version: str
    results: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "version": self.version,
            "passed": self.passed,
            "seconds": round(self.seconds, 3),
            "checks": [r.to_json() for r in self.results],
        }


@dataclass
class UpgradeReport:
    servers: list[ServerReport] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.servers)

    def to_json_text(self) -> str:
        return json.dumps(
            {"passed": self.passed, "servers": [s.to_json() for s in self.servers]}, indent=2
        )

    def render(self) -> str:
        lines: list[str] = []
        for report in self.servers:
            lines.append(f"PostgreSQL {report.version} ({report.server}):")
            width = max((len(r.name) for r in report.results), default=10)
            for result in report.results:
                lines.append(f"  {result.name:<{width}}  {result.status:<4} {result.seconds:6.1f}s")
                lines += [f"      {line}" for line in result.details()]
            failed = sum(1 for r in report.results if not r.passed)
            skipped = sum(1 for r in report.results if r.skipped and r.passed)
            lines.append(
                f"  {len(report.results)} checks: {len(report.results) - failed - skipped} "
                f"passed, {failed} failed, {skipped} skipped ({report.seconds:.1f}s)"
            )
        lines.append("upgrade check passed" if self.passed else "upgrade check FAILED")
        return "\n".join(lines)
