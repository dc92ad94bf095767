"""The rules of xferity.jobs since migration 0019: the jobs_check_rules trigger refuses a row
that breaks one, written by any role but the table's owner, with the SQLSTATE and constraint
name the CHECK constraints used; the job functions (which run as the owner) check their
callers' input and leave only rows that keep every rule; and the first-statement claim."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from tests.support.job_rules import RULES, rules_broken

REPO_ROOT = Path(__file__).resolve().parents[2]
ROLLBACK = REPO_ROOT / "sql" / "migrations" / "0019_jobs_hot_path.rollback.sql"
MIGRATION = REPO_ROOT / "sql" / "migrations" / "0019_jobs_hot_path.sql"
PASSWORD = "test-only-password"

Row = dict[str, Any]
Conn = psycopg.Connection[Row]


@pytest.fixture
def db(migrated_db: str) -> Iterator[Conn]:
    with psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture
def writer(db: Conn, make_role: Callable[..., str]) -> str:
    """A role that is not the owner, with plain DML on the job tables (as the app role has)."""
    role = make_role("xferity_writer")
    db.execute(sql.SQL("GRANT USAGE ON SCHEMA xferity TO {}").format(sql.Identifier(role)))
    db.execute(
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON xferity.jobs TO {}").format(
            sql.Identifier(role)
        )
    )
    return role


@pytest.fixture
def api_caller(db: Conn, migrated_db: str, make_role: Callable[..., str]) -> Iterator[Conn]:
    """A session of a login that is not the owner, allowed the job API as a worker or the
    application is (no SET ROLE): the trigger skips the rows the job functions write for it."""
    role = make_role("xferity_api_caller", password=PASSWORD)
    for grant in (
        "GRANT USAGE ON SCHEMA xferity TO {}",
        "GRANT SELECT ON xferity.jobs, xferity.job_errors TO {}",
        "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA xferity TO {}",
    ):
        db.execute(sql.SQL(grant).format(sql.Identifier(role)))
    with psycopg.connect(
        make_conninfo(migrated_db, user=role, password=PASSWORD),
        autocommit=True,
        row_factory=dict_row,
    ) as caller:
        yield caller


def as_role(conn: Conn, role: str, statement: str, params: Any = None) -> None:
    with conn.transaction():
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
        conn.execute(statement, params)


def scalar(conn: Conn, query: str, params: Any = None) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return next(iter(row.values()))


# -- direct writes by anyone but the owner ----------------------------------------------------

BREAKS = {
    # rule: a row written directly that breaks it and none of the rules checked before it
    "jobs_queue_check": "INSERT INTO xferity.jobs (queue, kind) VALUES ('', 'k')",
    "jobs_kind_check": "INSERT INTO xferity.jobs (kind) VALUES (repeat('k', 257))",
    "jobs_max_attempts_check": "INSERT INTO xferity.jobs (kind, max_attempts) VALUES ('k', 0)",
    "jobs_dedupe_key_check": "INSERT INTO xferity.jobs (kind, dedupe_key) VALUES ('k', '')",
    "jobs_attempt_check": "INSERT INTO xferity.jobs (kind, state, attempt, max_attempts,"
    " locked_by, locked_at, finished_at) VALUES ('k', 'failed', 4, 3, 'w', now(), now())",
    "jobs_state_check": "INSERT INTO xferity.jobs (kind, state) VALUES ('k', 'paused')",
    "jobs_available_attempt_check": "INSERT INTO xferity.jobs (kind, attempt, max_attempts,"
    " locked_by, locked_at) VALUES ('k', 3, 3, 'w', now())",
    "jobs_locked_check": "INSERT INTO xferity.jobs (kind, locked_by) VALUES ('k', 'w')",
    "jobs_lease_check": "INSERT INTO xferity.jobs (kind, lease_expires_at) VALUES ('k', now())",
    "jobs_finished_check": "INSERT INTO xferity.jobs (kind, finished_at) VALUES ('k', now())",
}


def test_every_rule_has_a_breaking_row() -> None:
    assert set(BREAKS) == set(RULES)


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_a_direct_write_breaking_a_rule_is_refused_as_its_check_was(
    db: Conn, writer: str, rule: str
) -> None:
    with pytest.raises(errors.CheckViolation) as caught:
        as_role(db, writer, BREAKS[rule])
    assert caught.value.diag.constraint_name == rule
    assert caught.value.diag.table_name == "jobs"
    assert f'violates check constraint "{rule}"' in str(caught.value)
    assert scalar(db, "SELECT count(*) FROM xferity.jobs") == 0


def test_a_direct_update_is_checked_and_a_valid_direct_write_passes(db: Conn, writer: str) -> None:
    as_role(db, writer, "INSERT INTO xferity.jobs (kind, queue) VALUES ('k', 'direct')")
    job = scalar(db, "SELECT id FROM xferity.jobs WHERE queue = 'direct'")
    with pytest.raises(errors.CheckViolation) as caught:
        as_role(db, writer, "UPDATE xferity.jobs SET state = 'completed' WHERE id = %s", (job,))
    assert caught.value.diag.constraint_name == "jobs_finished_check"
    as_role(
        db,
        writer,
        "UPDATE xferity.jobs SET state = 'cancelled', finished_at = now() WHERE id = %s",
        (job,),
    )
    assert scalar(db, "SELECT state FROM xferity.jobs WHERE id = %s", (job,)) == "cancelled"
    assert rules_broken(db) == []


def test_the_owner_writing_directly_is_checked_too(db: Conn) -> None:
    with pytest.raises(errors.CheckViolation) as caught:
        db.execute(BREAKS["jobs_lease_check"])
    assert caught.value.diag.constraint_name == "jobs_lease_check"


def test_the_trigger_skips_only_rows_written_inside_security_definer_functions(db: Conn) -> None:
    definition = scalar(
        db,
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger"
        " WHERE tgrelid = 'xferity.jobs'::regclass AND tgname = 'jobs_check_rules'",
    )
    assert "AFTER INSERT OR UPDATE ON xferity.jobs FOR EACH ROW" in definition
    assert (
        "(CURRENT_USER = SESSION_USER) OR (current_setting('role'::text) <> 'none'::text)"
        in definition
    )
    # Every function that writes the table runs as its owner.
    writers = db.execute(
        "SELECT p.oid::regprocedure::text AS name, p.prosecdef FROM pg_proc AS p"
        " WHERE p.pronamespace = 'xferity'::regnamespace"
        " AND p.prosrc ~* '(update|insert\\s+into)\\s+xferity\\.jobs\\M'"
    ).fetchall()
    assert len(writers) == 12
    assert all(r["prosecdef"] for r in writers), writers
    assert (
        scalar(
            db,
            "SELECT count(*) FROM pg_constraint"
            " WHERE conrelid = 'xferity.jobs'::regclass AND contype = 'c'",
        )
        == 0
    )


# -- the job functions check what callers give them ----------------------------------------

ENQUEUE_BREAKS = [
    ("jobs_kind_check", {"kind": ""}),
    ("jobs_kind_check", {"kind": "k" * 257}),
    ("jobs_queue_check", {"queue": ""}),
    ("jobs_queue_check", {"queue": "q" * 129}),
    ("jobs_max_attempts_check", {"max_attempts": 0}),
    ("jobs_dedupe_key_check", {"dedupe_key": ""}),
]


@pytest.mark.parametrize(("rule", "fields"), ENQUEUE_BREAKS)
def test_enqueue_job_refuses_input_that_breaks_a_rule(
    db: Conn, rule: str, fields: dict[str, Any]
) -> None:
    args = {"kind": "k", **fields}
    query = sql.SQL("SELECT xferity.enqueue_job({})").format(
        sql.SQL(", ").join(
            sql.SQL("{} => {}").format(sql.Identifier(name), sql.Placeholder(name)) for name in args
        )
    )
    with pytest.raises(errors.CheckViolation) as caught:
        db.execute(query, args)
    assert caught.value.diag.constraint_name == rule
    assert scalar(db, "SELECT count(*) FROM xferity.jobs") == 0


@pytest.mark.parametrize(("rule", "fields"), ENQUEUE_BREAKS)
def test_enqueue_jobs_names_the_first_job_that_breaks_a_rule(
    db: Conn, rule: str, fields: dict[str, Any]
) -> None:
    ((field, bad),) = fields.items()
    good = {"kind": "k", "queue": "q", "max_attempts": 3, "dedupe_key": None}[field]
    arrays = {
        "kind": "kinds",
        "queue": "queues",
        "max_attempts": "max_attempts",
        "dedupe_key": "dedupe_keys",
    }
    values = [good, good, bad, good, bad]
    kinds = values if field == "kind" else ["k"] * 5
    query = (
        "SELECT xferity.enqueue_jobs(%(kinds)s::text[]"
        + ("" if field == "kind" else f", {arrays[field]} => %(values)s")
        + ")"
    )
    # As the superuser (this session) the trigger may name the row before the function names
    # the position ("job 3 of the call"): either way the rule is the constraint.
    with pytest.raises(errors.CheckViolation) as caught:
        db.execute(query, {"kinds": kinds, "values": values})
    assert caught.value.diag.constraint_name == rule
    assert scalar(db, "SELECT count(*) FROM xferity.jobs") == 0


def test_enqueue_jobs_names_the_job_by_its_place_in_the_call_when_ids_interleave(
    db: Conn, api_caller: Conn
) -> None:
    """Since 0023: the ids of one call need not be consecutive (every session draws from one
    sequence). A test trigger takes a sequence value after each job, as a concurrent call would:
    the call's ids go 2 apart, and the third job is still job 3, not job 5."""
    db.execute(
        "CREATE FUNCTION xferity.test_take_an_id() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN PERFORM nextval(pg_get_serial_sequence('xferity.jobs', 'id')); RETURN NEW; END $$"
    )
    db.execute(
        "CREATE TRIGGER test_take_an_id BEFORE INSERT ON xferity.jobs"
        " FOR EACH ROW EXECUTE FUNCTION xferity.test_take_an_id()"
    )
    try:
        ids = scalar(api_caller, "SELECT xferity.enqueue_jobs(ARRAY['k', 'k', 'k'])")
        assert [b - a for a, b in pairwise(ids)] == [2, 2]
        with pytest.raises(errors.CheckViolation, match="job 3 of the call") as caught:
            api_caller.execute("SELECT xferity.enqueue_jobs(ARRAY['k', 'k', '', 'k', ''])")
        assert caught.value.diag.constraint_name == "jobs_kind_check"
    finally:
        db.execute("DROP TRIGGER test_take_an_id ON xferity.jobs")
        db.execute("DROP FUNCTION xferity.test_take_an_id()")
    assert scalar(db, "SELECT count(*) FROM xferity.jobs") == 3


