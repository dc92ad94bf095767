"""Constraints and cascades of the feature tables (migrations 0002-0010), on a real server.

Every rejection asserts its SQLSTATE class (psycopg.errors.*), not just "some error". The tests
share one migrated database per module; each test runs in a transaction that is rolled back, and
each statement expected to fail runs in its own savepoint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.rows import dict_row

from tests.support.schema import Row, insert, sha


def rejects(
    conn: psycopg.Connection[Row],
    error: type[psycopg.Error] | tuple[type[psycopg.Error], ...],
    action: Callable[[], object],
) -> psycopg.Error:
    """Run `action` in a savepoint and assert it fails with `error` (an SQLSTATE class)."""
    with pytest.raises(error) as caught, conn.transaction():
        action()
    return caught.value


def count(conn: psycopg.Connection[Row], query: str, *params: Any) -> int:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return int(next(iter(row.values())))


# --- builders: one valid row per table, any column overridable ---------------------------------


def run(conn: psycopg.Connection[Row], **values: Any) -> Row:
    base = {"flow_name": "acme-invoices", "correlation_id": "corr-1", "trigger_type": "schedule"}
    return insert(conn, "flow_runs", **(base | values))


def user(conn: psycopg.Connection[Row], **values: Any) -> Row:
    return insert(conn, "auth_users", **({"username": "jane", "role": "operator"} | values))


def session(conn: psycopg.Connection[Row], user_id: int, token: str, **values: Any) -> Row:
    base = {
        "token_sha256": sha(token),
        "user_id": user_id,
        "expires_at": datetime.now(UTC) + timedelta(hours=1),
    }
    return insert(conn, "auth_sessions", **(base | values))


def certificate(conn: psycopg.Connection[Row], name: str = "as2-signing", **values: Any) -> Row:
    base = {
        "name": name,
        "subject": f"CN={name}",
        "issuer": "CN=Example CA",
        "serial_number": "0a1b",
        "fingerprint_sha256": sha(name),
        "not_before": "2025-01-01 00:00:00+00",
        "not_after": "2026-01-01 00:00:00+00",
        "public_pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "origin": "imported",
    }
    return insert(conn, "certificates", **(base | values))


def pgp_key(conn: psycopg.Connection[Row], name: str = "partner-key", **values: Any) -> Row:
    fingerprint = hashlib.sha1(name.encode()).hexdigest().upper()  # noqa: S324 - demo fingerprint
    base = {
        "name": name,
        "fingerprint": fingerprint,
        "key_id": fingerprint[-16:],
        "user_ids": ["Partner <edi@partner.example>"],
        "capabilities": ["certify", "sign", "encrypt"],
        "key_created_at": "2024-01-01 00:00:00+00",
        "armored_public_key": (
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQIN\n-----END PGP PUBLIC KEY BLOCK-----"
        ),
    }
    return insert(conn, "pgp_keys", **(base | values))


def as2_message(conn: psycopg.Connection[Row], message_id: str = "m1@as2", **values: Any) -> Row:
    base = {
        "as2_message_id": message_id,
        "direction": "outbound",
        "partner_id": "initech",
        "as2_from": "EXAMPLECORP",
        "as2_to": "INITECH",
        "size_bytes": 10,
        "content_sha256": sha(message_id),
        "signed": True,
        "encrypted": True,
        "compressed": False,
        "status": "sent",
        "mdn_mode": "sync",
    }
    return insert(conn, "as2_messages", **(base | values))


def snapshot(conn: psycopg.Connection[Row], **values: Any) -> Row:
    base = {
        "total_errors": 0,
        "total_warnings": 1,
        "total_info": 0,
        "total_suppressed": 0,
        "health_score": 90,
        "report": '{"checks": []}',
    }
    return insert(conn, "posture_snapshots", **(base | values))


def finding(conn: psycopg.Connection[Row], snapshot_id: int, key: str, **values: Any) -> Row:
    base = {
        "snapshot_id": snapshot_id,
        "finding_key": key,
        "domain": "transport",
        "scope": "partner",
        "severity": "warning",
        "code": "sftp_host_key_not_pinned",
        "message": "host key not pinned",
        "partner_id": "umbrella",
        "last_evaluated_at": "2025-06-02 09:00:00+00",
    }
    return insert(conn, "posture_findings", **(base | values))


def alert(conn: psycopg.Connection[Row], key: str = "k1", **values: Any) -> Row:
    base = {
        "finding_key": key,
        "code": "sftp_host_key_not_pinned",
        "message": "m",
        "severity": "error",
    }
    return insert(conn, "regression_alerts", **(base | values))


def suppression(conn: psycopg.Connection[Row], **values: Any) -> Row:
    base = {
        "finding_code": "sftp_host_key_not_pinned",
        "scope": "partner",
        "partner_id": "umbrella",
        "reason": "accepted until the Q3 migration",
        "created_by": "jane",
    }
    return insert(conn, "suppressions", **(base | values))


def secret(conn: psycopg.Connection[Row], name: str = "sftp-password", **values: Any) -> Row:
    base = {
        "name": name,
        "ciphertext": bytes(range(40)),
        "nonce": hashlib.sha256(name.encode()).digest()[:12],
        "key_version": 1,
    }
    return insert(conn, "vault_secrets", **(base | values))


def workflow(conn: psycopg.Connection[Row], **values: Any) -> Row:
    return insert(
        conn, "workflow_instances", **({"definition_id": "as2-outbound", "version": 1} | values)
    )


def pointer(conn: psycopg.Connection[Row], workflow_id: Any, **values: Any) -> Row:
    base = {"workflow_id": workflow_id, "step_id": 0}
    return insert(conn, "workflow_execution_pointers", **(base | values))


# --- 0002 flow runs ---------------------------------------------------------------------------


def test_flow_run_rejects_unknown_status_and_trigger(conn: psycopg.Connection[Row]) -> None:
    rejects(conn, errors.CheckViolation, lambda: run(conn, status="done"))
    rejects(conn, errors.CheckViolation, lambda: run(conn, trigger_type="cron-ish"))
    rejects(conn, errors.CheckViolation, lambda: run(conn, attempt=0))
    rejects(conn, errors.CheckViolation, lambda: run(conn, retry_count=-1))


def test_failed_and_dead_letter_runs_need_an_error_code(conn: psycopg.Connection[Row]) -> None:
    rejects(conn, errors.CheckViolation, lambda: run(conn, status="dead_letter"))
    rejects(conn, errors.CheckViolation, lambda: run(conn, status="failed"))
    assert run(conn, status="failed", error_code="sftp_timeout")["status"] == "failed"


def test_run_finish_cannot_precede_start(conn: psycopg.Connection[Row]) -> None:
    err = rejects(
        conn,
        errors.CheckViolation,
        lambda: run(
            conn,
            status="committed",
            queued_at="2025-06-02 08:00:00+00",
            started_at="2025-06-02 08:00:05+00",
            finished_at="2025-06-02 08:00:01+00",
        ),
    )
    assert err.diag.constraint_name == "flow_runs_finished_after_started_check"


def test_status_follows_the_lifecycle(conn: psycopg.Connection[Row]) -> None:
    run_id = run(conn)["run_id"]
    path = ["running", "failed", "retry", "running", "committed"]
    for status in path:
        conn.execute(
            "UPDATE xferity.flow_runs SET status = %s, error_code = 'e' WHERE run_id = %s",
            (status, run_id),
        )
    err = rejects(
        conn,
        errors.CheckViolation,
        lambda: conn.execute(
            "UPDATE xferity.flow_runs SET status = 'running' WHERE run_id = %s", (run_id,)
        ),
    )
    assert "committed cannot change to running" in str(err)

    skipped = run(conn, status="skipped")["run_id"]
    rejects(
        conn,
        errors.CheckViolation,
        lambda: conn.execute(
            "UPDATE xferity.flow_runs SET status = 'queued' WHERE run_id = %s", (skipped,)
        ),
    )
    dead = run(conn, status="dead_letter", error_code="e")["run_id"]
    conn.execute("UPDATE xferity.flow_runs SET status = 'retry' WHERE run_id = %s", (dead,))
    queued = run(conn)["run_id"]
    rejects(
        conn,
        errors.CheckViolation,
        lambda: conn.execute(
            "UPDATE xferity.flow_runs SET status = 'committed' WHERE run_id = %s", (queued,)
        ),
    )


def test_file_outcomes_are_checked(conn: psycopg.Connection[Row]) -> None:
    run_id = run(conn)["run_id"]

    def file(**values: Any) -> Row:
        base = {
            "run_id": run_id,
            "file_name": "a.csv",
            "outcome": "success",
            "content_sha256": sha("a"),
        }
        return insert(conn, "flow_run_files", **(base | values))

    file()
    rejects(conn, errors.CheckViolation, lambda: file(outcome="partial"))
    rejects(conn, errors.CheckViolation, lambda: file(content_sha256=sha("a").upper()))
    rejects(conn, errors.CheckViolation, lambda: file(content_sha256=None))
    rejects(conn, errors.CheckViolation, lambda: file(outcome="failure"))
    rejects(conn, errors.CheckViolation, lambda: file(size_bytes=-1))
    file(outcome="failure", error_message="connection reset", content_sha256=None)
    rejects(
        conn,
        errors.ForeignKeyViolation,
        lambda: file(run_id="00000000-0000-0000-0000-000000000000"),
    )


def test_idempotency_is_unique_per_flow_and_content(conn: psycopg.Connection[Row]) -> None:
    insert(conn, "flow_idempotency", flow_name="acme", content_sha256=sha("x"))
    insert(conn, "flow_idempotency", flow_name="globex", content_sha256=sha("x"))
    err = rejects(
        conn,
        errors.UniqueViolation,
        lambda: insert(conn, "flow_idempotency", flow_name="acme", content_sha256=sha("x")),
    )
    assert err.diag.constraint_name == "flow_idempotency_flow_name_content_sha256_key"
    rejects(
        conn,
        errors.CheckViolation,
        lambda: insert(conn, "flow_idempotency", flow_name="acme", content_sha256="abc"),
    )


def test_deleting_a_run_deletes_its_files_and_keeps_idempotency(
    conn: psycopg.Connection[Row],
) -> None:
    run_id = run(conn)["run_id"]
    insert(
        conn,
        "flow_run_files",
        run_id=run_id,
        file_name="a",
        outcome="success",
        content_sha256=sha("a"),
    )
    insert(conn, "flow_idempotency", flow_name="acme", content_sha256=sha("a"), run_id=run_id)
    conn.execute("DELETE FROM xferity.flow_runs WHERE run_id = %s", (run_id,))
    assert count(conn, "SELECT count(*) FROM xferity.flow_run_files") == 0
    row = conn.execute("SELECT run_id FROM xferity.flow_idempotency").fetchone()
    assert row == {"run_id": None}


# --- 0003 auth --------------------------------------------------------------------------------


def test_user_is_either_local_or_oidc(conn: psycopg.Connection[Row]) -> None:
    issuer = "https://login.example.com"
    rejects(
        conn,
        errors.CheckViolation,
        lambda: user(conn, username="x", oidc_issuer=issuer, oidc_subject="s"),
    )
    rejects(conn, errors.CheckViolation, lambda: user(conn, username=None))
    rejects(
        conn,
        errors.CheckViolation,
        lambda: user(conn, username=None, oidc_issuer=issuer, oidc_subject=None),
    )
    user(conn, username=None, oidc_issuer=issuer, oidc_subject="s-1")


def test_usernames_and_oidc_identities_are_unique(conn: psycopg.Connection[Row]) -> None:
    issuer = "https://login.example.com"
    user(conn, username="jane")
    rejects(conn, errors.UniqueViolation, lambda: user(conn, username="jane"))
    user(conn, username=None, oidc_issuer=issuer, oidc_subject="s-1")
    rejects(
        conn,
        errors.UniqueViolation,
        lambda: user(conn, username=None, oidc_issuer=issuer, oidc_subject="s-1"),
    )
    user(conn, username=None, oidc_issuer="https://other.example.com", oidc_subject="s-1")


def test_user_role_and_password_hash_are_checked(conn: psycopg.Connection[Row]) -> None:
    rejects(conn, errors.CheckViolation, lambda: user(conn, role="superuser"))
    rejects(conn, errors.CheckViolation, lambda: user(conn, password_hash="hunter2"))
    user(conn, password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")


def test_session_stores_only_a_token_hash(conn: psycopg.Connection[Row]) -> None:
    user_id = user(conn)["user_id"]
    err = rejects(
        conn,
        errors.CheckViolation,
        lambda: session(conn, user_id, "t", token_sha256="raw-bearer-token-value"),
    )
    assert err.diag.constraint_name == "auth_sessions_token_sha256_check"
    session(conn, user_id, "t")
    rejects(conn, errors.UniqueViolation, lambda: session(conn, user_id, "t"))
    rejects(
        conn,
        errors.CheckViolation,
        lambda: session(conn, user_id, "u", created_at="2025-06-02", expires_at="2025-06-01"),
    )
    columns = {
        r["attname"]
        for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'xferity.auth_sessions'::regclass "
            "AND attnum > 0 AND NOT attisdropped"
        )
    }
    assert not any("token" in c and c != "token_sha256" for c in columns)


def lookup(conn: psycopg.Connection[Row], token: str) -> list[Row]:
    return conn.execute("SELECT * FROM xferity.find_live_session(%s)", (sha(token),)).fetchall()


def test_find_live_session_refuses_expired_revoked_and_disabled(
    conn: psycopg.Connection[Row],
) -> None:
    jane = user(conn)["user_id"]
    bob = user(conn, username="bob", role="admin")["user_id"]
    live = session(conn, jane, "live")["session_id"]
    session(
        conn,
        jane,
        "expired",
        created_at="2025-01-01 00:00:00+00",
        last_seen_at="2025-01-01 00:00:00+00",
        expires_at="2025-01-01 01:00:00+00",
    )
    revoked = session(conn, jane, "revoked")["session_id"]
    conn.execute(
        "UPDATE xferity.auth_sessions SET revoked_at = now() WHERE session_id = %s", (revoked,)
    )
    session(conn, bob, "bob")

    assert [(r["session_id"], r["user_id"], r["role"]) for r in lookup(conn, "live")] == [
        (live, jane, "operator")
    ]
    assert lookup(conn, "expired") == []
    assert lookup(conn, "revoked") == []
    assert lookup(conn, "no-such-token") == []
    assert len(lookup(conn, "bob")) == 1
    conn.execute("UPDATE xferity.auth_users SET disabled = TRUE WHERE user_id = %s", (bob,))
    assert lookup(conn, "bob") == []


def test_session_lookup_after_its_expiry_returns_nothing(migrated_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True, row_factory=dict_row) as conn:
        user_id = user(conn)["user_id"]
        session(conn, user_id, "short", expires_at=datetime.now(UTC) + timedelta(seconds=1))
        assert len(lookup(conn, "short")) == 1
        # An hour passes for this session (its times move back; no wall-clock wait).
        conn.execute(
            "UPDATE xferity.auth_sessions SET created_at = created_at - interval '1 hour', "
            "last_seen_at = last_seen_at - interval '1 hour', "
            "expires_at = expires_at - interval '1 hour' WHERE token_sha256 = %s",
            (sha("short"),),
        )
        assert lookup(conn, "short") == []


def test_deleting_a_user_deletes_its_sessions(conn: psycopg.Connection[Row]) -> None:
    user_id = user(conn)["user_id"]
    session(conn, user_id, "a")
    session(conn, user_id, "b")
    conn.execute("DELETE FROM xferity.auth_users WHERE user_id = %s", (user_id,))
    assert count(conn, "SELECT count(*) FROM xferity.auth_sessions") == 0


def test_expired_session_cleanup_uses_the_expiry_index(conn: psycopg.Connection[Row]) -> None:
    user_id = user(conn)["user_id"]
    session(
        conn,
        user_id,
        "old",
        created_at="2025-01-01 00:00:00+00",
        last_seen_at="2025-01-01 00:00:00+00",
        expires_at="2025-01-02 00:00:00+00",
    )
    session(conn, user_id, "new")
    conn.execute("SET LOCAL enable_seqscan = off")
    plan = "\n".join(
        str(next(iter(r.values())))
        for r in conn.execute("EXPLAIN DELETE FROM xferity.auth_sessions WHERE expires_at < now()")
    )
    assert "auth_sessions_expires_at_idx" in plan
    assert count(conn, "SELECT xferity.delete_dead_sessions()") == 1
    assert [
        r["token_sha256"] for r in conn.execute("SELECT token_sha256 FROM xferity.auth_sessions")
    ] == [sha("new")]


# --- 0004 crypto inventory --------------------------------------------------------------------


def test_certificate_fingerprint_is_unique_and_well_formed(conn: psycopg.Connection[Row]) -> None:
    certificate(conn, "a")
    err = rejects(
        conn, errors.UniqueViolation, lambda: certificate(conn, "b", fingerprint_sha256=sha("a"))
    )
    assert err.diag.constraint_name == "certificates_fingerprint_sha256_key"
    rejects(
        conn, errors.UniqueViolation, lambda: certificate(conn, "a", fingerprint_sha256=sha("z"))
    )
    rejects(
        conn,
        errors.CheckViolation,
        lambda: certificate(conn, "c", fingerprint_sha256=sha("c").upper()),
    )


def test_certificate_fields_are_checked(conn: psycopg.Connection[Row]) -> None:
    rejects(conn, errors.CheckViolation, lambda: certificate(conn, origin="stolen"))
    rejects(
        conn,
        errors.CheckViolation,
        lambda: certificate(conn, not_before="2026-01-01", not_after="2025-01-01"),
    )
    rejects(conn, errors.CheckViolation, lambda: certificate(conn, public_pem="MIIB..."))
    rejects(conn, errors.NotNullViolation, lambda: certificate(conn, not_after=None))


def test_private_keys_appear_only_as_references(conn: psycopg.Connection[Row]) -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"
    rejects(conn, errors.CheckViolation, lambda: certificate(conn, private_key_ref=pem))
    rejects(conn, errors.CheckViolation, lambda: pgp_key(conn, private_key_ref=pem))
    rejects(conn, errors.CheckViolation, lambda: certificate(conn, private_key_ref="no scheme"))
    certificate(conn, "own", private_key_ref="local-vault:own-key")
    pgp_key(conn, "own", private_key_ref="local-vault:own-pgp")


def test_pgp_key_constraints(conn: psycopg.Connection[Row]) -> None:
    key = pgp_key(conn, "a")
    rejects(
        conn,
        errors.UniqueViolation,
        lambda: pgp_key(conn, "b", fingerprint=key["fingerprint"], key_id=key["key_id"]),
    )
    rejects(conn, errors.CheckViolation, lambda: pgp_key(conn, "c", key_id="0123456789ABCDEF"))
    rejects(conn, errors.CheckViolation, lambda: pgp_key(conn, "d", capabilities=["sign", "fly"]))
    rejects(conn, errors.CheckViolation, lambda: pgp_key(conn, "e", capabilities=[]))
    rejects(
        conn,
        errors.CheckViolation,
        lambda: pgp_key(conn, "f", fingerprint=hashlib.sha1(b"f").hexdigest()),  # noqa: S324
    )
    rejects(
        conn,
        errors.CheckViolation,
        lambda: pgp_key(conn, "g", key_created_at="2025-01-01", expires_at="2024-01-01"),
    )


def bind(conn: psycopg.Connection[Row], **values: Any) -> Row:
    return insert(conn, "partner_crypto_bindings", **({"partner_id": "initech"} | values))


def test_binding_constraints(conn: psycopg.Connection[Row]) -> None:
    cert = certificate(conn)["certificate_id"]
    key = pgp_key(conn)["pgp_key_id"]
    row = bind(conn, role="signing", asset_type="certificate", certificate_id=cert)
    assert row["asset_id"] == cert
    assert bind(conn, role="encryption", asset_type="pgp_key", pgp_key_id=key)["asset_id"] == key
    rejects(
        conn,
        errors.CheckViolation,
        lambda: bind(conn, role="notarize", asset_type="certificate", certificate_id=cert),
    )
    rejects(
        conn,
        errors.CheckViolation,
        lambda: bind(conn, role="signing", asset_type="certificate", pgp_key_id=key),
    )
    rejects(
        conn,
        errors.CheckViolation,
        lambda: bind(
            conn, role="signing", asset_type="certificate", certificate_id=cert, pgp_key_id=key
        ),
    )
    rejects(
        conn,
        errors.CheckViolation,
        lambda: bind(conn, role="tls_client", asset_type="pgp_key", pgp_key_id=key),
    )
    rejects(
        conn,
        errors.UniqueViolation,
        lambda: bind(conn, role="signing", asset_type="certificate", certificate_id=cert),
    )
    rejects(
        conn,
        errors.ForeignKeyViolation,
        lambda: bind(
            conn, role="verification", asset_type="certificate", certificate_id=cert + 999
        ),
    )


def test_bound_assets_cannot_be_deleted(conn: psycopg.Connection[Row]) -> None:
    cert = certificate(conn)["certificate_id"]
    key = pgp_key(conn)["pgp_key_id"]
    bind(conn, role="tls_server", asset_type="certificate", certificate_id=cert)
    bind(conn, role="decryption", asset_type="pgp_key", pgp_key_id=key)
    # ON DELETE RESTRICT reports 23001 on recent servers, 23503 on older ones.
    restricted = (errors.RestrictViolation, errors.ForeignKeyViolation)
    err = rejects(
        conn,
        restricted,
        lambda: conn.execute("DELETE FROM xferity.certificates WHERE certificate_id = %s", (cert,)),
    )
    assert err.diag.constraint_name == "partner_crypto_bindings_certificate_id_fkey"
    err = rejects(
        conn,
        restricted,
        lambda: conn.execute("DELETE FROM xferity.pgp_keys WHERE pgp_key_id = %s", (key,)),
    )
    assert err.diag.constraint_name == "partner_crypto_bindings_pgp_key_id_fkey"
    conn.execute("DELETE FROM xferity.partner_crypto_bindings")
    conn.execute("DELETE FROM xferity.certificates WHERE certificate_id = %s", (cert,))
    conn.execute("DELETE FROM xferity.pgp_keys WHERE pgp_key_id = %s", (key,))


# --- 0005 AS2 ---------------------------------------------------------------------------------


def test_as2_message_id_is_unique_per_direction(conn: psycopg.Connection[Row]) -> None:
    as2_message(conn, "id-1@partner", direction="outbound")
    as2_message(conn, "id-1@partner", direction="inbound")
    err = rejects(
        conn, errors.UniqueViolation, lambda: as2_message(conn, "id-1@partner", direction="inbound")
    )
    assert err.diag.constraint_name == "as2_messages_as2_message_id_direction_key"
    rejects(conn, errors.CheckViolation, lambda: as2_message(conn, "id-2", direction="sideways"))


def test_as2_message_fields_are_checked(conn: psycopg.Connection[Row]) -> None:
    rejects(conn, errors.CheckViolation, lambda: as2_message(conn, status="lost"))
    rejects(conn, errors.CheckViolation, lambda: as2_message(conn, mdn_mode="maybe"))
    rejects(conn, errors.CheckViolation, lambda: as2_message(conn, mdn_mode="async"))
    rejects(
        conn,
        errors.CheckViolation,
        lambda: as2_message(conn, mdn_mode="sync", async_return_url="https://mft.example.com/mdn"),
    )
    rejects(
        conn,
        errors.CheckViolation,
        lambda: as2_message(conn, mdn_mode="async", async_return_url="ftp://mft.example.com/mdn"),
    )
    rejects(conn, errors.CheckViolation, lambda: as2_message(conn, mic="abc="))
    rejects(
        conn, errors.CheckViolation, lambda: as2_message(conn, mic="abc=", mic_algorithm="crc32")
    )
    as2_message(
        conn,
        mic="abc=",
        mic_algorithm="sha-256",
        mdn_mode="async",
        async_return_url="https://mft.example.com/as2/mdn",
    )


def mdn(conn: psycopg.Connection[Row], message_id: int, **values: Any) -> Row:
    base = {
        "message_id": message_id,
        "disposition": "automatic-action/MDN-sent-automatically; processed",
        "outcome": "processed",
        "signed": True,
        "signature_verified": True,
    }
    return insert(conn, "as2_mdns", **(base | values))


def test_one_mdn_per_message_and_its_checks(conn: psycopg.Connection[Row]) -> None:
    message = as2_message(conn)["message_id"]
    rejects(conn, errors.CheckViolation, lambda: mdn(conn, message, signed=False))
    rejects(conn, errors.CheckViolation, lambda: mdn(conn, message, outcome="maybe"))
    rejects(conn, errors.CheckViolation, lambda: mdn(conn, message, received_mic="abc="))
    mdn(conn, message, received_mic="abc=", received_mic_algorithm="sha-256")
    rejects(conn, errors.UniqueViolation, lambda: mdn(conn, message))


def test_as2_cascades(conn: psycopg.Connection[Row]) -> None:
    run_id = run(conn)["run_id"]
    message = as2_message(conn, run_id=run_id)["message_id"]
    mdn(conn, message)
    conn.execute("DELETE FROM xferity.flow_runs WHERE run_id = %s", (run_id,))
    assert conn.execute("SELECT run_id FROM xferity.as2_messages").fetchall() == [{"run_id": None}]
    assert count(conn, "SELECT count(*) FROM xferity.as2_mdns") == 1
    conn.execute("DELETE FROM xferity.as2_messages WHERE message_id = %s", (message,))
    assert count(conn, "SELECT count(*) FROM xferity.as2_mdns") == 0


# --- 0006 posture snapshots -------------------------------------------------------------------


def test_snapshot_constraints(conn: psycopg.Connection[Row]) -> None:
    rejects(conn, errors.CheckViolation, lambda: snapshot(conn, health_score=101))
    rejects(conn, errors.CheckViolation, lambda: snapshot(conn, total_errors=-1))
    rejects(conn, errors.CheckViolation, lambda: snapshot(conn, report='[{"code": "x"}]'))
    rejects(conn, errors.NotNullViolation, lambda: snapshot(conn, report=None))


def test_finding_constraints(conn: psycopg.Connection[Row]) -> None:
    snap = snapshot(conn)["snapshot_id"]
    finding(conn, snap, "k1")
    err = rejects(conn, errors.UniqueViolation, lambda: finding(conn, snap, "k1"))
    assert err.diag.constraint_name == "posture_findings_snapshot_id_finding_key_key"
    rejects(conn, errors.CheckViolation, lambda: finding(conn, snap, "k2", domain="network"))
    rejects(conn, errors.CheckViolation, lambda: finding(conn, snap, "k3", severity="critical"))
    rejects(conn, errors.CheckViolation, lambda: finding(conn, snap, "k4", scope="planet"))
    rejects(
        conn, errors.CheckViolation, lambda: finding(conn, snap, "k5", asset_type="certificate")
    )
    rejects(conn, errors.CheckViolation, lambda: finding(conn, snap, "k6", code="Not Snake"))
    finding(conn, snapshot(conn)["snapshot_id"], "k1")  # same key, another snapshot


def test_deleting_a_snapshot_deletes_its_findings(conn: psycopg.Connection[Row]) -> None:
    snap = snapshot(conn)["snapshot_id"]
    finding(conn, snap, "k1")
    finding(conn, snap, "k2")
    conn.execute("DELETE FROM xferity.posture_snapshots WHERE snapshot_id = %s", (snap,))
    assert count(conn, "SELECT count(*) FROM xferity.posture_findings") == 0


# --- 0007 regression alerts -------------------------------------------------------------------


def test_at_most_one_open_alert_per_finding_key(conn: psycopg.Connection[Row]) -> None:
    first = alert(conn, "k1")["alert_id"]
    alert(conn, "k2")
    err = rejects(conn, errors.UniqueViolation, lambda: alert(conn, "k1"))
    assert err.diag.constraint_name == "regression_alerts_open_finding_key_key"
    conn.execute(
        "UPDATE xferity.regression_alerts SET resolved_at = now() WHERE alert_id = %s", (first,)
    )
    alert(conn, "k1")
    rejects(conn, errors.UniqueViolation, lambda: alert(conn, "k1"))
    assert (
        count(conn, "SELECT count(*) FROM xferity.regression_alerts WHERE finding_key = 'k1'") == 2
    )


def test_alert_must_be_a_regression(conn: psycopg.Connection[Row]) -> None:
    rejects(
        conn,
        errors.CheckViolation,
        lambda: alert(conn, previous_severity="error", severity="warning"),
    )
    rejects(
        conn,
        errors.CheckViolation,
        lambda: alert(conn, previous_severity="warning", severity="warning"),
    )
    rejects(conn, errors.CheckViolation, lambda: alert(conn, severity="fatal"))
    alert(conn, "k1", previous_severity="info", severity="warning")
    alert(conn, "k2", previous_severity=None, severity="info")


def test_acknowledgement_needs_who_and_when(conn: psycopg.Connection[Row]) -> None:
    rejects(conn, errors.CheckViolation, lambda: alert(conn, acknowledged_by="jane"))
    rejects(conn, errors.CheckViolation, lambda: alert(conn, acknowledged_at="2030-01-01"))
    rejects(
        conn,
        errors.CheckViolation,
        lambda: alert(conn, detected_at="2025-06-02 10:00+00", resolved_at="2025-06-02 09:00+00"),
    )


def test_snapshot_retention_keeps_alert_history(conn: psycopg.Connection[Row]) -> None:
    before = snapshot(conn)["snapshot_id"]
    after = snapshot(conn)["snapshot_id"]
    alert(conn, previous_snapshot_id=before, current_snapshot_id=after)
    rejects(
        conn,
        errors.CheckViolation,
        lambda: alert(conn, "k2", previous_snapshot_id=after, current_snapshot_id=after),
    )
    conn.execute("DELETE FROM xferity.posture_snapshots")
    rows = conn.execute(
        "SELECT previous_snapshot_id, current_snapshot_id FROM xferity.regression_alerts"
    ).fetchall()
    assert rows == [{"previous_snapshot_id": None, "current_snapshot_id": None}]


# --- 0008 suppressions ------------------------------------------------------------------------


def test_suppression_constraints(conn: psycopg.Connection[Row]) -> None:
    rejects(conn, errors.CheckViolation, lambda: suppression(conn, reason="   "))
    rejects(conn, errors.CheckViolation, lambda: suppression(conn, partner_id=None))
    rejects(conn, errors.CheckViolation, lambda: suppression(conn, scope="global"))
    rejects(conn, errors.CheckViolation, lambda: suppression(conn, scope="asset", partner_id=None))
    rejects(conn, errors.CheckViolation, lambda: suppression(conn, asset_type="certificate"))
    rejects(
        conn,
        errors.CheckViolation,
        lambda: suppression(conn, created_at="2025-06-02", expires_at="2025-06-01"),
    )
    rejects(conn, errors.CheckViolation, lambda: suppression(conn, revoked_at="2030-01-01"))
    rejects(conn, errors.NotNullViolation, lambda: suppression(conn, created_by=None))
    suppression(conn, scope="global", partner_id=None)


# --- 0009 vault secrets -----------------------------------------------------------------------


def test_vault_secret_constraints(conn: psycopg.Connection[Row]) -> None:
    first = secret(conn, "a")
    assert first["algorithm"] == "AES-256-GCM"
    rejects(conn, errors.UniqueViolation, lambda: secret(conn, "a", nonce=b"\x01" * 12))
    err = rejects(conn, errors.UniqueViolation, lambda: secret(conn, "b", nonce=first["nonce"]))
    assert err.diag.constraint_name == "vault_secrets_key_version_nonce_key"
    secret(conn, "b", nonce=first["nonce"], key_version=2)
    rejects(conn, errors.CheckViolation, lambda: secret(conn, "c", algorithm="AES-128-CBC"))
    rejects(conn, errors.CheckViolation, lambda: secret(conn, "d", nonce=b"\x02" * 16))
    rejects(conn, errors.CheckViolation, lambda: secret(conn, "e", ciphertext=b"short"))
    rejects(conn, errors.CheckViolation, lambda: secret(conn, "f", key_version=0))
    rejects(conn, errors.CheckViolation, lambda: secret(conn, "bad name"))


# --- 0010 workflows ---------------------------------------------------------------------------


def test_workflow_constraints(conn: psycopg.Connection[Row]) -> None:
    rejects(conn, errors.CheckViolation, lambda: workflow(conn, status="paused"))
    rejects(conn, errors.CheckViolation, lambda: workflow(conn, status="complete"))
    rejects(conn, errors.CheckViolation, lambda: workflow(conn, version=0))
    wf = workflow(conn)["workflow_id"]
    rejects(conn, errors.CheckViolation, lambda: pointer(conn, wf, status="zombie"))
    rejects(conn, errors.CheckViolation, lambda: pointer(conn, wf, children='{"a": 1}'))
    rejects(conn, errors.CheckViolation, lambda: pointer(conn, wf, event_key="k"))
    rejects(conn, errors.CheckViolation, lambda: pointer(conn, wf, retry_count=-1))
    rejects(
        conn,
        errors.ForeignKeyViolation,
        lambda: pointer(conn, "00000000-0000-0000-0000-000000000000"),
    )


def subscribe(conn: psycopg.Connection[Row], wf: Any, ptr: Any, **values: Any) -> Row:
    base = {
        "workflow_id": wf,
        "step_id": 1,
        "execution_pointer_id": ptr,
        "event_name": "as2.mdn_received",
        "event_key": "m1",
        "subscribe_as_of": "2025-06-02 10:00:00+00",
    }
    return insert(conn, "workflow_event_subscriptions", **(base | values))


def test_subscription_token_columns_go_together(conn: psycopg.Connection[Row]) -> None:
    wf = workflow(conn)["workflow_id"]
    ptr = pointer(conn, wf)["pointer_id"]
    rejects(conn, errors.CheckViolation, lambda: subscribe(conn, wf, ptr, external_token="t"))
    rejects(
        conn,
        errors.CheckViolation,
        lambda: subscribe(conn, wf, ptr, external_token_expiry="2030-01-01"),
    )
    rejects(conn, errors.CheckViolation, lambda: subscribe(conn, wf, ptr, external_worker_id="w1"))
    subscribe(conn, wf, ptr, external_token="t", external_token_expiry="2030-01-01")


def test_deleting_a_workflow_deletes_its_state(conn: psycopg.Connection[Row]) -> None:
    wf = workflow(conn)["workflow_id"]
    first = pointer(conn, wf)["pointer_id"]
    second = pointer(conn, wf, step_id=1, predecessor_id=first)["pointer_id"]
    subscribe(conn, wf, second)
    insert(
        conn, "workflow_execution_errors", workflow_id=wf, execution_pointer_id=first, message="x"
    )
    insert(conn, "workflow_events", event_name="as2.mdn_received", event_key="m1")

    conn.execute("DELETE FROM xferity.workflow_execution_pointers WHERE pointer_id = %s", (first,))
    assert conn.execute(
        "SELECT execution_pointer_id FROM xferity.workflow_execution_errors"
    ).fetchall() == [{"execution_pointer_id": None}]
    assert conn.execute(
        "SELECT predecessor_id FROM xferity.workflow_execution_pointers"
    ).fetchall() == [{"predecessor_id": None}]

    conn.execute("DELETE FROM xferity.workflow_instances WHERE workflow_id = %s", (wf,))
    for table in (
        "workflow_execution_pointers",
        "workflow_event_subscriptions",
        "workflow_execution_errors",
    ):
        query = sql.SQL("SELECT count(*) FROM xferity.{}").format(sql.Identifier(table))
        assert conn.execute(query).fetchone() == {"count": 0}, table
    assert count(conn, "SELECT count(*) FROM xferity.workflow_events") == 1


def test_scheduled_commands_are_unique_and_upserted(conn: psycopg.Connection[Row]) -> None:
    schedule = "SELECT xferity.schedule_command(%s, %s, %s) AS id"
    first = conn.execute(schedule, ("ProcessWorkflow", "wf-1", "2025-06-02 10:00+00")).fetchone()
    again = conn.execute(schedule, ("ProcessWorkflow", "wf-1", "2025-06-02 11:00+00")).fetchone()
    other = conn.execute(schedule, ("ProcessEvent", "wf-1", "2025-06-02 12:00+00")).fetchone()
    assert first == again != other
    rows = conn.execute(
        "SELECT command_name, execute_time::text AS at FROM xferity.workflow_scheduled_commands "
        "ORDER BY command_id"
    ).fetchall()
    assert [r["command_name"] for r in rows] == ["ProcessWorkflow", "ProcessEvent"]
    assert rows[0]["at"].startswith("2025-06-02 11:00:00")
    rejects(
        conn,
        errors.UniqueViolation,
        lambda: insert(
            conn,
            "workflow_scheduled_commands",
            command_name="ProcessEvent",
            data="wf-1",
            execute_time="2025-06-03",
        ),
    )
