"""Compare-and-set locking of workflow event subscriptions (migration 0010), on a real server.

`xferity.take_subscription_lock` must give a subscription to exactly one worker however many race
for it, `xferity.release_subscription_lock` must only obey the holder's token, and an expired
token must be takeable by someone else.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors

from tests.support.leases import expire_subscription_lock

TAKERS = 16

TAKE = "SELECT xferity.take_subscription_lock(%s, %s, %s, %s::interval)"
RELEASE = "SELECT xferity.release_subscription_lock(%s, %s)"


@pytest.fixture
def db(migrated_db: str) -> Iterator[tuple[str, uuid.UUID]]:
    """The DSN of a migrated database holding one waiting subscription, and its id."""
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        workflow = conn.execute(
            "INSERT INTO xferity.workflow_instances (definition_id, version) "
            "VALUES ('as2-outbound-with-mdn', 1) RETURNING workflow_id"
        ).fetchone()
        assert workflow is not None
        pointer = conn.execute(
            "INSERT INTO xferity.workflow_execution_pointers (workflow_id, step_id, status) "
            "VALUES (%s, 1, 'waiting_for_event') RETURNING pointer_id",
            (workflow[0],),
        ).fetchone()
        assert pointer is not None
        subscription = conn.execute(
            "INSERT INTO xferity.workflow_event_subscriptions (workflow_id, step_id, "
            "execution_pointer_id, event_name, event_key, subscribe_as_of) "
            "VALUES (%s, 1, %s, 'as2.mdn_received', 'msg-1@mft.example.com', now()) "
            "RETURNING subscription_id",
            (workflow[0], pointer[0]),
        ).fetchone()
        assert subscription is not None
    yield migrated_db, subscription[0]


def call(conn: psycopg.Connection[tuple[object, ...]], query: str, *params: object) -> object:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


def holder(conn: psycopg.Connection[tuple[object, ...]], subscription: uuid.UUID) -> object:
    return call(
        conn,
        "SELECT external_token FROM xferity.workflow_event_subscriptions "
        "WHERE subscription_id = %s",
        subscription,
    )


def test_take_release_cycle(db: tuple[str, uuid.UUID]) -> None:
    dsn, subscription = db
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert call(conn, TAKE, subscription, "token-a", "worker-a", "5 minutes") is True
        assert holder(conn, subscription) == "token-a"
        assert call(conn, TAKE, subscription, "token-b", "worker-b", "5 minutes") is False
        assert call(conn, TAKE, subscription, "token-a", "worker-a", "5 minutes") is False

        assert call(conn, RELEASE, subscription, "token-b") is False
        assert holder(conn, subscription) == "token-a"
        assert call(conn, RELEASE, subscription, "token-a") is True
        assert holder(conn, subscription) is None
        assert call(conn, RELEASE, subscription, "token-a") is False

        assert call(conn, TAKE, subscription, "token-b", "worker-b", "5 minutes") is True
        row = conn.execute(
            "SELECT external_worker_id, external_token_expiry > now() + interval '4 minutes' "
            "FROM xferity.workflow_event_subscriptions WHERE subscription_id = %s",
            (subscription,),
        ).fetchone()
        assert row == ("worker-b", True)


def test_unknown_subscription_is_never_taken(db: tuple[str, uuid.UUID]) -> None:
    dsn, _ = db
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert call(conn, TAKE, uuid.uuid4(), "token-a", "worker-a", "1 minute") is False
        assert call(conn, RELEASE, uuid.uuid4(), "token-a") is False


def test_bad_arguments_are_refused(db: tuple[str, uuid.UUID]) -> None:
    dsn, subscription = db
    with psycopg.connect(dsn, autocommit=True) as conn:
        for token, lease in (("", "1 minute"), (None, "1 minute"), ("t", "0 s"), ("t", "-1 s")):
            with pytest.raises(errors.InvalidParameterValue):
                call(conn, TAKE, subscription, token, "worker", lease)
        assert holder(conn, subscription) is None


def test_expired_token_can_be_taken_over(db: tuple[str, uuid.UUID]) -> None:
    dsn, subscription = db
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert call(conn, TAKE, subscription, "slow-token", "worker-slow", "1 minute")
        assert call(conn, TAKE, subscription, "fast-token", "worker-fast", "1 minute") is False
        expire_subscription_lock(conn, subscription)
        assert call(conn, TAKE, subscription, "fast-token", "worker-fast", "1 minute") is True
        # The old holder wakes up: its token no longer releases anything.
        assert call(conn, RELEASE, subscription, "slow-token") is False
        assert holder(conn, subscription) == "fast-token"


def race(
    dsn: str, subscription: uuid.UUID, gate: psycopg.Connection[tuple[object, ...]]
) -> list[str]:
    """TAKERS threads, each on its own connection, call take_subscription_lock at once.

    `gate` holds a row lock on the subscription, so every taker blocks inside its UPDATE; once
    all of them wait, the gate commits and they proceed together. Returns the winning tokens.
    """
    winners: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    connected = threading.Barrier(TAKERS + 1)

    def taker(index: int) -> None:
        token = f"token-{index}-{uuid.uuid4().hex[:8]}"
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("SET application_name = 'xferity-lock-race'")
                connected.wait(timeout=30)
                if call(conn, TAKE, subscription, token, f"worker-{index}", "1 minute") is True:
                    with lock:
                        winners.append(token)
        except BaseException as exc:
            with lock:
                failures.append(exc)

    threads = [threading.Thread(target=taker, args=(i,)) for i in range(TAKERS)]
    for thread in threads:
        thread.start()
    connected.wait(timeout=30)
    deadline = time.monotonic() + 30
    while True:
        waiting = call(
            gate,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'xferity-lock-race' AND wait_event_type = 'Lock'",
        )
        if waiting == TAKERS or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert waiting == TAKERS, "not every taker reached the row lock"
    gate.commit()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    return winners


def test_concurrent_takers_exactly_one_wins(db: tuple[str, uuid.UUID]) -> None:
    dsn, subscription = db
    with psycopg.connect(dsn) as gate, psycopg.connect(dsn, autocommit=True) as check:
        for _ in range(3):
            gate.execute(
                "SELECT 1 FROM xferity.workflow_event_subscriptions "
                "WHERE subscription_id = %s FOR UPDATE",
                (subscription,),
            )
            winners = race(dsn, subscription, gate)
            assert len(winners) == 1
            assert holder(check, subscription) == winners[0]
            assert call(check, RELEASE, subscription, winners[0]) is True


def test_concurrent_takers_of_an_expired_lock_exactly_one_wins(
    db: tuple[str, uuid.UUID],
) -> None:
    dsn, subscription = db
    with psycopg.connect(dsn) as gate, psycopg.connect(dsn, autocommit=True) as check:
        # A crashed worker left its token behind; it expired a minute ago.
        gate.execute(
            "UPDATE xferity.workflow_event_subscriptions SET external_token = 'crashed', "
            "external_worker_id = 'worker-dead', "
            "external_token_expiry = now() - interval '1 minute' "
            "WHERE subscription_id = %s",
            (subscription,),
        )
        winners = race(dsn, subscription, gate)
        assert len(winners) == 1
        assert holder(check, subscription) == winners[0]
        assert call(check, RELEASE, subscription, "crashed") is False
