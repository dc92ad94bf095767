-- Demo data for 0002 flow runs: a morning of transfers with four partners,
-- covering every run status that history normally shows.

INSERT INTO xferity.flow_runs (
    run_id, flow_name, correlation_id, trigger_type, status, attempt, retry_count,
    queued_at, started_at, finished_at, error_code, error_message
)
VALUES
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d01', 'acme-invoices-outbound',
    'corr-20250602-080000-acme', 'schedule', 'committed', 1, 0,
    '2025-06-02 08:00:00+00', '2025-06-02 08:00:02+00', '2025-06-02 08:00:09+00', NULL, NULL
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d02', 'globex-statements-inbound',
    'corr-20250602-081500-globex', 'schedule', 'committed', 1, 0,
    '2025-06-02 08:15:00+00', '2025-06-02 08:15:01+00', '2025-06-02 08:15:40+00', NULL, NULL
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d03', 'initech-orders-as2',
    'corr-20250602-083012-initech', 'as2_inbound', 'committed', 1, 0,
    '2025-06-02 08:30:12+00', '2025-06-02 08:30:12+00', '2025-06-02 08:30:14+00', NULL, NULL
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d04', 'umbrella-lab-results-pgp',
    'corr-20250602-090000-umbrella', 'schedule', 'dead_letter', 3, 2,
    '2025-06-02 09:00:00+00', '2025-06-02 09:01:10+00', '2025-06-02 09:01:15+00',
    'sftp_auth_failed',
    'ssh: handshake failed: unable to authenticate, attempted methods [none publickey]'
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d05', 'acme-invoices-outbound',
    'corr-20250602-093000-acme', 'manual', 'skipped', 1, 0,
    '2025-06-02 09:30:00+00', '2025-06-02 09:30:01+00', '2025-06-02 09:30:01+00', NULL, NULL
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d06', 'globex-statements-inbound',
    'corr-20250602-100000-globex', 'schedule', 'running', 1, 0,
    '2025-06-02 10:00:00+00', '2025-06-02 10:00:01+00', NULL, NULL, NULL
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d07', 'acme-invoices-outbound',
    'corr-20250602-100000-acme', 'schedule', 'queued', 1, 0,
    '2025-06-02 10:00:00+00', NULL, NULL, NULL, NULL
);

INSERT INTO xferity.flow_run_files (
    run_id, file_name, remote_path, local_path, size_bytes, content_sha256, outcome,
    error_message, recorded_at
)
VALUES
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d01', 'INV-2025-0601.xml',
    '/inbound/invoices/INV-2025-0601.xml', '/var/lib/xferity/archive/acme/INV-2025-0601.xml',
    48213, '7aa2433d5babc2d7af0d64e840e73846e450efc6e8d6698d631d151c8c79103b', 'success',
    NULL, '2025-06-02 08:00:05+00'
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d01', 'INV-2025-0602.xml',
    '/inbound/invoices/INV-2025-0602.xml', '/var/lib/xferity/archive/acme/INV-2025-0602.xml',
    51877, 'bdbbe903bcbe00c1e64d1614c71290da51c2246500c1351d5a5955859d1e5b2e', 'success',
    NULL, '2025-06-02 08:00:08+00'
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d02', 'statement-20250601.csv',
    '/out/statements/statement-20250601.csv',
    '/var/lib/xferity/inbox/globex/statement-20250601.csv',
    1204455, '8bf5e8fa48edd6b87d1c96d298bf6e69f8cffda54de004332603f9d4f74fc292', 'success',
    NULL, '2025-06-02 08:15:20+00'
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d02', 'statement-20250531.csv',
    '/out/statements/statement-20250531.csv', NULL,
    1198032, 'f78fd7aaa8c6068811db722f5aea97ed05b4f9eda96e0c3ec5e9adc7d2f25fa8', 'skipped',
    'content already processed by this flow (idempotency)', '2025-06-02 08:15:38+00'
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d03', 'PO-88231.edi',
    NULL, '/var/lib/xferity/inbox/initech/PO-88231.edi',
    9314, 'bc5a8661ca50a28a15e86394e27dea9c67cf51634e530c0888e1d5d322042baf', 'success',
    NULL, '2025-06-02 08:30:14+00'
),
(
    '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d04', 'results-batch-4411.csv.pgp',
    '/upload/results/results-batch-4411.csv.pgp',
    '/var/lib/xferity/outbox/umbrella/results-batch-4411.csv.pgp',
    77120, '1b7ab8addbaba521ed07cf2806bbb0a65e9fd82c70b8a36fd038e30cde10f6f9', 'failure',
    'ssh: handshake failed: unable to authenticate', '2025-06-02 09:01:15+00'
);

INSERT INTO xferity.flow_idempotency (flow_name, content_sha256, processed_at, run_id, file_name)
VALUES
(
    'acme-invoices-outbound', '7aa2433d5babc2d7af0d64e840e73846e450efc6e8d6698d631d151c8c79103b',
    '2025-06-02 08:00:05+00', '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d01', 'INV-2025-0601.xml'
),
(
    'acme-invoices-outbound', 'bdbbe903bcbe00c1e64d1614c71290da51c2246500c1351d5a5955859d1e5b2e',
    '2025-06-02 08:00:08+00', '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d01', 'INV-2025-0602.xml'
),
(
    'globex-statements-inbound', '8bf5e8fa48edd6b87d1c96d298bf6e69f8cffda54de004332603f9d4f74fc292',
    '2025-06-02 08:15:20+00', '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d02', 'statement-20250601.csv'
),
(
    'initech-orders-as2', 'bc5a8661ca50a28a15e86394e27dea9c67cf51634e530c0888e1d5d322042baf',
    '2025-06-02 08:30:14+00', '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d03', 'PO-88231.edi'
),
(
    'globex-statements-inbound', 'f78fd7aaa8c6068811db722f5aea97ed05b4f9eda96e0c3ec5e9adc7d2f25fa8',
    '2025-05-31 08:15:22+00', NULL, 'statement-20250531.csv'
);
