-- Demo rows for 0012 job queue: one live worker and jobs in every state,
-- with the error history of a retried job and of a job that failed for good.
-- Written straight into the tables (not through the job functions) so that
-- each state, lease and error appears exactly as a real worker leaves it.

INSERT INTO xferity.workers (worker_id, hostname, info, registered_at, last_seen_at)
VALUES (
    'mft-app-01:4127:7f3a',
    'mft-app-01',
    '{"version": "1.8.2", "queues": ["default", "maintenance"], "max_concurrent_jobs": 4}',
    now() - interval '2 hours',
    now()
)
ON CONFLICT (worker_id) DO NOTHING;

-- A flow run that completed on its first attempt.
INSERT INTO xferity.jobs (
    queue, kind, payload, state, priority, run_at, attempt, max_attempts,
    locked_by, locked_at, dedupe_key, result, created_at, finished_at
)
VALUES (
    'default',
    'flow_run',
    '{"flow_name": "acme-invoices-outbound", "trigger": "schedule"}',
    'completed',
    0,
    now() - interval '70 minutes',
    1,
    3,
    'mft-app-01:4127:7f3a',
    now() - interval '70 minutes',
    'flow_run:acme-invoices-outbound:2024-06-01T06:00Z',
    '{"files_sent": 3, "bytes": 184320, "outcome": "success"}',
    now() - interval '70 minutes',
    now() - interval '69 minutes'
);

-- A flow run in progress: leased to the worker for job_execution_timeout.
INSERT INTO xferity.jobs (
    queue, kind, payload, state, priority, run_at, attempt, max_attempts,
    locked_by, locked_at, lease_expires_at, created_at
)
VALUES (
    'default',
    'flow_run',
    '{"flow_name": "globex-orders-inbound", "trigger": "watch"}',
    'running',
    0,
    now() - interval '1 minute',
    1,
    3,
    'mft-app-01:4127:7f3a',
    now() - interval '1 minute',
    now() + interval '4 minutes',
    now() - interval '1 minute'
);

-- Due now, higher priority: the next claim takes it first.
INSERT INTO xferity.jobs (queue, kind, payload, priority, run_at, created_at)
VALUES (
    'maintenance',
    'posture_snapshot',
    '{"reason": "hourly"}',
    10,
    now(),
    now()
);

-- Scheduled for later: not claimable until run_at.
INSERT INTO xferity.jobs (queue, kind, payload, run_at, created_at)
VALUES (
    'default',
    'flow_run',
    '{"flow_name": "initech-statements-outbound", "trigger": "schedule"}',
    now() + interval '1 hour',
    now()
);

-- A transient failure waiting for its retry (attempt 1 failed, 5s backoff).
WITH retrying AS (
    INSERT INTO xferity.jobs (
        queue, kind, payload, run_at, attempt, locked_by, locked_at, last_error, created_at
    )
    VALUES (
        'default',
        'as2_send',
        '{"partner_id": "globex", "message_id": "<20240601.0012@xferity.example>"}',
        now() + interval '4 seconds',
        1,
        'mft-app-01:4127:7f3a',
        now() - interval '3 seconds',
        'dial tcp 203.0.113.10:443: connection refused',
        now() - interval '3 seconds'
    )
    RETURNING id, run_at
)

INSERT INTO xferity.job_errors (
    job_id, attempt, worker_id, reason, message, failed_at, retry_at
)
SELECT
    r.id AS job_id,
    1 AS attempt,
    'mft-app-01:4127:7f3a' AS worker_id,
    'error' AS reason,
    'dial tcp 203.0.113.10:443: connection refused' AS message,
    now() - interval '1 second' AS failed_at,
    r.run_at AS retry_at
FROM retrying AS r;

-- A job that failed for good after three attempts, one of them lost with
-- its worker (lease expired).
WITH exhausted AS (
    INSERT INTO xferity.jobs (
        queue, kind, payload, state, run_at, attempt, max_attempts, locked_by, locked_at,
        last_error, created_at, finished_at
    )
    VALUES (
        'default',
        'flow_run',
        '{"flow_name": "umbrella-reports-outbound", "trigger": "manual"}',
        'failed',
        now() - interval '39 minutes',
        3,
        3,
        'mft-app-01:4127:7f3a',
        now() - interval '39 minutes',
        'sftp: permission denied (publickey)',
        now() - interval '50 minutes',
        now() - interval '38 minutes'
    )
    RETURNING id
)

INSERT INTO xferity.job_errors (
    job_id, attempt, worker_id, reason, message, failed_at, retry_at
)
SELECT
    e.id AS job_id,
    a.attempt,
    a.worker_id,
    a.reason,
    a.message,
    now() - a.failed_ago AS failed_at,
    now() - a.retry_ago AS retry_at
FROM exhausted AS e
CROSS JOIN (
    VALUES
    (
        1, 'mft-app-02:2210:c01d', 'lease_expired',
        'lease expired: worker mft-app-02:2210:c01d did not finish attempt 1',
        interval '41 minutes', interval '41 minutes'
    ),
    (
        2, 'mft-app-01:4127:7f3a', 'error', 'sftp: permission denied (publickey)',
        interval '39 minutes 10 seconds', interval '39 minutes'
    ),
    (
        3, 'mft-app-01:4127:7f3a', 'error', 'sftp: permission denied (publickey)',
        interval '38 minutes', NULL
    )
) AS a (attempt, worker_id, reason, message, failed_ago, retry_ago);
