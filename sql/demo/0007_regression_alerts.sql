-- Demo data for 0007 regression alerts: between the 08:00 and 09:00
-- snapshots the FTPS finding went from warning to error (acknowledged, then
-- resolved at 10:00) and a PGP key expiry warning appeared (still open).

INSERT INTO xferity.regression_alerts (
    finding_key, code, partner_id, message, previous_snapshot_id, current_snapshot_id,
    previous_severity, severity, detected_at, notified_at, acknowledged_by, acknowledged_at,
    resolved_at
)
VALUES
(
    'ftps_tls_verification_disabled|partner|acme-logistics|', 'ftps_tls_verification_disabled',
    'acme-logistics',
    'FTPS partner "acme-logistics" skips certificate verification on a production endpoint.',
    (
        SELECT s.snapshot_id FROM xferity.posture_snapshots AS s
        WHERE s.taken_at = '2025-06-02 08:00:00+00'
    ),
    (
        SELECT s.snapshot_id FROM xferity.posture_snapshots AS s
        WHERE s.taken_at = '2025-06-02 09:00:00+00'
    ),
    'warning', 'error', '2025-06-02 09:00:05+00', '2025-06-02 09:00:07+00',
    'jane.ops', '2025-06-02 09:20:41+00', '2025-06-02 10:00:05+00'
),
(
    'pgp_key_expiring_soon|asset|umbrella-pharma|pgp_key:umbrella-lab-results',
    'pgp_key_expiring_soon', 'umbrella-pharma',
    'PGP key "umbrella-lab-results" expires in 18 day(s).',
    (
        SELECT s.snapshot_id FROM xferity.posture_snapshots AS s
        WHERE s.taken_at = '2025-06-02 08:00:00+00'
    ),
    (
        SELECT s.snapshot_id FROM xferity.posture_snapshots AS s
        WHERE s.taken_at = '2025-06-02 09:00:00+00'
    ),
    NULL, 'warning', '2025-06-02 09:00:05+00', '2025-06-02 09:00:07+00', NULL, NULL, NULL
);
