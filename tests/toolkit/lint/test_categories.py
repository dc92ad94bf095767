"""Each lint category, bad and good: the labelled cases in tests/toolkit/lint/categories/.

A case is one migration judged against a live schema (categories/base.sql, applied earlier).
A dangerous (or newer-than-13) case must produce its expected rule; a safe (or valid-13) case
must produce no finding of its layer at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import lint_corpus

SAFETY = lint_corpus.load("safety")
COMPAT = lint_corpus.load("compat")


def _id(case: lint_corpus.Case) -> str:
    return case.path.stem


@pytest.mark.parametrize("case", SAFETY + COMPAT, ids=_id)
def test_category_case(case: lint_corpus.Case, tmp_path: Path) -> None:
    found = lint_corpus.lint_case(case, tmp_path)
    if case.positive:
        assert case.expected <= found, f"{case.what}: expected {sorted(case.expected)}"
    else:
        assert not found, f"{case.what}: valid, yet reported {sorted(found)}"


def test_the_corpus_is_big_enough_and_balanced() -> None:
    for cases in (SAFETY, COMPAT):
        positives = sum(1 for c in cases if c.positive)
        assert positives >= 40
        assert len(cases) - positives >= 15