def test_a_random_workload_through_the_api_keeps_every_rule(db: Conn, api_caller: Conn) -> None:
    """Every function that writes jobs, in a random order (fixed seed), called by a login that
    is not their owner, as a worker or the application calls them: the trigger skips those
    rows, so the rows must keep the ten rules by the functions' own doing."""
    assert scalar(api_caller, "SELECT current_user = session_user") is True
    _run_random_workload(api_caller)
    assert rules_broken(db) == []


def _run_random_workload(db: Conn) -> None:
    rng = random.Random(19)
    queues = ["a", "b", "default"]

    def ids(where: str) -> list[int]:
        return [r["id"] for r in db.execute(f"SELECT id FROM xferity.jobs WHERE {where}")]

    def held(worker: str) -> list[int]:
        return ids(f"state = 'running' AND locked_by = '{worker}' AND lease_expires_at > now()")

    steps: list[Callable[[], object]] = [
        lambda: db.execute(
            "SELECT xferity.enqueue_job('k', queue => %s, priority => %s,"
            " run_at => now() + %s * interval '1 second', max_attempts => %s, dedupe_key => %s)",
            (
                rng.choice(queues),
                rng.randint(0, 3),
                rng.choice((-5, 0, 0, 2)),
                rng.randint(1, 3),
                rng.choice((None, None, f"key-{rng.randint(1, 5)}")),
            ),
        ),
        lambda: db.execute(
            "SELECT xferity.enqueue_jobs(array_fill('k'::text, ARRAY[4]), NULL, %s::text[],"
            " NULL, NULL, %s::int[], %s::text[])",
            (
                [rng.choice(queues) for _ in range(4)],
                [rng.randint(1, 3) for _ in range(4)],
                [rng.choice((None, f"key-{rng.randint(1, 5)}")) for _ in range(4)],
            ),
        ),
        lambda: db.execute(
            "SELECT * FROM xferity.claim_job(%s, %s, %s, %s::interval)",
            (
                rng.choice(("w1", "w2")),
                rng.choice((None, ["a"], ["a", "b"])),
                rng.randint(1, 4),
                rng.choice(("300 seconds", "300 seconds", "1 millisecond")),
            ),
        ),
        lambda: [
            db.execute("SELECT xferity.complete_job(%s, 'w1', '{\"ok\": 1}')", (j,))
            for j in held("w1")[:2]
        ],
        lambda: db.execute("SELECT xferity.complete_jobs(%s, 'w2')", (held("w2"),)),
        lambda: [
            db.execute(
                "SELECT xferity.fail_job(%s, 'w1', 'boom', %s, '0 seconds', '0 seconds')",
                (j, rng.random() < 0.3),
            )
            for j in held("w1")[:2]
        ],
        lambda: [db.execute("SELECT xferity.heartbeat_job(%s, 'w2')", (j,)) for j in held("w2")],
        lambda: db.execute(
            "SELECT * FROM xferity.complete_and_claim_jobs('w2', %s, NULL, %s,"
            " failed_ids => %s, errors => %s)",
            (held("w2")[:1], rng.randint(0, 3), held("w2")[1:2], ["bad"] * len(held("w2")[1:2])),
        ),
        lambda: (time.sleep(0.005), db.execute("SELECT xferity.reap_expired_jobs()")),
        lambda: [
            db.execute("SELECT xferity.cancel_job(%s, 'operator')", (j,))
            for j in ids("state IN ('available', 'running') ORDER BY random() LIMIT 1")
        ],
        lambda: [
            db.execute("SELECT xferity.retry_job(%s, %s)", (j, rng.randint(1, 3)))
            for j in ids("state IN ('failed', 'cancelled')")[:2]
        ],
        lambda: db.execute("SELECT xferity.retry_failed_jobs(attempts => 2, max_rows => 2)"),
        lambda: [
            db.execute(
                "SELECT xferity.reschedule_job(%s, now() + %s * interval '1 second', %s)",
                (j, rng.choice((-1, 3)), rng.randint(0, 5)),
            )
            for j in ids("state = 'available'")[:1]
        ],
        lambda: db.execute("SELECT xferity.discard_jobs(max_rows => 1)"),
        lambda: db.execute("SELECT xferity.prune_finished_jobs('0 seconds', 1)"),
    ]
    seen: set[str] = set()
    for _ in range(600):
        rng.choice(steps)()
        seen |= {r["state"] for r in db.execute("SELECT DISTINCT state FROM xferity.jobs")}
    assert seen == {"available", "running", "completed", "failed", "cancelled"}
    assert scalar(db, "SELECT count(*) FROM xferity.job_errors") > 0


