"""The lint never advises what PostgreSQL, or the oldest supported server (13), refuses:
no NOT VALID for UNIQUE / PRIMARY KEY / EXCLUDE, no DETACH PARTITION ... CONCURRENTLY, and
the alternatives it names for newer syntax run on 13."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import lint_corpus
from xferity_schema.lint.engine import lint

REFUSED_ADVICE = {
    "ALTER TABLE xferity.jobs ADD CONSTRAINT jobs_name_key UNIQUE (name);": "NOT VALID",
    "ALTER TABLE xferity.notes ADD PRIMARY KEY (id);": "NOT VALID",
    "ALTER TABLE xferity.jobs ADD CONSTRAINT no_overlap EXCLUDE USING gist (period WITH &&);": (
        "use `NOT VALID`"
    ),
    "ALTER TABLE xferity.events DETACH PARTITION xferity.events_2024;": "CONCURRENTLY",
}


@pytest.mark.parametrize("statement", sorted(REFUSED_ADVICE))
def test_no_advice_postgresql_13_refuses(statement: str, tmp_path: Path) -> None:
    case = lint_corpus.Case(tmp_path, "safety", "advice", frozenset(), (f"-- x\n{statement}\n",))
    judged = lint_corpus.write_set(case, tmp_path)
    result = lint([judged], use_cache=False)
    for finding in result.findings:
        if finding.path == judged and finding.layer == "safety":
            assert REFUSED_ADVICE[statement].lower() not in finding.message.lower(), finding


def test_set_not_null_advice_is_the_13_way(tmp_path: Path) -> None:
    statement = "ALTER TABLE xferity.jobs ALTER COLUMN code SET NOT NULL;"
    case = lint_corpus.Case(tmp_path, "safety", "advice", frozenset(), (f"-- x\n{statement}\n",))
    judged = lint_corpus.write_set(case, tmp_path)
    messages = [f.message for f in lint([judged], use_cache=False).findings if f.path == judged]
    assert any("IS NOT NULL) NOT VALID" in m for m in messages), messages
