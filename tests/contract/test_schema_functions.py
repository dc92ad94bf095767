"""Behaviour of the SQL functions of the feature migrations: expiring assets, suppression,
posture retention and regression detection. One migrated database per module; every test runs
in a transaction that is rolled back (so now() is fixed for the whole test)."""

from __future__ import annotations

import hashlib
from typing import Any

import psycopg
import pytest
from psycopg import errors

from tests.support.schema import Row, insert, sha


def execute(conn: psycopg.Connection[Row], query: str, *params: Any) -> list[Row]:
    cursor = conn.execute(query, params)
    return cursor.fetchall() if cursor.description else []


# --- assets_expiring_within -------------------------------------------------------------------


def certificate_expiring_in(conn: psycopg.Connection[Row], name: str, days: float) -> int:
    row = execute(
        conn,
        """
        INSERT INTO xferity.certificates (
            name, subject, issuer, serial_number, fingerprint_sha256, not_before, not_after,
            public_pem, origin
        )
        VALUES (
            %s, 'CN=' || %s, 'CN=CA', '01', %s, now() - interval '400 days',
            now() + make_interval(secs => %s * 86400), '-----BEGIN CERTIFICATE-----x', 'imported'
        )
        RETURNING certificate_id
        """,
        name,
        name,
        sha(name),
        days,
    )
    return int(row[0]["certificate_id"])


def pgp_key_expiring_in(conn: psycopg.Connection[Row], name: str, days: float | None) -> int:
    fingerprint = hashlib.sha1(name.encode()).hexdigest().upper()  # noqa: S324 - test data
    row = execute(
        conn,
        """
        INSERT INTO xferity.pgp_keys (
            name, fingerprint, key_id, capabilities, key_created_at, expires_at,
            armored_public_key
        )
        VALUES (
            %s, %s, %s, '{sign,encrypt}', now() - interval '400 days',
            now() + make_interval(secs => %s * 86400),
            '-----BEGIN PGP PUBLIC KEY BLOCK-----x'
        )
        RETURNING pgp_key_id
        """,
        name,
        fingerprint,
        fingerprint[-16:],
        days,
    )
    return int(row[0]["pgp_key_id"])


def expiring(conn: psycopg.Connection[Row], days: int) -> list[tuple[str, str, bool]]:
    rows = execute(conn, "SELECT * FROM xferity.assets_expiring_within(%s)", days)
    return [(r["asset_type"], r["asset_name"], r["expired"]) for r in rows]


def test_assets_expiring_within_lists_soonest_first(conn: psycopg.Connection[Row]) -> None:
    certificate_expiring_in(conn, "expired-cert", -3)
    soon = certificate_expiring_in(conn, "cert-in-10-days", 10)
    certificate_expiring_in(conn, "cert-in-60-days", 60)
    pgp_key_expiring_in(conn, "key-in-5-days", 5)
    pgp_key_expiring_in(conn, "key-never-expires", None)
    pgp_key_expiring_in(conn, "key-in-45-days", 45)

    assert expiring(conn, 30) == [
        ("certificate", "expired-cert", True),
        ("pgp_key", "key-in-5-days", False),
        ("certificate", "cert-in-10-days", False),
    ]
    assert expiring(conn, 0) == [("certificate", "expired-cert", True)]
    assert [name for _, name, _ in expiring(conn, 50)][-1] == "key-in-45-days"
    assert len(expiring(conn, 36500)) == 5  # a key without expiry never shows

    for partner in ("initech", "acme"):
        insert(
            conn,
            "partner_crypto_bindings",
            partner_id=partner,
            role="verification",
            asset_type="certificate",
            certificate_id=soon,
        )
    rows = execute(
        conn,
        "SELECT asset_id, partner_ids FROM xferity.assets_expiring_within(30) "
        "WHERE asset_type = 'certificate' AND NOT expired",
    )
    assert rows == [{"asset_id": soon, "partner_ids": ["acme", "initech"]}]


def test_assets_expiring_within_rejects_negative_days(conn: psycopg.Connection[Row]) -> None:
    with pytest.raises(errors.InvalidParameterValue):
        execute(conn, "SELECT * FROM xferity.assets_expiring_within(-1)")


# --- is_finding_suppressed --------------------------------------------------------------------


