"""sql/migrations.sum: checksums that make released migrations immutable (like Atlas's atlas.sum).

One `sha256  filename` line per file in sql/migrations (forward and rollback files), sorted by
name, after a `total` line that hashes all of them, so a hand-edited sum file is detected too.
`xferity-schema hash` writes it; lint compares the files against it:

* a listed file that changed or disappeared is an error (a released migration never changes);
* a file not listed yet is the pull request's new migration: a warning to run `hash`.

`released` (optional) is the sum file of the base branch: a change to a migration listed there
fails even when the author re-ran `hash` in the pull request.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from xferity_schema.lint.findings import Finding
from xferity_schema.migrate.files import content_sha256

SUM_FILENAME = "migrations.sum"
HEADER = (
    "# Checksums of the released migrations in sql/migrations, written by `xferity-schema hash`.\n"
    "# Never edit by hand. A released migration is immutable: put a change in a new migration.\n"
)
_ENTRY = re.compile(r"^(?P<digest>[0-9a-f]{64})  (?P<name>\S+)$")
_TOTAL = re.compile(r"^total  (?P<digest>[0-9a-f]{64})$")


def sum_path(migrations_dir: Path) -> Path:
    return migrations_dir.parent / SUM_FILENAME


def current(migrations_dir: Path) -> dict[str, str]:
    """name -> sha256 of every .sql file in the directory, as it is now."""
    return {p.name: content_sha256(p) for p in sorted(migrations_dir.glob("*.sql")) if p.is_file()}


def render(entries: dict[str, str]) -> str:
    body = "".join(f"{digest}  {name}\n" for name, digest in sorted(entries.items()))
    total = hashlib.sha256(body.encode()).hexdigest()
    return f"{HEADER}total  {total}\n{body}"


@dataclass
class SumFile:
    path: Path
    entries: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)


def read_sum(path: Path) -> SumFile:
    parsed = SumFile(path)
    total_line, total = 0, ""
    body = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        if found := _TOTAL.match(raw):
            total_line, total = number, found.group("digest")
        elif found := _ENTRY.match(raw):
            parsed.entries[found.group("name")] = found.group("digest")
            parsed.lines[found.group("name")] = number
            body.append(raw + "\n")
        else:
            parsed.problems.append(
                _sum_problem(
                    path,
                    number,
                    "unreadable line; expected `<sha256>  <file name>`: run xferity-schema hash",
                )
            )
    expected = hashlib.sha256("".join(body).encode()).hexdigest()
    if total != expected:
        parsed.problems.append(
            _sum_problem(
                path,
                total_line or 1,
                "the total line does not match the entries: the file was edited by hand",
            )
        )
    return parsed


def write_sum(migrations_dir: Path) -> tuple[list[str], list[str], list[str]]:
    """Rewrite the sum file; returns (added, changed, removed) file names."""
    path = sum_path(migrations_dir)
    before = read_sum(path).entries if path.exists() else {}
    after = current(migrations_dir)
    path.write_text(render(after), encoding="utf-8")
    added = sorted(set(after) - set(before))
    changed = sorted(n for n in after if n in before and before[n] != after[n])
    removed = sorted(set(before) - set(after))
    return added, changed, removed


def is_up_to_date(migrations_dir: Path) -> bool:
    path = sum_path(migrations_dir)
    return path.exists() and path.read_text(encoding="utf-8") == render(current(migrations_dir))


def check(migrations_dir: Path, released: Path | None = None) -> list[Finding]:
    """Immutability findings for one migrations directory."""
    path = sum_path(migrations_dir)
    now = current(migrations_dir)
    findings: list[Finding] = []
    listed: dict[str, str] = {}
    if path.exists():
        recorded = read_sum(path)
        findings.extend(recorded.problems)
        listed = recorded.entries
        findings.extend(_compare(migrations_dir, recorded, now))
    if released is not None:
        base = read_sum(released)
        findings.extend(_compare(migrations_dir, base, now, base_branch=True))
        listed = {**base.entries, **listed}
    for name in sorted(set(now) - set(listed)):
        findings.append(
            Finding(
                migrations_dir / name,
                1,
                1,
                "migration-unhashed",
                "warning",
                f"new migration file, not yet in {path.name}: run "
                "`xferity-schema hash` once it is final",
                layer="rules",
            )
        )
    return _unique(findings)


def _compare(
    migrations_dir: Path, recorded: SumFile, now: dict[str, str], base_branch: bool = False
) -> list[Finding]:
    where = "the base branch's " + recorded.path.name if base_branch else recorded.path.name
    findings = []
    for name, digest in sorted(recorded.entries.items()):
        if name not in now:
            line = recorded.lines[name] if not base_branch else 1
            anchor = recorded.path if not base_branch else sum_path(migrations_dir)
            findings.append(
                Finding(
                    anchor,
                    line,
                    1,
                    "migration-immutable",
                    "error",
                    f"released migration {name} (listed in {where}) was deleted; "
                    "restore it: released migrations are never removed",
                )
            )
        elif now[name] != digest:
            findings.append(
                Finding(
                    migrations_dir / name,
                    1,
                    1,
                    "migration-immutable",
                    "error",
                    f"released migration changed since it was hashed into {where}; "
                    "revert the edit and put the change in a new migration",
                )
            )
    return findings


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[Path, int, str]] = set()
    unique = []
    for finding in findings:
        key = (finding.path, finding.line, finding.rule)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _sum_problem(path: Path, line: int, message: str) -> Finding:
    return Finding(path, line, 1, "migration-sum", "error", f"{path.name}: {message}")
