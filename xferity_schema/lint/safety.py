"""Layer 2, migration safety: squawk, on each forward migration.

Xferity applies migrations at start-up against a live database, while older workers may still
be running. squawk flags what would block reads or writes for long (non-concurrent index on an
existing table, column type change, validating constraints, SET NOT NULL) and what breaks an
older worker (dropped or renamed columns and tables, a NOT NULL column without a default).
`locks.py` then corrects these findings with the replayed migration set and adds what squawk
has no rule for.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from xferity_schema.core.errors import SquawkUnavailable
from xferity_schema.lint.findings import Finding, Severity
from xferity_schema.lint.sources import SqlFile

PG_VERSION = "13.0"  # the oldest server Xferity supports: squawk judges lock behaviour for it

# Rules left out, and why:
EXCLUDED_RULES = (
    # Timeouts are a property of the run, not of each file: the runner (ours and Xferity's Go
    # one) should set lock_timeout / statement_timeout once for every migration.
    "require-timeout-settings",
    # Keys are bigint by our conventions (and primary-key rule); counters such as attempt or
    # retry_count are deliberately integer.
    "prefer-bigint-over-int",
    "prefer-bigint-over-smallint",
    # Replaced by our needs-non-transactional rule, which reads the `-- transactional:` header
    # and also catches a lone CREATE INDEX CONCURRENTLY (squawk skips single-statement files).
    "ban-concurrent-index-creation-in-transaction",
)


def squawk_binary() -> Path:
    beside_python = Path(sys.executable).parent / "squawk"
    if beside_python.is_file():
        return beside_python
    found = shutil.which("squawk")
    if found:
        return Path(found)
    raise SquawkUnavailable("squawk is not installed: pip install squawk-cli")


def check(files: Iterable[SqlFile], parses: dict[Path, bool]) -> list[Finding]:
    """squawk findings for forward migrations. A transactional migration (the default) is linted
    with --assume-in-transaction, so a table created earlier in the same file counts as new;
    a `-- transactional: false` one is linted as statements that commit one by one."""
    migrations = [f for f in files if f.kind == "migration"]
    findings: list[Finding] = []
    for transactional in (True, False):
        batch = [f for f in migrations if f.transactional == transactional]
        if batch:
            findings.extend(_run(batch, transactional, parses))
    return findings


def _run(files: list[SqlFile], transactional: bool, parses: dict[Path, bool]) -> list[Finding]:
    try:
        binary = squawk_binary()
    except SquawkUnavailable as exc:
        return [Finding(f.path, 1, 1, "squawk-missing", "error", str(exc), "safety") for f in files]
    command = [
        str(binary),
        "--reporter",
        "json",
        f"--pg-version={PG_VERSION}",
        "--exclude=" + ",".join(EXCLUDED_RULES),
        "--assume-in-transaction" if transactional else "--no-assume-in-transaction",
        *(str(f.path) for f in files),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        reported: list[dict[str, Any]] = json.loads(done.stdout or "[]")
    except json.JSONDecodeError:
        message = (done.stderr or done.stdout).strip().splitlines()
        first = message[0] if message else f"exit status {done.returncode}"
        return [
            Finding(f.path, 1, 1, "squawk-failed", "error", f"squawk failed: {first}", "safety")
            for f in files
        ]
    by_name = {str(f.path): f.path for f in files}
    found = [_finding(item, by_name, parses) for item in reported]
    # A file squawk cannot parse: one finding (it may report hundreds), and none at all when
    # PostgreSQL's parser fails too, since the parse-error rule already says so.
    kept: list[Finding] = []
    unparsable: set[Path] = set()
    for finding in found:
        if finding.rule == "syntax-error":
            if not parses.get(finding.path, False) or finding.path in unparsable:
                continue
            unparsable.add(finding.path)
        kept.append(finding)
    return kept


def _finding(item: dict[str, Any], by_name: dict[str, Path], parses: dict[Path, bool]) -> Finding:
    path = by_name.get(str(item.get("file")), Path(str(item.get("file"))))
    rule = str(item.get("rule_name") or "squawk")
    message = str(item.get("message") or "").strip()
    advice = item.get("help")
    if advice:
        message = f"{message} Help: {str(advice).strip()}"
    severity: Severity = "error"
    if rule == "syntax-error" and parses.get(path, False):
        # pglast (PostgreSQL's parser) accepts it: squawk's own grammar falls short here.
        severity = "warning"
        message = f"squawk cannot parse this valid PostgreSQL, so it is unchecked here: {message}"
    # squawk reports 0-based lines and columns.
    return Finding(
        path,
        int(item.get("line", 0)) + 1,
        int(item.get("column", 0)) + 1,
        rule,
        severity,
        message,
        layer="safety",
    )
