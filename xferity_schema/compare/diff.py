"""Compare two schema snapshots: a list of readable differences, as text or JSON.

    column xferity.jobs.priority: type integer (fresh) ≠ smallint (upgraded)
    index xferity.jobs_running_idx: only in upgraded
    table xferity.jobs: grants: only in fresh: xferity_app: SELECT

An object missing on one side is one line; its columns, constraints, triggers and policies are
not listed again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from xferity_schema.compare.snapshot import (
    CHILD_KINDS,
    KINDS,
    UNCOMPARED_ATTRIBUTES,
    SchemaSnapshot,
    Value,
)
from xferity_schema.core.errors import ExitCode

SNIPPET_CONTEXT = 40
LONG_VALUE = 60
ATTRIBUTE_LABELS = {
    "default_expr": "default",
    "not_null": "not null",
    "using_expr": "using",
    "check_expr": "with check",
}
# PostgreSQL 16 stopped qualifying column names in a view's top-level query when it reads a
# single relation (`SELECT w.id FROM t w` became `SELECT id FROM t w`).
UNQUALIFIED_VIEW_COLUMNS_SINCE = 16
_NAME = r'(?:[a-z_][a-z0-9_$]*|"[^"]+")'
_RELATION = re.compile(rf"\b(?:FROM|JOIN) {_NAME}\.({_NAME})(?: (?:AS )?({_NAME}))?")
_NOT_ALIASES = frozenset(
    {
        "where",
        "group",
        "order",
        "limit",
        "union",
        "join",
        "left",
        "right",
        "full",
        "inner",
        "cross",
        "on",
        "having",
        "window",
        "offset",
        "fetch",
        "for",
        "except",
        "intersect",
        "natural",
        "using",
        "lateral",
    }
)


@dataclass(frozen=True)
class Difference:
    """One way two snapshots disagree. `attribute` is None when the object is on one side only
    (then `left`/`right` say which side has it)."""

    kind: str
    name: str
    attribute: str | None
    left: Value
    right: Value
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "attribute": self.attribute,
            "left": self.left,
            "right": self.right,
            "text": self.text,
        }


@dataclass(frozen=True)
class SchemaDiff:
    left_label: str
    right_label: str
    differences: list[Difference] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.differences

    @property
    def exit_code(self) -> ExitCode:
        """What `diff` and `verify` exit with: 0 when equal, 4 when not."""
        return ExitCode.OK if self.equal else ExitCode.DRIFT_OR_AHEAD

    def render(self) -> str:
        if self.equal:
            return f"no differences between {self.left_label} and {self.right_label}"
        lines = [f"{len(self.differences)} difference(s), {self.left_label} vs {self.right_label}:"]
        lines += [f"  {d.text}" for d in self.differences]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "equal": self.equal,
            "left": self.left_label,
            "right": self.right_label,
            "differences": [d.to_json() for d in self.differences],
        }

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2)


def diff_snapshots(
    left: SchemaSnapshot,
    right: SchemaSnapshot,
    left_label: str = "fresh",
    right_label: str = "upgraded",
) -> SchemaDiff:
    """Every difference between two snapshots, in report order (kind, then name)."""
    differences: list[Difference] = []
    missing_parents: set[str] = set()
    straddles_16 = _straddles(left.server_version, right.server_version)
    kinds = sorted(set(left.objects) | set(right.objects), key=_kind_order)
    for kind in kinds:
        left_named = left.objects.get(kind, {})
        right_named = right.objects.get(kind, {})
        for name in sorted(set(left_named) | set(right_named)):
            if kind in CHILD_KINDS and _parent(name) in missing_parents:
                continue
            if name not in right_named or name not in left_named:
                side = left_label if name in left_named else right_label
                if kind in ("table", "view"):
                    missing_parents.add(name)
                differences.append(
                    Difference(
                        kind,
                        name,
                        None,
                        name in left_named,
                        name in right_named,
                        f"{kind} {name}: only in {side}",
                    )
                )
                continue
            a, b = left_named[name], right_named[name]
            for attribute in sorted(set(a) | set(b)):
                va, vb = a.get(attribute), b.get(attribute)
                if _equivalent(kind, attribute, va, vb, straddles_16):
                    continue
                differences.append(
                    Difference(
                        kind,
                        name,
                        attribute,
                        va,
                        vb,
                        f"{kind} {name}: " + _describe(attribute, va, vb, left_label, right_label),
                    )
                )
    return SchemaDiff(left_label, right_label, differences)


def strip_column_qualifiers(definition: str) -> str:
    """A view definition without `alias.` before column names: what PostgreSQL 16+ prints for
    a query over one relation, applied everywhere so 14/15 and 16+ output compare equal."""
    qualifiers: set[str] = set()
    for relation, alias in _RELATION.findall(definition):
        qualifiers.add(relation)
        if alias and alias.lower() not in _NOT_ALIASES:
            qualifiers.add(alias)
    for qualifier in sorted(qualifiers, key=len, reverse=True):
        definition = re.sub(rf'(?<![\w."$]){re.escape(qualifier)}\.(?=[a-z_"])', "", definition)
    return definition


def _equivalent(kind: str, attribute: str, a: Value, b: Value, straddles_16: bool) -> bool:
    if a == b or attribute in UNCOMPARED_ATTRIBUTES:
        return True
    if (
        straddles_16
        and kind == "view"
        and attribute == "definition"
        and isinstance(a, str)
        and isinstance(b, str)
    ):
        return strip_column_qualifiers(a) == strip_column_qualifiers(b)
    return False


def _straddles(version_a: str, version_b: str) -> bool:
    majors = {_major(version_a), _major(version_b)}
    return (
        None not in majors
        and len({m >= UNQUALIFIED_VIEW_COLUMNS_SINCE for m in majors if m is not None}) > 1
    )


def _major(version: str) -> int | None:
    found = re.match(r"(\d+)", version)
    return int(found.group(1)) if found else None


def _describe(attribute: str, a: Value, b: Value, left_label: str, right_label: str) -> str:
    label = ATTRIBUTE_LABELS.get(attribute, attribute.replace("_", " "))
    if isinstance(a, list) and isinstance(b, list):
        only_a = sorted(set(a) - set(b))
        only_b = sorted(set(b) - set(a))
        if not only_a and not only_b:
            return f"{label}: same items, different order: {a} ({left_label}) ≠ {b} ({right_label})"
        parts = []
        if only_a:
            parts.append(f"only in {left_label}: {', '.join(only_a)}")
        if only_b:
            parts.append(f"only in {right_label}: {', '.join(only_b)}")
        return f"{label}: {'; '.join(parts)}"
    if isinstance(a, str) and isinstance(b, str) and max(len(a), len(b)) > LONG_VALUE:
        left_part, right_part = _snippets(a, b)
        return f"{label} differs: {left_part} ({left_label}) ≠ {right_part} ({right_label})"
    return f"{label} {_show(a)} ({left_label}) ≠ {_show(b)} ({right_label})"


def _show(value: Value) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return value if len(value) <= LONG_VALUE else value[:LONG_VALUE] + "…"


def _snippets(a: str, b: str) -> tuple[str, str]:
    """The region where two long texts differ, with some context on each side."""
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(a), len(b)) - prefix and a[len(a) - 1 - suffix] == b[len(b) - 1 - suffix]
    ):
        suffix += 1
    start = max(0, prefix - SNIPPET_CONTEXT)

    def cut(text: str) -> str:
        end = min(len(text), len(text) - suffix + SNIPPET_CONTEXT)
        head = "…" if start > 0 else ""
        tail = "…" if end < len(text) else ""
        return f'"{head}{text[start:end]}{tail}"'

    return cut(a), cut(b)


def _parent(name: str) -> str:
    return name.rsplit(".", 1)[0]


def _kind_order(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)
