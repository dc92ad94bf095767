"""Layer 1, style: sqlfluff (dialect postgres) with the repository's checked-in `.sqlfluff`."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import PackageNotFoundError, version
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
MAX_WORKERS = 4
MIN_FILES_PER_WORKER = 3


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
    cache = ResultCache(
        cache_dir(config) if use_cache else None,
        version("sqlfluff"),  # importing sqlfluff itself takes half a second
        _rust_parser_version(),
        config.read_text(encoding="utf-8"),
    )
    files = list(files)
    texts = {f.path: _text(f) for f in files}
    known = {path: cache.get(text) for path, text in texts.items()}
    misses = [(str(path), text) for path, text in texts.items() if known[path] is None]
    for (name, text), violations in zip(misses, _lint_all(config, misses), strict=True):
        known[Path(name)] = violations
        cache.put(text, violations)
    findings: list[Finding] = []
    for file in files:
        template = file.kind == "other" and has_placeholders(file.text)
        violations = known[file.path] or []
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


def _rust_parser_version() -> str:
    """sqlfluffrs' version, or "" without it. The `rs` extra (a Rust lexer and parser, picked by
    sqlfluff's default `use_rust_parser = auto`) finds the same violations about twice as fast;
    without it sqlfluff falls back to its pure-Python parser."""
    try:
        return version("sqlfluffrs")
    except PackageNotFoundError:
        return ""


def _text(file: SqlFile) -> str:
    # Query templates carry psycopg placeholders: lint a same-length, parseable stand-in so
    # every position still points at the file.
    template = file.kind == "other" and has_placeholders(file.text)
    return neutralise_parameters(file.text) if template else file.text


def _lint_all(config: Path, work: list[tuple[str, str]]) -> list[list[dict[str, Any]]]:
    """sqlfluff's violations for each (path, text), on every core when there is enough work:
    sqlfluff is CPU-bound, about 0.1 s a migration with its Rust parser."""
    if not work:
        return []
    workers = min(len(os.sched_getaffinity(0)), MAX_WORKERS, len(work) // MIN_FILES_PER_WORKER)
    if workers < 2:
        linter = _linter(config)
        return [_violations(linter, text, Path(name)) for name, text in work]
    # Longest first, dealt round-robin: the chunks finish together.
    order = sorted(range(len(work)), key=lambda i: -len(work[i][1]))
    chunks = [[work[i] for i in order[k::workers]] for k in range(workers)]
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        results = list(pool.map(_lint_chunk, [config] * workers, chunks))
    by_name = {name: found for result in results for name, found in result}
    return [by_name[name] for name, _ in work]


def _lint_chunk(
    config: Path, chunk: list[tuple[str, str]]
) -> list[tuple[str, list[dict[str, Any]]]]:
    linter = _linter(config)
    return [(name, _violations(linter, text, Path(name))) for name, text in chunk]


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
