-- 0003 auth: users and browser sessions of the web UI and API.
--
-- In local auth mode Xferity persists its users and sessions here; in OIDC
-- mode users are keyed by (issuer, subject). A session row holds only the
-- SHA-256 of its bearer token, so a leaked table (or backup) cannot be
-- replayed. xferity.find_live_session() is the one lookup the application
-- needs, and it refuses expired, revoked or disabled-user sessions.

CREATE TABLE xferity.auth_users (
    user_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text,
    oidc_issuer text,
    oidc_subject text,
    display_name text,
    email text,
    password_hash text,
    role text NOT NULL DEFAULT 'viewer',
    disabled boolean NOT NULL DEFAULT FALSE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    CONSTRAINT auth_users_username_key UNIQUE (username),
    CONSTRAINT auth_users_oidc_issuer_oidc_subject_key UNIQUE (oidc_issuer, oidc_subject),
    CONSTRAINT auth_users_identity_check CHECK (
        (username IS NOT NULL AND oidc_issuer IS NULL AND oidc_subject IS NULL)
        OR (username IS NULL AND oidc_issuer IS NOT NULL AND oidc_subject IS NOT NULL)
    ),
    CONSTRAINT auth_users_username_check CHECK (username <> ''),
    CONSTRAINT auth_users_oidc_issuer_check CHECK (oidc_issuer ~ '^https://'),
    CONSTRAINT auth_users_oidc_subject_check CHECK (oidc_subject <> ''),
    CONSTRAINT auth_users_password_hash_check CHECK (
        password_hash IS NULL OR (username IS NOT NULL AND password_hash ~ '^\$[a-z0-9-]+\$')
    ),
    CONSTRAINT auth_users_role_check CHECK (role IN ('viewer', 'operator', 'admin'))
);

COMMENT ON TABLE xferity.auth_users IS
'Web UI / API users: either a local account (username) or an OIDC identity (issuer + subject), never both.';
COMMENT ON COLUMN xferity.auth_users.user_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.auth_users.username IS
'Login name of a local account; unique; NULL for OIDC users.';
COMMENT ON COLUMN xferity.auth_users.oidc_issuer IS
'OIDC issuer URL (https) of an OIDC user; NULL for local accounts.';
COMMENT ON COLUMN xferity.auth_users.oidc_subject IS
'OIDC sub claim; (oidc_issuer, oidc_subject) is unique.';
COMMENT ON COLUMN xferity.auth_users.display_name IS 'Name shown in the UI.';
COMMENT ON COLUMN xferity.auth_users.email IS 'Contact address, informational only.';
COMMENT ON COLUMN xferity.auth_users.password_hash IS
'PHC-format password hash (e.g. $argon2id$...) of a local account; never a password. NULL for OIDC users.';
COMMENT ON COLUMN xferity.auth_users.role IS
'viewer (read only), operator (run and manage flows) or admin (also /metrics and user management).';
COMMENT ON COLUMN xferity.auth_users.disabled IS
'A disabled user cannot log in and its sessions are refused.';
COMMENT ON COLUMN xferity.auth_users.created_at IS 'When the user was created.';
COMMENT ON COLUMN xferity.auth_users.updated_at IS 'When the user row last changed.';
COMMENT ON COLUMN xferity.auth_users.last_login_at IS
'Last successful login; NULL if the user never logged in.';

CREATE TABLE xferity.auth_sessions (
    session_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_sha256 text NOT NULL,
    user_id bigint NOT NULL REFERENCES xferity.auth_users (user_id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    client_ip inet,
    user_agent text,
    CONSTRAINT auth_sessions_token_sha256_key UNIQUE (token_sha256),
    CONSTRAINT auth_sessions_token_sha256_check CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT auth_sessions_expires_at_check CHECK (expires_at > created_at),
    CONSTRAINT auth_sessions_last_seen_at_check CHECK (last_seen_at >= created_at)
);

COMMENT ON TABLE xferity.auth_sessions IS
'Browser/API sessions. Only the SHA-256 of the bearer token is stored, never the token itself. Deleted with their user.';
COMMENT ON COLUMN xferity.auth_sessions.session_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.auth_sessions.token_sha256 IS
'Lowercase hex SHA-256 of the session token; the token itself is only ever in the client''s cookie.';
COMMENT ON COLUMN xferity.auth_sessions.user_id IS 'User the session belongs to.';
COMMENT ON COLUMN xferity.auth_sessions.created_at IS 'Login time.';
COMMENT ON COLUMN xferity.auth_sessions.expires_at IS
'Hard expiry; after it the session is refused and may be deleted.';
COMMENT ON COLUMN xferity.auth_sessions.last_seen_at IS 'Last request made with the session.';
COMMENT ON COLUMN xferity.auth_sessions.revoked_at IS
'When the session was revoked (logout, admin action); NULL while not revoked.';
COMMENT ON COLUMN xferity.auth_sessions.client_ip IS 'Client address at login.';
COMMENT ON COLUMN xferity.auth_sessions.user_agent IS 'User-Agent header at login.';

CREATE INDEX auth_sessions_user_id_idx ON xferity.auth_sessions (user_id);

-- Cleanup deletes `WHERE expires_at < now()`: a range scan on this index.
CREATE INDEX auth_sessions_expires_at_idx ON xferity.auth_sessions (expires_at);

CREATE FUNCTION xferity.find_live_session(token_sha256 text)
RETURNS TABLE (
    session_id bigint,
    user_id bigint,
    role text,
    expires_at timestamptz,
    last_seen_at timestamptz
)
LANGUAGE sql
STABLE
AS $$
    SELECT
        s.session_id,
        s.user_id,
        u.role,
        s.expires_at,
        s.last_seen_at
    FROM xferity.auth_sessions AS s
    INNER JOIN xferity.auth_users AS u ON u.user_id = s.user_id
    WHERE
        s.token_sha256 = find_live_session.token_sha256
        AND s.expires_at > now()
        AND s.revoked_at IS NULL
        AND NOT u.disabled
$$;

COMMENT ON FUNCTION xferity.find_live_session(text) IS
'The session whose token hash is given, with its user''s role, if it is live: not expired, not revoked and its user not disabled. Returns no row otherwise.';

CREATE FUNCTION xferity.delete_dead_sessions(grace interval DEFAULT '0 seconds')
RETURNS integer
LANGUAGE sql
AS $$
    WITH deleted AS (
        DELETE FROM xferity.auth_sessions AS s
        WHERE s.expires_at < now() - delete_dead_sessions.grace
        RETURNING 1
    )

    SELECT count(*)::integer FROM deleted
$$;

COMMENT ON FUNCTION xferity.delete_dead_sessions(interval) IS
'Deletes sessions that expired more than grace ago (uses auth_sessions_expires_at_idx) and returns how many. Revoked sessions go when they expire.';
