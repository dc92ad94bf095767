-- Demo data for 0006 posture snapshots: three hourly snapshots in which an
-- FTPS finding regresses from warning to error and back, and a PGP key
-- expiry warning appears. Each snapshot's report is rebuilt from its
-- findings at the end, so report and rows agree.

INSERT INTO xferity.posture_snapshots (
    taken_at, total_errors, total_warnings, total_info, total_suppressed, health_score, report
)
VALUES
('2025-06-02 08:00:00+00', 0, 3, 1, 0, 88.00, '{}'),
('2025-06-02 09:00:00+00', 1, 2, 1, 1, 71.50, '{}'),
('2025-06-02 10:00:00+00', 0, 3, 1, 1, 84.00, '{}');

INSERT INTO xferity.posture_findings (
    snapshot_id, finding_key, domain, scope, severity, code, message, suggestion,
    partner_id, asset_type, asset_id, asset_name, suppressed, last_evaluated_at
)
SELECT
    s.snapshot_id,
    f.code || '|' || f.scope || '|' || coalesce(f.partner_id, '')
    || '|' || coalesce(f.asset_type || ':' || f.asset_id, '') AS finding_key,
    f.domain,
    f.scope,
    f.severity,
    f.code,
    f.message,
    f.suggestion,
    f.partner_id,
    f.asset_type,
    f.asset_id,
    f.asset_name,
    f.suppressed,
    s.taken_at AS last_evaluated_at
