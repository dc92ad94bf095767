"""Waivers: `-- lint: allow <rule>[, <rule>] reason: <why>` on the offending line or just above.

A waiver must say why; one without a reason waives nothing and is itself an error, so every
exception to the rules is explained where a reviewer reads it. A waiver that matches nothing is
a warning: it has outlived the code it excused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from xferity_schema.lint.findings import Finding

_MARKER = re.compile(r"--\s*lint\s*:(?P<body>.*)$", re.IGNORECASE)
_ALLOW = re.compile(
    r"^\s*allow\s+(?P<rules>[A-Za-z0-9_.\-]+(?:\s*,\s*[A-Za-z0-9_.\-]+)*)"
    r"\s*(?:reason\s*:\s*(?P<reason>.*?))?\s*$",
    re.IGNORECASE,
)
_COMMENT_ONLY = re.compile(r"^\s*--")


@dataclass
class Waiver:
    path: Path
    line: int  # where the comment is
    covers: int  # the line whose findings it waives
    rules: frozenset[str]
    reason: str
    used: set[str] = field(default_factory=set)


def read_waivers(path: Path, text: str) -> tuple[list[Waiver], list[Finding]]:
    """The valid waivers in `text`, and findings for the malformed ones."""
    lines = text.splitlines()
    waivers: list[Waiver] = []
    problems: list[Finding] = []
    for index, line in enumerate(lines):
        marker = _MARKER.search(line)
        if not marker:
            continue
        number, col = index + 1, marker.start() + 1
        allow = _ALLOW.match(marker.group("body"))
        if not allow:
            problems.append(
                _problem(
                    path,
                    number,
                    col,
                    "waiver-syntax",
                    "unreadable waiver; write `-- lint: allow <rule> reason: <why>`",
                )
            )
            continue
        rules = frozenset(r.strip() for r in allow.group("rules").split(","))
        reason = (allow.group("reason") or "").strip()
        if not reason:
            problems.append(
                _problem(
                    path,
                    number,
                    col,
                    "waiver-without-reason",
                    f"waiver for {', '.join(sorted(rules))} has no reason; "
                    "add `reason: <why this is safe>` (nothing was waived)",
                )
            )
            continue
        covers = _next_code_line(lines, index) if _COMMENT_ONLY.match(line) else number
        waivers.append(Waiver(path, number, covers, rules, reason))
    return waivers, problems


def apply_waivers(
    findings: Iterable[Finding], waivers: Iterable[Waiver]
) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (kept, waived). Malformed-waiver findings can never be waived."""
    by_place: dict[tuple[Path, int], list[Waiver]] = {}
    for waiver in waivers:
        by_place.setdefault((waiver.path, waiver.covers), []).append(waiver)
    kept: list[Finding] = []
    waived: list[Finding] = []
    for finding in findings:
        match = None
        if finding.layer != "waiver":
            for waiver in by_place.get((finding.path, finding.line), ()):
                if finding.rule in waiver.rules:
                    match = waiver
                    break
        if match is None:
            kept.append(finding)
        else:
            match.used.add(finding.rule)
            waived.append(finding)
    return kept, waived


def unused_waivers(waivers: Iterable[Waiver]) -> list[Finding]:
    found = []
    for waiver in waivers:
        for rule in sorted(waiver.rules - waiver.used):
            found.append(
                Finding(
                    waiver.path,
                    waiver.line,
                    1,
                    "unused-waiver",
                    "warning",
                    f"waiver for {rule} matches no finding on line {waiver.covers}; remove it",
                    layer="waiver",
                )
            )
    return found


def _next_code_line(lines: list[str], index: int) -> int:
    for later in range(index + 1, len(lines)):
        if lines[later].strip() and not _COMMENT_ONLY.match(lines[later]):
            return later + 1
    return index + 1


def _problem(path: Path, line: int, col: int, rule: str, message: str) -> Finding:
    return Finding(path, line, col, rule, "error", message, layer="waiver")
