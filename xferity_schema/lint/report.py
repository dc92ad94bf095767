"""Lint output: human text, GitHub workflow annotations, or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from xferity_schema.lint.engine import LintResult
from xferity_schema.lint.findings import Finding

Format = Literal["text", "github", "json"]
FORMATS: tuple[Format, ...] = ("text", "github", "json")


def display_path(path: Path, base: Path | None = None) -> str:
    """Relative to the working directory when below it (what editors and GitHub expect)."""
    base = (base or Path.cwd()).resolve()
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def render(result: LintResult, fmt: Format, base: Path | None = None) -> str:
    if fmt == "json":
        return render_json(result, base)
    if fmt == "github":
        return render_github(result, base)
    return render_text(result, base)


def render_text(result: LintResult, base: Path | None = None) -> str:
    return "\n".join([*(_text_line(f, base) for f in result.findings), summary(result)])


def summary(result: LintResult) -> str:
    return (
        f"{result.errors} error(s), {result.warnings} warning(s), {len(result.waived)} waived "
        f"in {len(result.files)} file(s)"
    )


def _text_line(finding: Finding, base: Path | None) -> str:
    where = f"{display_path(finding.path, base)}:{finding.line}:{finding.col}"
    kind = "" if finding.is_error else "warning: "
    return f"{where}: {finding.rule}: {kind}{finding.message}"


def render_github(result: LintResult, base: Path | None = None) -> str:
    """`::error file=…,line=…,col=…,title=…::message` lines: GitHub shows them on the diff."""
    lines = []
    for finding in result.findings:
        properties = ",".join(
            f"{key}={_escape_property(value)}"
            for key, value in (
                ("file", display_path(finding.path, base)),
                ("line", str(finding.line)),
                ("col", str(finding.col)),
                ("title", f"{finding.layer}: {finding.rule}"),
            )
        )
        lines.append(f"::{finding.severity} {properties}::{_escape_data(finding.message)}")
    lines.append(summary(result))
    return "\n".join(lines)


def render_json(result: LintResult, base: Path | None = None) -> str:
    def item(finding: Finding) -> dict[str, object]:
        return {
            "path": display_path(finding.path, base),
            "line": finding.line,
            "col": finding.col,
            "rule": finding.rule,
            "severity": finding.severity,
            "layer": finding.layer,
            "message": finding.message,
        }

    return json.dumps(
        {
            "files": len(result.files),
            "errors": result.errors,
            "warnings": result.warnings,
            "findings": [item(f) for f in result.findings],
            "waived": [item(f) for f in result.waived],
        },
        indent=2,
    )


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
