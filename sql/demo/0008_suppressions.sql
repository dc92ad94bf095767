-- Demo data for 0008 suppressions: an accepted SFTP host-key risk for one
-- partner, an expired suppression, and a revoked one.

INSERT INTO xferity.suppressions (
    finding_code, scope, partner_id, asset_type, asset_id, reason, created_by, created_at,
    expires_at, revoked_at, revoked_by
)
VALUES
(
    'sftp_host_key_not_pinned', 'partner', 'umbrella-pharma', NULL, NULL,
    'Partner rotates host keys behind a load balancer; pinning planned for Q3 (CHG-4812).',
    'jane.ops', '2025-06-02 08:30:00+00', '2025-09-30 00:00:00+00', NULL, NULL
),
(
    'certificate_expiring_soon', 'asset', 'initech', 'certificate', 'initech-as2-2024',
    'Renewal in progress with Initech; new certificate promised for 2025-05-15.',
    'admin', '2025-05-01 09:00:00+00', '2025-05-20 00:00:00+00', NULL, NULL
),
(
    'local_auth_enabled', 'global', NULL, NULL, NULL,
    'Break-glass admin account required by the operations runbook.',
    'admin', '2025-05-01 09:05:00+00', NULL, '2025-05-28 11:00:00+00', 'admin'
);