FROM xferity.posture_snapshots AS s
INNER JOIN (
    VALUES
    (
        '2025-06-02 08:00:00+00'::timestamptz, 'lifecycle', 'asset', 'warning',
        'certificate_expiring_soon',
        'Certificate "initech-as2-2024" expires in 29 day(s).',
        'Plan to replace this certificate within 29 day(s) and update partner bindings.',
        'initech', 'certificate', 'initech-as2-2024', 'initech-as2-2024', FALSE
    ),
    (
        '2025-06-02 08:00:00+00', 'transport', 'partner', 'warning', 'sftp_host_key_not_pinned',
        'SFTP partner "umbrella-pharma" does not pin the server host key.',
        'Set host_key_fingerprint (SHA256:...) or known_hosts to pin the expected host key.',
        'umbrella-pharma', NULL, NULL, NULL, FALSE
    ),
    (
        '2025-06-02 08:00:00+00', 'transport', 'partner', 'warning',
        'ftps_tls_verification_disabled',
        'FTPS partner "acme-logistics" skips certificate verification on a test endpoint.',
        'Enable tls_verify and trust the partner CA instead.',
        'acme-logistics', NULL, NULL, NULL, FALSE
    ),
    (
        '2025-06-02 08:00:00+00', 'auth', 'global', 'info', 'local_auth_enabled',
        'Local authentication is enabled alongside OIDC.',
        'Disable local accounts once every operator can sign in through OIDC.',
        NULL, NULL, NULL, NULL, FALSE
    ),
    (
        '2025-06-02 09:00:00+00', 'lifecycle', 'asset', 'warning', 'certificate_expiring_soon',
        'Certificate "initech-as2-2024" expires in 28 day(s).',
        'Plan to replace this certificate within 28 day(s) and update partner bindings.',
        'initech', 'certificate', 'initech-as2-2024', 'initech-as2-2024', FALSE
    ),
    (
        '2025-06-02 09:00:00+00', 'transport', 'partner', 'warning', 'sftp_host_key_not_pinned',
        'SFTP partner "umbrella-pharma" does not pin the server host key.',
        'Set host_key_fingerprint (SHA256:...) or known_hosts to pin the expected host key.',
        'umbrella-pharma', NULL, NULL, NULL, TRUE
    ),
    (
        '2025-06-02 09:00:00+00', 'transport', 'partner', 'error',
        'ftps_tls_verification_disabled',
        'FTPS partner "acme-logistics" skips certificate verification on a production endpoint.',
        'Enable tls_verify and trust the partner CA instead.',
        'acme-logistics', NULL, NULL, NULL, FALSE
    ),
    (
        '2025-06-02 09:00:00+00', 'auth', 'global', 'info', 'local_auth_enabled',
        'Local authentication is enabled alongside OIDC.',
        'Disable local accounts once every operator can sign in through OIDC.',
        NULL, NULL, NULL, NULL, FALSE
    ),
    (
        '2025-06-02 09:00:00+00', 'lifecycle', 'asset', 'warning', 'pgp_key_expiring_soon',
        'PGP key "umbrella-lab-results" expires in 18 day(s).',
        'Ask the partner for a renewed key and import it before it expires.',
        'umbrella-pharma', 'pgp_key', 'umbrella-lab-results', 'umbrella-lab-results', FALSE
    ),
    (
        '2025-06-02 10:00:00+00', 'lifecycle', 'asset', 'warning', 'certificate_expiring_soon',
        'Certificate "initech-as2-2024" expires in 28 day(s).',
        'Plan to replace this certificate within 28 day(s) and update partner bindings.',
        'initech', 'certificate', 'initech-as2-2024', 'initech-as2-2024', FALSE
    ),
    (
        '2025-06-02 10:00:00+00', 'transport', 'partner', 'warning', 'sftp_host_key_not_pinned',
        'SFTP partner "umbrella-pharma" does not pin the server host key.',
        'Set host_key_fingerprint (SHA256:...) or known_hosts to pin the expected host key.',
        'umbrella-pharma', NULL, NULL, NULL, TRUE
    ),
    (
        '2025-06-02 10:00:00+00', 'transport', 'partner', 'warning',
        'ftps_tls_verification_disabled',
        'FTPS partner "acme-logistics" skips certificate verification on a test endpoint.',
        'Enable tls_verify and trust the partner CA instead.',
        'acme-logistics', NULL, NULL, NULL, FALSE
    ),
    (
        '2025-06-02 10:00:00+00', 'auth', 'global', 'info', 'local_auth_enabled',
        'Local authentication is enabled alongside OIDC.',
        'Disable local accounts once every operator can sign in through OIDC.',
        NULL, NULL, NULL, NULL, FALSE
    ),
    (
        '2025-06-02 10:00:00+00', 'lifecycle', 'asset', 'warning', 'pgp_key_expiring_soon',
        'PGP key "umbrella-lab-results" expires in 18 day(s).',
        'Ask the partner for a renewed key and import it before it expires.',
        'umbrella-pharma', 'pgp_key', 'umbrella-lab-results', 'umbrella-lab-results', FALSE
    )
) AS f (
    taken_at, domain, scope, severity, code, message, suggestion,
    partner_id, asset_type, asset_id, asset_name, suppressed
) ON s.taken_at = f.taken_at;

UPDATE xferity.posture_snapshots AS s
SET
    report = jsonb_build_object(
        'generated_at', s.taken_at,
        'health_score', s.health_score,
        'totals', jsonb_build_object(
            'errors', s.total_errors,
            'warnings', s.total_warnings,
            'info', s.total_info,
            'suppressed', s.total_suppressed
        ),
        'checks', (
            SELECT
                jsonb_agg(
                    jsonb_strip_nulls(
                        jsonb_build_object(
                            'domain', f.domain,
                            'scope', f.scope,
                            'severity', f.severity,
                            'code', f.code,
                            'message', f.message,
                            'suggestion', f.suggestion,
                            'partner_id', f.partner_id,
                            'asset_type', f.asset_type,
                            'asset_id', f.asset_id,
                            'asset_name', f.asset_name,
                            'suppressed', f.suppressed,
                            'last_evaluated_at', f.last_evaluated_at
                        )
                    )
                    ORDER BY f.finding_key
                )
            FROM xferity.posture_findings AS f
            WHERE f.snapshot_id = s.snapshot_id
        )
    );
