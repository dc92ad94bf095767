"""The compatibility labels are PostgreSQL's, not ours: every compat case runs on a real
PostgreSQL 13 (and 18) inside a rolled-back transaction. A case labelled newer-than-13 must fail
on 13 and (when it can run in a transaction) pass on 18; a valid-13 case must pass on 13."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import lint_corpus
from xferity_schema.servers.scratch import throwaway_cluster

COMPAT = lint_corpus.load("compat")
PG13 = lint_corpus.pg_bin(13)

pytestmark = pytest.mark.skipif(
    PG13 is None, reason="PostgreSQL 13 not cached: python scripts/pg_matrix.py --fetch-only"
)


@pytest.fixture(scope="module")
def dsn13() -> Iterator[str]:
    with throwaway_cluster(PG13) as server:
        yield server.superuser_dsn()


@pytest.fixture(scope="module")
def dsn18() -> Iterator[str]:
    with throwaway_cluster(None) as server:
        yield server.superuser_dsn()


@pytest.mark.parametrize("case", COMPAT, ids=lambda c: c.path.stem)
def test_label_matches_postgresql_13(case: lint_corpus.Case, dsn13: str, dsn18: str) -> None:
    on13 = lint_corpus.run_on_server(dsn13, case)
    if case.positive:
        assert on13 is not None, f"{case.what}: labelled newer than 13, yet 13 accepts it"
        if case.transactional:
            on18 = lint_corpus.run_on_server(dsn18, case)
            assert on18 is None, f"{case.what}: 18 refuses it too ({on18}): not a version issue"
    else:
        assert on13 is None, f"{case.what}: labelled valid on 13, but 13 says: {on13}"
