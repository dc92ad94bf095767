"""Runs the three layers over a set of files and applies the waivers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xferity_schema.lint import checksums, replay, rules, safety, sources, style, waivers
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
    paths: Sequence[Path], released_sum: Path | None = None, use_cache: bool = True
) -> LintResult:
    """Lint every .sql file under `paths`. Rules over a migration set read the whole set (the
    files' migrations directory) but report only on the files asked for."""
    files = [sources.read(p) for p in sources.collect(paths)]
    parsed = {f.path: rules.parse_file(f) for f in files}
    parses = {path: p.error is None for path, p in parsed.items()}

    found: list[Finding] = []
    found += _style(files, parsed, use_cache)
    found += safety.check(files, parses)
    for file in files:
        found += rules.check_file(file, parsed[file.path])
    found += _set_rules(files, parsed, released_sum)

    asked = {f.path for f in files}
    found = [f for f in found if f.path in asked or f.path.name == checksums.SUM_FILENAME]
    return _waive(files, found)


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
    files: list[SqlFile], parsed: dict[Path, ParsedSql], released_sum: Path | None
) -> list[Finding]:
    found: list[Finding] = []
    migration_dirs = sorted({f.path.parent for f in files if f.kind != "other"})
    for directory in migration_dirs:
        members = sources.migration_set(directory)
        whole_set = [(m.path, parsed.get(m.path) or rules.parse_file(m)) for m in members]
        found += replay.check_set(whole_set)
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
