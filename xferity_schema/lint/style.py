"""Layer 1, style: sqlfluff (dialect postgres) with the repository's checked-in `.sqlfluff`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from xferity_schema.lint.cache import ResultCache, cache_dir
from xferity_schema.lint.findings import Finding, Severity
from xferity_schema.lint.sources import SqlFile
from xferity_schema.lint.syntax import (
    ParsedSql,
    has_placeholders,
    later_set_branch_targets,
    neutralise_parameters,
)

CONFIG_NAME = ".sqlfluff"
_PARSE_CODES = ("PRS", "LXR", "TMP")


def find_config(start: Path) -> Path | None:
    """The nearest `.sqlfluff` in `start` or one of its parents (the repository root's)."""
    for directory in (start, *start.parents):
        if (directory / CONFIG_NAME).is_file():
            return directory / CONFIG_NAME
    return None


def check(
    files: Iterable[SqlFile], config: Path, parsed: dict[Path, ParsedSql], use_cache: bool = True
) -> list[Finding]:
    """Style findings for `files`, given pglast's parse of each (`parsed`)."""
    import sqlfluff

    cache = ResultCache(
        cache_dir(config) if use_cache else None,
        sqlfluff.__version__,
        config.read_text(encoding="utf-8"),
    )
    linter: Any = None
    findings: list[Finding] = []
    for file in files:
        template = file.kind == "other" and has_placeholders(file.text)
        # Query templates carry psycopg placeholders: lint a same-length, parseable stand-in so
        # every position still points at the file.
        text = neutralise_parameters(file.text) if template else file.text
        violations = cache.get(text)
        if violations is None:
            if linter is None:
                linter = _linter(config)
            violations = _violations(linter, text, file.path)
            cache.put(text, violations)
        tree = parsed[file.path]
        # sqlfluff's grammar is not complete: where PostgreSQL's own parser accepts the file (or
        # it is a template whose placeholders stand for SQL fragments) a sqlfluff parse error
        # means "style unchecked here", a warning rather than a failure.
        lenient = tree.error is None or template
        # AL03 wants an alias on every expression, but PostgreSQL names a UNION's columns from
        # its first branch: aliases in later branches would be noise.
        unnamed_ok = later_set_branch_targets(tree) if tree.error is None else set()
        for violation in violations:
            if violation["code"] == "AL03" and (violation["line"], violation["col"]) in unnamed_ok:
                continue
            findings.append(_finding(file.path, violation, lenient))
    return findings


def _linter(config: Path) -> Any:
    from sqlfluff.core import FluffConfig, Linter  # ~0.4 s to import: only on a cache miss

    return Linter(config=FluffConfig.from_path(str(config.parent)))


def _violations(linter: Any, text: str, path: Path) -> list[dict[str, Any]]:
    result = linter.lint_string(text, fname=str(path))
    return [
        {
            "code": v.rule_code(),
            "name": getattr(getattr(v, "rule", None), "name", ""),
            "line": v.line_no or 1,
            "col": v.line_pos or 1,
            "desc": v.desc(),
            "warning": bool(getattr(v, "warning", False)),
        }
        for v in result.get_violations()
    ]


def _finding(path: Path, violation: dict[str, Any], lenient: bool) -> Finding:
    code = str(violation["code"])
    message = str(violation["desc"]) + (f" [{violation['name']}]" if violation["name"] else "")
    severity: Severity = "warning" if violation["warning"] else "error"
    if code in _PARSE_CODES and lenient:
        severity = "warning"
        message = f"sqlfluff cannot parse this, so style is unchecked here: {violation['desc']}"
    return Finding(
        path, int(violation["line"]), int(violation["col"]), code, severity, message, "style"
    )