def suppress(conn: psycopg.Connection[Row], **values: Any) -> int:
    base = {
        "finding_code": "sftp_host_key_not_pinned",
        "scope": "partner",
        "reason": "accepted",
        "created_by": "jane",
    }
    return int(insert(conn, "suppressions", **(base | values))["suppression_id"])


def suppressed(conn: psycopg.Connection[Row], *args: Any, at: str | None = None) -> bool:
    params: list[Any] = list(args) + [None] * (5 - len(args))
    if at is None:
        rows = execute(
            conn, "SELECT xferity.is_finding_suppressed(%s, %s, %s, %s, %s) AS s", *params
        )
    else:
        rows = execute(
            conn, "SELECT xferity.is_finding_suppressed(%s, %s, %s, %s, %s, %s) AS s", *params, at
        )
    return bool(rows[0]["s"])


def test_partner_suppression_matches_only_that_partner(conn: psycopg.Connection[Row]) -> None:
    code = "sftp_host_key_not_pinned"
    assert not suppressed(conn, code, "partner", "umbrella")
    suppress(conn, partner_id="umbrella")
    assert suppressed(conn, code, "partner", "umbrella")
    assert not suppressed(conn, code, "partner", "globex")
    assert not suppressed(conn, code, "global")
    assert not suppressed(conn, "ftps_tls_verification_disabled", "partner", "umbrella")


def test_expired_revoked_and_future_suppressions_do_not_apply(
    conn: psycopg.Connection[Row],
) -> None:
    code = "sftp_host_key_not_pinned"
    suppress(
        conn,
        partner_id="expired",
        created_at="2025-01-01 00:00+00",
        expires_at="2025-02-01 00:00+00",
    )
    assert not suppressed(conn, code, "partner", "expired")
    assert suppressed(conn, code, "partner", "expired", at="2025-01-15 00:00+00")
    assert not suppressed(conn, code, "partner", "expired", at="2024-12-31 00:00+00")

    revoked = suppress(conn, partner_id="revoked")
    assert suppressed(conn, code, "partner", "revoked")
    execute(
        conn,
        "UPDATE xferity.suppressions SET revoked_at = now(), revoked_by = 'admin' "
        "WHERE suppression_id = %s",
        revoked,
    )
    assert not suppressed(conn, code, "partner", "revoked")

    suppress(conn, partner_id="open-ended", expires_at=None)
    assert suppressed(conn, code, "partner", "open-ended", at="2999-01-01 00:00+00")


def test_asset_suppression_matches_only_that_asset(conn: psycopg.Connection[Row]) -> None:
    code = "certificate_expiring_soon"
    suppress(
        conn,
        finding_code=code,
        scope="asset",
        asset_type="certificate",
        asset_id="initech-as2-2024",
    )
    assert suppressed(conn, code, "asset", "initech", "certificate", "initech-as2-2024")
    assert suppressed(conn, code, "asset", None, "certificate", "initech-as2-2024")
    assert not suppressed(conn, code, "asset", "initech", "certificate", "as2-signing-2025")
    assert not suppressed(conn, code, "asset", "initech", "pgp_key", "initech-as2-2024")
    assert not suppressed(conn, code, "asset", "initech")


def test_global_suppression(conn: psycopg.Connection[Row]) -> None:
    suppress(conn, finding_code="local_auth_enabled", scope="global")
    assert suppressed(conn, "local_auth_enabled", "global")
    assert not suppressed(conn, "local_auth_enabled", "partner", "initech")


# --- prune_posture_snapshots ------------------------------------------------------------------


def snapshot_taken(conn: psycopg.Connection[Row], age: str) -> int:
    rows = execute(
        conn,
        """
        INSERT INTO xferity.posture_snapshots (
            taken_at, total_errors, total_warnings, total_info, total_suppressed,
            health_score, report
        )
        VALUES (now() - %s::interval, 0, 0, 0, 0, 100, '{}')
        RETURNING snapshot_id
        """,
        age,
    )
    snapshot_id = int(rows[0]["snapshot_id"])
    execute(
        conn,
        """
        INSERT INTO xferity.posture_findings (
            snapshot_id, finding_key, domain, scope, severity, code, message, last_evaluated_at
        )
        VALUES (%s, 'k', 'auth', 'global', 'info', 'local_auth_enabled', 'm', now())
        """,
        snapshot_id,
    )
    return snapshot_id


def remaining_snapshots(conn: psycopg.Connection[Row]) -> list[int]:
    rows = execute(conn, "SELECT snapshot_id FROM xferity.posture_snapshots ORDER BY snapshot_id")
    return [int(r["snapshot_id"]) for r in rows]