# -- the first-statement claim ---------------------------------------------------------------


@pytest.mark.parametrize("queues", [None, ["a", "b"]])
def test_a_top_level_with_nothing_due_falls_through_to_the_next_level(
    db: Conn, queues: list[str] | None
) -> None:
    db.execute(
        "SELECT xferity.enqueue_job('k', queue => 'a', priority => 9,"
        " run_at => now() + interval '1 hour')"
    )
    db.execute("SELECT xferity.enqueue_job('k', queue => 'b', priority => 4)")
    db.execute("SELECT xferity.enqueue_job('k', queue => 'a', priority => 1)")
    got = db.execute("SELECT priority FROM xferity.claim_job('w', %s, 5)", (queues,)).fetchall()
    assert [r["priority"] for r in got] == [4, 1]


@pytest.mark.parametrize("queues", [None, ["a", "b"]])
def test_a_top_level_held_by_another_claimer_falls_through_to_the_next_level(
    migrated_db: str, db: Conn, queues: list[str] | None
) -> None:
    for queue, priority in [("a", 5), ("b", 5), ("a", 2), ("b", 0)]:
        db.execute(
            "SELECT xferity.enqueue_job('k', queue => %s, priority => %s)", (queue, priority)
        )
    with psycopg.connect(migrated_db) as other:
        taken = other.execute(
            "SELECT id FROM xferity.claim_job('other', %s, 2)", (queues,)
        ).fetchall()
        assert len(taken) == 2  # both priority-5 jobs, locked until `other` commits
        got = db.execute("SELECT priority FROM xferity.claim_job('w', %s, 3)", (queues,)).fetchall()
        assert [r["priority"] for r in got] == [2, 0]
        other.rollback()
    # Rolled back: the priority-5 jobs are claimable again, first.
    got = db.execute("SELECT priority FROM xferity.claim_job('w', %s, 3)", (queues,)).fetchall()
    assert [r["priority"] for r in got] == [5, 5]


# -- rollback ---------------------------------------------------------------------------------


def test_rollback_puts_back_the_checks_and_reapplies(db: Conn) -> None:
    db.execute("SELECT xferity.enqueue_jobs(ARRAY['k', 'k'])")
    db.execute("SELECT * FROM xferity.claim_job('w')")
    db.execute(ROLLBACK.read_text())
    checks = {
        r["conname"]
        for r in db.execute(
            "SELECT conname FROM pg_constraint"
            " WHERE conrelid = 'xferity.jobs'::regclass AND contype = 'c'"
        )
    }
    assert checks == set(RULES)
    with pytest.raises(errors.CheckViolation):
        db.execute("SELECT xferity.enqueue_job('')")
    assert len(db.execute("SELECT * FROM xferity.claim_job('w', NULL, 5)").fetchall()) == 1
    db.execute(MIGRATION.read_text())
    assert rules_broken(db) == []
    assert (
        scalar(
            db,
            "SELECT count(*) FROM pg_constraint"
            " WHERE conrelid = 'xferity.jobs'::regclass AND contype = 'c'",
        )
        == 0
    )
