-- 0008 suppressions: operator-accepted posture findings.
--
-- A suppression hides one finding code within a scope, narrowed to a
-- partner and/or an asset, for a stated reason and usually for a limited
-- time. Rows are never deleted to lift a suppression: it is revoked, so the
-- audit trail shows who accepted which risk and when.
-- xferity.is_finding_suppressed() is the single definition of "suppressed
-- now" used by the posture engine and the UI.

CREATE TABLE xferity.suppressions (
    suppression_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    finding_code text NOT NULL,
    scope text NOT NULL,
    partner_id text,
    asset_type text,
    asset_id text,
    reason text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    revoked_by text,
    CONSTRAINT suppressions_finding_code_check CHECK (finding_code ~ '^[a-z][a-z0-9_]*$'),
    CONSTRAINT suppressions_scope_check CHECK (scope IN ('global', 'partner', 'flow', 'asset')),
    CONSTRAINT suppressions_target_check CHECK (
        (scope <> 'partner' OR partner_id IS NOT NULL)
        AND (scope <> 'asset' OR asset_id IS NOT NULL)
        AND (scope <> 'global' OR (partner_id IS NULL AND asset_id IS NULL))
    ),
    CONSTRAINT suppressions_asset_type_check CHECK (
        asset_type IN ('certificate', 'pgp_key', 'ssh_key', 'vault_secret')
    ),
    CONSTRAINT suppressions_asset_pair_check CHECK ((asset_type IS NULL) = (asset_id IS NULL)),
    CONSTRAINT suppressions_reason_check CHECK (btrim(reason) <> ''),
    CONSTRAINT suppressions_created_by_check CHECK (created_by <> ''),
    CONSTRAINT suppressions_expires_at_check CHECK (expires_at > created_at),
    CONSTRAINT suppressions_revoked_pair_check CHECK ((revoked_at IS NULL) = (revoked_by IS NULL)),
    CONSTRAINT suppressions_revoked_at_check CHECK (revoked_at >= created_at)
);

COMMENT ON TABLE xferity.suppressions IS
'Accepted posture findings. A suppression matches a finding with the same code and scope; partner_id and asset (type + id), when set, narrow it to that partner or asset. Active from created_at until expires_at or revocation.';
COMMENT ON COLUMN xferity.suppressions.suppression_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.suppressions.finding_code IS
'Posture check code to suppress, e.g. sftp_host_key_not_pinned.';
COMMENT ON COLUMN xferity.suppressions.scope IS
'Finding scope it applies to: global, partner, flow or asset. partner needs partner_id, asset needs an asset, global allows neither.';
COMMENT ON COLUMN xferity.suppressions.partner_id IS
'Only findings of this partner; NULL matches any partner.';
COMMENT ON COLUMN xferity.suppressions.asset_type IS
'Type of the asset in asset_id: certificate, pgp_key, ssh_key or vault_secret.';
COMMENT ON COLUMN xferity.suppressions.asset_id IS
'Only findings about this asset; NULL matches any asset.';
COMMENT ON COLUMN xferity.suppressions.reason IS 'Why the risk is accepted; required.';
COMMENT ON COLUMN xferity.suppressions.created_by IS 'User who created the suppression.';
COMMENT ON COLUMN xferity.suppressions.created_at IS
'When the suppression was created; it is active from then.';
COMMENT ON COLUMN xferity.suppressions.expires_at IS
'When the suppression lapses on its own; NULL means until revoked.';
COMMENT ON COLUMN xferity.suppressions.revoked_at IS
'When the suppression was revoked; NULL while not revoked.';
COMMENT ON COLUMN xferity.suppressions.revoked_by IS 'User who revoked it.';

-- Lookups always filter on code and scope first.
CREATE INDEX suppressions_finding_code_scope_idx
ON xferity.suppressions (finding_code, scope);

CREATE FUNCTION xferity.is_finding_suppressed(
    finding_code text,
    scope text,
    partner_id text DEFAULT NULL,
    asset_type text DEFAULT NULL,
    asset_id text DEFAULT NULL,
    at_time timestamptz DEFAULT now()
)
RETURNS boolean
LANGUAGE sql
STABLE
AS $$
    SELECT EXISTS (
        SELECT 1
        FROM xferity.suppressions AS s
        WHERE
            s.finding_code = is_finding_suppressed.finding_code
            AND s.scope = is_finding_suppressed.scope
            AND (s.partner_id IS NULL OR s.partner_id = is_finding_suppressed.partner_id)
            AND (
                s.asset_id IS NULL
                OR (
                    s.asset_type = is_finding_suppressed.asset_type
                    AND s.asset_id = is_finding_suppressed.asset_id
                )
            )
            AND s.created_at <= is_finding_suppressed.at_time
            AND (s.expires_at IS NULL OR s.expires_at > is_finding_suppressed.at_time)
            AND (s.revoked_at IS NULL OR s.revoked_at > is_finding_suppressed.at_time)
    )
$$;

COMMENT ON FUNCTION xferity.is_finding_suppressed(text, text, text, text, text, timestamptz) IS
'True when an active suppression (created, not expired, not revoked at at_time, default now) matches the finding: same code and scope, and the suppression''s partner and asset either unset or equal to the finding''s.';