def prune(conn: psycopg.Connection[Row], keep: str) -> int:
    return int(
        execute(conn, "SELECT xferity.prune_posture_snapshots(%s::interval) AS n", keep)[0]["n"]
    )


def test_prune_deletes_old_snapshots_and_their_findings(conn: psycopg.Connection[Row]) -> None:
    old = snapshot_taken(conn, "40 days")
    older = snapshot_taken(conn, "91 days")
    recent = snapshot_taken(conn, "2 days")
    latest = snapshot_taken(conn, "1 hour")
    assert prune(conn, "90 days") == 1
    assert remaining_snapshots(conn) == [old, recent, latest]
    assert prune(conn, "30 days") == 1
    assert remaining_snapshots(conn) == [recent, latest]
    assert prune(conn, "30 days") == 0
    findings = execute(conn, "SELECT DISTINCT snapshot_id FROM xferity.posture_findings ORDER BY 1")
    assert [r["snapshot_id"] for r in findings] == [recent, latest]
    assert older not in remaining_snapshots(conn)


def test_prune_always_keeps_the_latest_snapshot(conn: psycopg.Connection[Row]) -> None:
    snapshot_taken(conn, "10 days")
    latest = snapshot_taken(conn, "5 days")
    assert prune(conn, "1 day") == 1
    assert remaining_snapshots(conn) == [latest]


def test_prune_refuses_a_non_positive_interval(conn: psycopg.Connection[Row]) -> None:
    snapshot_taken(conn, "10 days")
    for keep in ("0 seconds", "-1 day"):
        with pytest.raises(errors.InvalidParameterValue), conn.transaction():
            prune(conn, keep)
    assert len(remaining_snapshots(conn)) == 1


# --- record_regressions -----------------------------------------------------------------------


def snapshot_with(conn: psycopg.Connection[Row], findings: dict[str, tuple[str, bool]]) -> int:
    snapshot_id = snapshot_taken(conn, "0 seconds")
    execute(conn, "DELETE FROM xferity.posture_findings WHERE snapshot_id = %s", snapshot_id)
    for key, (severity, is_suppressed) in findings.items():
        execute(
            conn,
            """
            INSERT INTO xferity.posture_findings (
                snapshot_id, finding_key, domain, scope, severity, code, message, partner_id,
                suppressed, last_evaluated_at
            )
            VALUES (%s, %s, 'transport', 'partner', %s, 'some_check', 'm', 'initech', %s, now())
            """,
            snapshot_id,
            key,
            severity,
            is_suppressed,
        )
    return snapshot_id


def test_record_regressions_opens_one_alert_per_regressed_key(
    conn: psycopg.Connection[Row],
) -> None:
    before = snapshot_with(
        conn,
        {
            "worse": ("warning", False),
            "same": ("error", False),
            "better": ("error", False),
            "was-suppressed": ("info", True),
            "gone": ("warning", False),
        },
    )
    after = snapshot_with(
        conn,
        {
            "worse": ("error", False),
            "same": ("error", False),
            "better": ("info", False),
            "was-suppressed": ("warning", False),
            "new": ("info", False),
            "new-but-suppressed": ("error", True),
        },
    )
    opened = execute(conn, "SELECT xferity.record_regressions(%s, %s) AS n", before, after)
    assert opened == [{"n": 3}]
    rows = execute(
        conn,
        "SELECT finding_key, previous_severity, severity, previous_snapshot_id, "
        "current_snapshot_id FROM xferity.regression_alerts ORDER BY finding_key",
    )
    assert [(r["finding_key"], r["previous_severity"], r["severity"]) for r in rows] == [
        ("new", None, "info"),
        ("was-suppressed", None, "warning"),
        ("worse", "warning", "error"),
    ]
    assert {(r["previous_snapshot_id"], r["current_snapshot_id"]) for r in rows} == {
        (before, after)
    }

    # Detecting again (next hourly run) opens nothing new while the alerts are open.
    assert execute(conn, "SELECT xferity.record_regressions(%s, %s) AS n", before, after) == [
        {"n": 0}
    ]
    execute(
        conn, "UPDATE xferity.regression_alerts SET resolved_at = now() WHERE finding_key = 'new'"
    )
    assert execute(conn, "SELECT xferity.record_regressions(%s, %s) AS n", before, after) == [
        {"n": 1}
    ]
