"""Runs the layers over a set of files and applies the waivers: style (sqlfluff), safety
(squawk, corrected and extended by the set-aware `locks`), our rules with the PostgreSQL 13
compatibility checks, and the whole-set replay."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xferity_schema.lint import (
    checksums,
    compat,
    locks,
    replay,
    rules,
    safety,
    sources,
    style,
    waivers,
)
from xferity_schema.lint.findings import Finding, sort_findings
from xferity_schema.lint.sources import SqlFile
from xferity_schema.lint.syntax import ParsedSql


@dataclass
class LintResult:
    files: list[Path]
    findings: list[Finding] = field(default_factory=list)
    waived: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


def lint(
    paths: Sequence[Path],
    released_sum: Path | None = None,
    use_cache: bool = True,
    pg_bin: Path | None = None,
) -> LintResult:
    """Lint every .sql file under `paths`. Rules over a migration set read the whole set (the
    files' migrations directory) but report only on the files asked for. With `pg_bin` (a
    PostgreSQL bin/ directory, 13 in CI) every set is also run on that server, rolled back."""
    collected = sources.collect(paths)
    files, found = _read(collected)
    parsed = {f.path: rules.parse_file(f) for f in files}
    parses = {path: p.error is None for path, p in parsed.items()}
    sets = _migration_sets(files, parsed)

    found += _style(files, parsed, use_cache)
    verdicts = locks.Verdicts()
    for members in sets.values():
        verdicts.merge(locks.check(members, {f.path for f in files}))
    bom = {f.path for f in found if f.rule == "utf8-bom"}
    squawked = safety.check([f for f in files if f.path not in bom], parses)
    found += locks.filter_squawk(squawked, verdicts) + verdicts.findings
    trees = [s.node for p in parsed.values() for s in p.statements]
    trees += [s.node for members in sets.values() for _, p in members for s in p.statements]
    context = compat.context_for(trees)
    for file in files:
        found += rules.check_file(file, parsed[file.path], context)
    found += _set_rules(files, parsed, released_sum, sets)
    if pg_bin is not None:
        from xferity_schema.lint import execute  # starts a server: only when asked

        runs = [[m for m, _ in members] for members in sets.values()]
        found += execute.check(runs, {f.path for f in files}, pg_bin)

    asked = set(collected)
    found = [f for f in found if f.path in asked or f.path.name == checksums.SUM_FILENAME]
    result = _waive(files, found)
    result.files = collected
    return result


def _read(paths: list[Path]) -> tuple[list[SqlFile], list[Finding]]:
    """The readable files, and one finding for each that is not plain UTF-8."""
    files: list[SqlFile] = []
    found: list[Finding] = []
    for path in paths:
        try:
            file = sources.read(path)
        except sources.UnreadableFile as exc:
            found.append(Finding(path, 1, 1, "encoding", "error", str(exc), "rules"))
            continue
        except OSError as exc:
            found.append(Finding(path, 1, 1, "encoding", "error", f"cannot read: {exc}", "rules"))
            continue
        if sources.has_bom(path):
            found.append(
                Finding(
                    path,
                    1,
                    1,
                    "utf8-bom",
                    "error",
                    "the file starts with a UTF-8 byte-order mark, which PostgreSQL reads as "
                    "part of the first statement: save it as UTF-8 without BOM",
                    "rules",
                )
            )
        files.append(file)
    return files, found


def _migration_sets(
    files: list[SqlFile], parsed: dict[Path, ParsedSql]
) -> dict[Path, list[tuple[SqlFile, ParsedSql]]]:
    """Each migrations directory among `files`: its forward migrations, parsed, in order."""
    sets: dict[Path, list[tuple[SqlFile, ParsedSql]]] = {}
    asked = {f.path: f for f in files}
    for directory in sorted({f.path.parent for f in files if f.kind != "other"}):
        members = [asked.get(m.path, m) for m in sources.migration_set(directory)]
        sets[directory] = [(m, parsed.get(m.path) or rules.parse_file(m)) for m in members]
    return sets


def _style(files: list[SqlFile], parsed: dict[Path, ParsedSql], use_cache: bool) -> list[Finding]:
    by_config: dict[Path | None, list[SqlFile]] = {}
    for file in files:
        by_config.setdefault(style.find_config(file.path.resolve().parent), []).append(file)
    found: list[Finding] = []
    for config, group in by_config.items():
        if config is None:
            found += [
                Finding(
                    f.path,
                    1,
                    1,
                    "sqlfluff-config",
                    "warning",
                    "no .sqlfluff above this file: style not checked",
                    "style",
                )
                for f in group
            ]
        else:
            found += style.check(group, config, parsed, use_cache)
    return found


def _set_rules(
    files: list[SqlFile],
    parsed: dict[Path, ParsedSql],
    released_sum: Path | None,
    sets: dict[Path, list[tuple[SqlFile, ParsedSql]]],
) -> list[Finding]:
    found: list[Finding] = []
    for directory, members in sets.items():
        found += replay.check_set([(m.path, p) for m, p in members])
        found += checksums.check(directory, released_sum)
    for file in files:
        if file.kind == "other":  # a standalone file is a set of its own
            found += replay.check_set([(file.path, parsed[file.path])])
    return found


def _waive(files: Iterable[SqlFile], found: list[Finding]) -> LintResult:
    all_waivers: list[waivers.Waiver] = []
    problems: list[Finding] = []
    checked = []
    for file in files:
        file_waivers, file_problems = waivers.read_waivers(file.path, file.text)
        all_waivers += file_waivers
        problems += file_problems
        checked.append(file.path)
    kept, waived = waivers.apply_waivers(found, all_waivers)
    kept += problems + waivers.unused_waivers(all_waivers)
    return LintResult(checked, sort_findings(kept), sort_findings(waived))
