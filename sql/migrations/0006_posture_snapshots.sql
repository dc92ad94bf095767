-- 0006 posture snapshots: the hourly record of the security posture report.
--
-- The posture engine is read-only; its report is stored once an hour so the
-- UI can draw trends and regression detection (0007) can compare two
-- snapshots finding by finding. Each finding carries a stable finding_key
-- (same problem, same key, in every snapshot). Snapshots grow without bound
-- unless pruned: xferity.prune_posture_snapshots() is the retention job.

CREATE TABLE xferity.posture_snapshots (
    snapshot_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    taken_at timestamptz NOT NULL DEFAULT now(),
    total_errors integer NOT NULL,
    total_warnings integer NOT NULL,
    total_info integer NOT NULL,
    total_suppressed integer NOT NULL,
    health_score numeric(5, 2) NOT NULL,
    report jsonb NOT NULL,
    CONSTRAINT posture_snapshots_totals_check CHECK (
        total_errors >= 0 AND total_warnings >= 0 AND total_info >= 0 AND total_suppressed >= 0
    ),
    CONSTRAINT posture_snapshots_health_score_check CHECK (health_score BETWEEN 0 AND 100),
    CONSTRAINT posture_snapshots_report_check CHECK (jsonb_typeof(report) = 'object')
);

COMMENT ON TABLE xferity.posture_snapshots IS
'Periodic (hourly) snapshots of the security posture report, for trends and regression detection. Pruned by xferity.prune_posture_snapshots().';
COMMENT ON COLUMN xferity.posture_snapshots.snapshot_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.posture_snapshots.taken_at IS 'When the report was evaluated.';
COMMENT ON COLUMN xferity.posture_snapshots.total_errors IS
'Number of unsuppressed findings with severity error.';
COMMENT ON COLUMN xferity.posture_snapshots.total_warnings IS
'Number of unsuppressed findings with severity warning.';
COMMENT ON COLUMN xferity.posture_snapshots.total_info IS
'Number of unsuppressed findings with severity info.';
COMMENT ON COLUMN xferity.posture_snapshots.total_suppressed IS
'Number of findings hidden by an active suppression.';
COMMENT ON COLUMN xferity.posture_snapshots.health_score IS
'Overall health figure of the report, 0 (worst) to 100 (no findings).';
COMMENT ON COLUMN xferity.posture_snapshots.report IS
'The full PostureReport as returned by the posture API (a JSON object with checks[] and totals).';

CREATE INDEX posture_snapshots_taken_at_idx ON xferity.posture_snapshots (taken_at);

CREATE TABLE xferity.posture_findings (
    finding_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    snapshot_id bigint NOT NULL
    REFERENCES xferity.posture_snapshots (snapshot_id) ON DELETE CASCADE,
    finding_key text NOT NULL,
    domain text NOT NULL,
    scope text NOT NULL,
    severity text NOT NULL,
    code text NOT NULL,
    message text NOT NULL,
    suggestion text,
    partner_id text,
    asset_type text,
    asset_id text,
    asset_name text,
    suppressed boolean NOT NULL DEFAULT FALSE,
    last_evaluated_at timestamptz NOT NULL,
    CONSTRAINT posture_findings_snapshot_id_finding_key_key UNIQUE (snapshot_id, finding_key),
    CONSTRAINT posture_findings_finding_key_check CHECK (finding_key <> ''),
    CONSTRAINT posture_findings_domain_check CHECK (
        domain IN ('crypto', 'lifecycle', 'transport', 'auth', 'secrets', 'flow')
    ),
    CONSTRAINT posture_findings_scope_check CHECK (
        scope IN ('global', 'partner', 'flow', 'asset')
    ),
    CONSTRAINT posture_findings_severity_check CHECK (severity IN ('error', 'warning', 'info')),
    CONSTRAINT posture_findings_code_check CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    CONSTRAINT posture_findings_asset_type_check CHECK (
        asset_type IN ('certificate', 'pgp_key', 'ssh_key', 'vault_secret')
    ),
    CONSTRAINT posture_findings_asset_pair_check CHECK (
        (asset_type IS NULL) = (asset_id IS NULL)
    )
);

COMMENT ON TABLE xferity.posture_findings IS
'The checks[] of a posture snapshot, one row per finding. Deleted with their snapshot.';
COMMENT ON COLUMN xferity.posture_findings.finding_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.posture_findings.snapshot_id IS 'Snapshot the finding belongs to.';
COMMENT ON COLUMN xferity.posture_findings.finding_key IS
'Stable identity of the finding across snapshots (e.g. code|scope|partner_id|asset_type:asset_id); unique within a snapshot.';
COMMENT ON COLUMN xferity.posture_findings.domain IS
'crypto, lifecycle, transport, auth, secrets or flow.';
COMMENT ON COLUMN xferity.posture_findings.scope IS
'What the finding is about: global, partner, flow or asset.';
COMMENT ON COLUMN xferity.posture_findings.severity IS 'error, warning or info.';
COMMENT ON COLUMN xferity.posture_findings.code IS
'Check code in snake_case, e.g. certificate_expiring_soon.';
COMMENT ON COLUMN xferity.posture_findings.message IS 'Human-readable description.';
COMMENT ON COLUMN xferity.posture_findings.suggestion IS 'Suggested remediation, if any.';
COMMENT ON COLUMN xferity.posture_findings.partner_id IS 'Partner concerned, if any.';
COMMENT ON COLUMN xferity.posture_findings.asset_type IS
'certificate, pgp_key, ssh_key or vault_secret when the finding is about an asset.';
COMMENT ON COLUMN xferity.posture_findings.asset_id IS
'Asset identifier as reported by the engine (text: file-backed assets have no numeric id).';
COMMENT ON COLUMN xferity.posture_findings.asset_name IS 'Asset name as shown to operators.';
COMMENT ON COLUMN xferity.posture_findings.suppressed IS
'Whether an active suppression hid the finding when the snapshot was taken.';
COMMENT ON COLUMN xferity.posture_findings.last_evaluated_at IS
'When the engine last evaluated this check.';

CREATE INDEX posture_findings_finding_key_idx ON xferity.posture_findings (finding_key);

CREATE FUNCTION xferity.prune_posture_snapshots(keep interval)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    pruned integer;
BEGIN
    IF keep IS NULL OR keep <= interval '0' THEN
        RAISE EXCEPTION 'keep must be a positive interval, got %', keep
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM xferity.posture_snapshots AS s
    WHERE
        s.taken_at < now() - prune_posture_snapshots.keep
        AND s.snapshot_id <> (
            SELECT latest.snapshot_id
            FROM xferity.posture_snapshots AS latest
            ORDER BY latest.taken_at DESC, latest.snapshot_id DESC
            LIMIT 1
        );
    GET DIAGNOSTICS pruned = ROW_COUNT;
    RETURN pruned;
END;
$$;

COMMENT ON FUNCTION xferity.prune_posture_snapshots(interval) IS
'Retention: deletes snapshots (and their findings) taken more than keep ago, always keeping the most recent snapshot as the baseline for regression detection. Returns the number of snapshots deleted; raises 22023 unless keep is positive.';
