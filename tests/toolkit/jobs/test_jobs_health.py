"""The advice `jobs stats` derives from xferity.jobs' vacuum health."""

from __future__ import annotations

import pytest

from xferity_schema.jobs.health import NAPTIME_ADVISED_MAX_SECONDS, TableHealth


def health(
    naptime: float = 10.0, autovacuum: bool = True, since: float | None = 5.0
) -> TableHealth:
    return TableHealth(
        live_rows=1_200_000,
        dead_row_versions=34_567,
        seconds_since_vacuum=since,
        autovacuum=autovacuum,
        autovacuum_naptime_seconds=naptime,
    )


@pytest.mark.parametrize("naptime", [1.0, 10.0, NAPTIME_ADVISED_MAX_SECONDS])
def test_no_advice_when_autovacuum_looks_often_enough(naptime: float) -> None:
    assert health(naptime).advice() == []


@pytest.mark.parametrize("naptime", [NAPTIME_ADVISED_MAX_SECONDS + 1, 60.0, 600.0])
def test_a_slow_naptime_is_named_with_the_value_to_set(naptime: float) -> None:
    (advice,) = health(naptime).advice()
    assert advice.startswith(f"autovacuum_naptime is {naptime:g}s")
    assert "set it to 10s" in advice


def test_autovacuum_off_comes_before_the_naptime() -> None:
    (advice,) = health(60.0, autovacuum=False).advice()
    assert advice.startswith("autovacuum is off for xferity.jobs")


def test_summary_and_dict() -> None:
    assert health(60.0).summary() == (
        "xferity.jobs: about 1,200,000 rows, 34,567 dead row versions, last vacuumed 5s ago; "
        "autovacuum_naptime 60s"
    )
    assert "never vacuumed" in health(since=None).summary()
    assert "autovacuum off" in health(autovacuum=False).summary()
    as_dict = health(60.0).as_dict()
    assert as_dict["dead_row_versions"] == 34_567 and len(as_dict["advice"]) == 1
