-- 0007 regression alerts: a finding that appeared or got more severe
-- between two posture snapshots raises one alert.
--
-- An alert stays open until resolved; a partial unique index allows at most
-- one open alert per finding_key, so an hourly job can re-detect the same
-- regression without paging anyone twice. Alerts copy what they report
-- (code, severities, message) and only point at snapshots with SET NULL:
-- snapshot retention never deletes alert history.
-- xferity.record_regressions() does the detection in one statement.

CREATE TABLE xferity.regression_alerts (
    alert_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    finding_key text NOT NULL,
    code text NOT NULL,
    partner_id text,
    message text NOT NULL,
    previous_snapshot_id bigint
    REFERENCES xferity.posture_snapshots (snapshot_id) ON DELETE SET NULL,
    current_snapshot_id bigint
    REFERENCES xferity.posture_snapshots (snapshot_id) ON DELETE SET NULL,
    previous_severity text,
    severity text NOT NULL,
    detected_at timestamptz NOT NULL DEFAULT now(),
    notified_at timestamptz,
    acknowledged_by text,
    acknowledged_at timestamptz,
    resolved_at timestamptz,
    CONSTRAINT regression_alerts_finding_key_check CHECK (finding_key <> ''),
    CONSTRAINT regression_alerts_snapshots_check CHECK (
        previous_snapshot_id <> current_snapshot_id
    ),
    CONSTRAINT regression_alerts_previous_severity_check CHECK (
        previous_severity IN ('error', 'warning', 'info')
    ),
    CONSTRAINT regression_alerts_severity_check CHECK (severity IN ('error', 'warning', 'info')),
    -- A regression is "worse than before": absent, or a lower severity.
    CONSTRAINT regression_alerts_regressed_check CHECK (
        previous_severity IS NULL
        OR previous_severity = 'info' AND severity IN ('warning', 'error')
        OR previous_severity = 'warning' AND severity = 'error'
    ),
    CONSTRAINT regression_alerts_acknowledged_check CHECK (
        (acknowledged_by IS NULL) = (acknowledged_at IS NULL)
    ),
    CONSTRAINT regression_alerts_notified_at_check CHECK (notified_at >= detected_at),
    CONSTRAINT regression_alerts_acknowledged_at_check CHECK (acknowledged_at >= detected_at),
    CONSTRAINT regression_alerts_resolved_at_check CHECK (resolved_at >= detected_at)
);

COMMENT ON TABLE xferity.regression_alerts IS
'One alert per finding key that regressed (appeared, or became more severe) between two posture snapshots. At most one open (unresolved) alert per finding_key.';
COMMENT ON COLUMN xferity.regression_alerts.alert_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.regression_alerts.finding_key IS
'Stable key of the regressed finding (posture_findings.finding_key).';
COMMENT ON COLUMN xferity.regression_alerts.code IS 'Check code of the finding.';
COMMENT ON COLUMN xferity.regression_alerts.partner_id IS 'Partner concerned, if any.';
COMMENT ON COLUMN xferity.regression_alerts.message IS 'Finding message in the current snapshot.';
COMMENT ON COLUMN xferity.regression_alerts.previous_snapshot_id IS
'Baseline snapshot; NULL once retention deleted it.';
COMMENT ON COLUMN xferity.regression_alerts.current_snapshot_id IS
'Snapshot in which the regression was seen; NULL once retention deleted it.';
COMMENT ON COLUMN xferity.regression_alerts.previous_severity IS
'Severity in the baseline snapshot; NULL if the finding was absent (new finding).';
COMMENT ON COLUMN xferity.regression_alerts.severity IS
'Severity in the current snapshot: error, warning or info.';
COMMENT ON COLUMN xferity.regression_alerts.detected_at IS 'When the regression was detected.';
COMMENT ON COLUMN xferity.regression_alerts.notified_at IS
'When notification channels were told; NULL while not yet notified.';
COMMENT ON COLUMN xferity.regression_alerts.acknowledged_by IS
'User who acknowledged the alert (username or OIDC subject).';
COMMENT ON COLUMN xferity.regression_alerts.acknowledged_at IS 'When the alert was acknowledged.';
COMMENT ON COLUMN xferity.regression_alerts.resolved_at IS
'When the alert was resolved (finding gone or back to its previous severity); NULL while open.';

CREATE UNIQUE INDEX regression_alerts_open_finding_key_key
ON xferity.regression_alerts (finding_key)
WHERE resolved_at IS NULL;

CREATE INDEX regression_alerts_previous_snapshot_id_idx
ON xferity.regression_alerts (previous_snapshot_id);

CREATE INDEX regression_alerts_current_snapshot_id_idx
ON xferity.regression_alerts (current_snapshot_id);

CREATE INDEX regression_alerts_unnotified_idx
ON xferity.regression_alerts (detected_at)
WHERE notified_at IS NULL AND resolved_at IS NULL;

CREATE FUNCTION xferity.record_regressions(previous_snapshot_id bigint, current_snapshot_id bigint)
RETURNS integer
LANGUAGE sql
AS $$
    WITH severity_rank (severity, severity_rank) AS (
        VALUES ('info', 1), ('warning', 2), ('error', 3)
    ),

    regressed AS (
        SELECT
            cur.finding_key,
            cur.code,
            cur.partner_id,
            cur.message,
            prev.severity AS previous_severity,
            cur.severity
        FROM xferity.posture_findings AS cur
        INNER JOIN severity_rank AS cur_rank ON cur_rank.severity = cur.severity
        LEFT JOIN xferity.posture_findings AS prev
            ON
                prev.snapshot_id = record_regressions.previous_snapshot_id
                AND prev.finding_key = cur.finding_key
                AND NOT prev.suppressed
        LEFT JOIN severity_rank AS prev_rank ON prev_rank.severity = prev.severity
        WHERE
            cur.snapshot_id = record_regressions.current_snapshot_id
            AND NOT cur.suppressed
            AND (prev.finding_id IS NULL OR prev_rank.severity_rank < cur_rank.severity_rank)
    ),

    inserted AS (
        INSERT INTO xferity.regression_alerts (
            finding_key,
            code,
            partner_id,
            message,
            previous_snapshot_id,
            current_snapshot_id,
            previous_severity,
            severity
        )
        SELECT
            r.finding_key,
            r.code,
            r.partner_id,
            r.message,
            record_regressions.previous_snapshot_id,
            record_regressions.current_snapshot_id,
            r.previous_severity,
            r.severity
        FROM regressed AS r
        ON CONFLICT (finding_key) WHERE resolved_at IS NULL DO NOTHING
        RETURNING 1
    )

    SELECT count(*)::integer FROM inserted
$$;

COMMENT ON FUNCTION xferity.record_regressions(bigint, bigint) IS
'Compares two snapshots and opens one alert per unsuppressed finding that is new in current_snapshot_id or more severe than in previous_snapshot_id. Keys that already have an open alert are skipped. Returns the number of alerts opened.';
