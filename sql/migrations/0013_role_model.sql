-- 0013 role model: least privilege that survives upgrades.
--
-- The role model becomes part of the contract, in three pieces:
--
-- 1. xferity.role_model: which roles of the cluster play which part for THIS
--    database (owner, migrator, app, worker, readonly). The DBA's grant script
--    (`xferity-schema grants`) writes it; it may create the table before this
--    migration runs, hence IF NOT EXISTS (both definitions are identical).
-- 2. Data classes: every column's comment starts with its class, [public],
--    [personal] or [secret]. The read-only role reads [public] columns only; a
--    column without a class is read by nobody but the application. Functions
--    are tagged too: [worker] ones are the job API the worker role may call,
--    [admin] ones no runtime role calls. A later migration declares the class
--    of each column it adds (and the tag of each function) in its COMMENT ON;
--    `xferity-schema lint` refuses a column without one.
-- 3. xferity.grant_role_model(): run as the owner role after migrating, it
--    makes the object privileges of the app, worker and read-only roles (and
--    PUBLIC) in schema xferity exactly what the model gives, for every table,
--    view, sequence, column and function of any migration, and returns how many
--    GRANT/REVOKE statements it ran (0 when nothing had to change).
--    `xferity-schema apply` calls it; any other runner must call it too:
--        SET ROLE <owner role>; SELECT xferity.grant_role_model();

CREATE TABLE IF NOT EXISTS xferity.role_model (
    role_model_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL,
    role_name text NOT NULL,
    CONSTRAINT role_model_kind_key UNIQUE (kind),
    CONSTRAINT role_model_role_name_key UNIQUE (role_name),
    CONSTRAINT role_model_kind_check CHECK (
        kind IN ('owner', 'migrator', 'app', 'worker', 'readonly')
    ),
    CONSTRAINT role_model_role_name_check CHECK (length(role_name) BETWEEN 1 AND 63)
);

COMMENT ON TABLE xferity.role_model IS
'The roles that play each part of the least-privilege role model for this database, written by the DBA''s grant script (xferity-schema grants) and read by xferity.grant_role_model().';
COMMENT ON COLUMN xferity.role_model.role_model_id IS '[public] Surrogate key.';
COMMENT ON COLUMN xferity.role_model.kind IS
'[public] owner, migrator, app, worker or readonly.';
COMMENT ON COLUMN xferity.role_model.role_name IS
'[public] Name of the cluster role that plays this part.';

-- The privileges the model gives, one row each; the single source that both
-- grant_role_model() and `xferity-schema grants --check` compare the live ACLs with.
CREATE FUNCTION xferity.role_model_privileges()
RETURNS TABLE (
    grantee text, object_type text, object_name text, column_name text, privilege text
)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH roles AS (
    SELECT
        max(m.role_name) FILTER (WHERE m.kind = 'app') AS app,
        max(m.role_name) FILTER (WHERE m.kind = 'worker') AS worker,
        max(m.role_name) FILTER (WHERE m.kind = 'readonly') AS readonly
    FROM xferity.role_model AS m
),

-- The runner's bookkeeping and the role model itself: the application may
-- read them (the schema version at start-up), the application never writes them,
-- the read-only role reads them whole.
bookkeeping (relname) AS (
    VALUES ('schema_migrations'), ('schema_migration_log'), ('role_model')
),

relations AS (
    SELECT
        c.oid,
        c.relname::text AS relname,
        c.relkind,
        format('%I.%I', n.nspname, c.relname) AS qualified,
        c.relname IN (SELECT b.relname FROM bookkeeping AS b) AS is_bookkeeping
    FROM pg_catalog.pg_class AS c
    INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
    WHERE n.nspname = 'xferity' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
),

relation_columns AS (
    SELECT
        r.oid,
        r.qualified,
        a.attname::text AS attname,
        r.is_bookkeeping
        OR coalesce(
            substring(
                pg_catalog.col_description(r.oid, a.attnum) FROM '^\[(public|personal|secret)\]'
            ) = 'public',
            FALSE
        ) AS is_public
    FROM relations AS r
    INNER JOIN pg_catalog.pg_attribute AS a ON r.oid = a.attrelid
    WHERE r.relkind <> 'S' AND a.attnum > 0 AND NOT a.attisdropped
),

all_public AS (
    SELECT c.oid
    FROM relation_columns AS c
    GROUP BY c.oid
    HAVING bool_and(c.is_public)
),

functions AS (
    SELECT
        format(
            '%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)
        ) AS signature,
        substring(pg_catalog.obj_description(p.oid, 'pg_proc') FROM '^\[(worker|admin)\]') AS tag
    FROM pg_catalog.pg_proc AS p
    INNER JOIN pg_catalog.pg_namespace AS n ON p.pronamespace = n.oid
    WHERE n.nspname = 'xferity' AND p.prokind = 'f'
)

-- Every runtime role resolves names in the schema.
SELECT g.grantee, 'schema', 'xferity', NULL::text, 'USAGE'
FROM roles, unnest(ARRAY[roles.app, roles.worker, roles.readonly]) AS g (grantee)
WHERE g.grantee IS NOT NULL

-- Application: DML on every table, read-only on the bookkeeping tables.
UNION ALL
SELECT roles.app, 'table', r.qualified, NULL, p.privilege
FROM roles, relations AS r, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p (privilege)
WHERE
    roles.app IS NOT NULL
    AND r.relkind IN ('r', 'p', 'f')
    AND (NOT r.is_bookkeeping OR p.privilege = 'SELECT')

-- Application: read every view.
UNION ALL
SELECT roles.app, 'table', r.qualified, NULL, 'SELECT'
FROM roles, relations AS r
WHERE roles.app IS NOT NULL AND r.relkind IN ('v', 'm')

-- Application: sequences (identity columns need none, serial ones do).
UNION ALL
SELECT roles.app, 'sequence', r.qualified, NULL, 'USAGE'
FROM roles, relations AS r
WHERE roles.app IS NOT NULL AND r.relkind = 'S'

-- Application: the SQL API, but not the [admin] tools.
UNION ALL
SELECT roles.app, 'function', f.signature, NULL, 'EXECUTE'
FROM roles, functions AS f
WHERE roles.app IS NOT NULL AND f.tag IS DISTINCT FROM 'admin'

-- Worker: the [worker] job API only.
UNION ALL
SELECT roles.worker, 'function', f.signature, NULL, 'EXECUTE'
FROM roles, functions AS f
WHERE roles.worker IS NOT NULL AND f.tag = 'worker'

-- Read-only: whole relations whose every column is [public].
UNION ALL
SELECT roles.readonly, 'table', r.qualified, NULL, 'SELECT'
FROM roles, relations AS r
WHERE roles.readonly IS NOT NULL AND r.oid IN (SELECT ap.oid FROM all_public AS ap)

-- Read-only: the [public] columns of the other relations.
UNION ALL
SELECT roles.readonly, 'column', c.qualified, c.attname, 'SELECT'
FROM roles, relation_columns AS c
WHERE
    roles.readonly IS NOT NULL
    AND c.is_public
    AND c.oid NOT IN (SELECT ap.oid FROM all_public AS ap)
$$;

COMMENT ON FUNCTION xferity.role_model_privileges() IS
'[admin] Every object privilege the role model gives the app, worker and read-only roles of xferity.role_model in schema xferity, one row each, derived from the catalog, the columns'' data classes and the functions'' tags.';

-- What the runtime roles and PUBLIC hold directly (not through membership) in
-- schema xferity, in the rows of role_model_privileges().
CREATE FUNCTION xferity.role_model_grants_held()
RETURNS TABLE (
    grantee text, object_type text, object_name text, column_name text, privilege text
)
LANGUAGE sql
STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH grantees AS (
    SELECT r.oid, r.rolname::text AS rolname
    FROM xferity.role_model AS m
    INNER JOIN pg_catalog.pg_roles AS r ON m.role_name = r.rolname
    WHERE m.kind IN ('app', 'worker', 'readonly')
    UNION ALL
    SELECT 0::oid, 'PUBLIC'
),

-- A NULL ACL is the built-in default (for functions: EXECUTE for PUBLIC).
acls AS (
    SELECT
        'schema' AS object_type, 'xferity' AS object_name, NULL::text AS column_name,
        coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)) AS acl
    FROM pg_catalog.pg_namespace AS n
    WHERE n.nspname = 'xferity'

    UNION ALL
    SELECT
        CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END,
        format('%I.%I', 'xferity', c.relname),
        NULL,
        coalesce(c.relacl, pg_catalog.acldefault(
            CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner
        ))
    FROM pg_catalog.pg_class AS c
    WHERE
        c.relnamespace = 'xferity'::regnamespace
        AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')

    UNION ALL
    SELECT 'column', format('%I.%I', 'xferity', c.relname), a.attname::text, a.attacl
    FROM pg_catalog.pg_class AS c
    INNER JOIN pg_catalog.pg_attribute AS a ON c.oid = a.attrelid
    WHERE
        c.relnamespace = 'xferity'::regnamespace
        AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL

    UNION ALL
    SELECT
        'function',
        format('%I.%I(%s)', 'xferity', p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)),
        NULL,
        coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))
    FROM pg_catalog.pg_proc AS p
    WHERE p.pronamespace = 'xferity'::regnamespace AND p.prokind = 'f'
)

SELECT g.rolname, a.object_type, a.object_name, a.column_name, x.privilege_type::text
FROM acls AS a
CROSS JOIN LATERAL pg_catalog.aclexplode(a.acl) AS x
INNER JOIN grantees AS g ON x.grantee = g.oid
$$;

COMMENT ON FUNCTION xferity.role_model_grants_held() IS
'[admin] The object privileges in schema xferity that the app, worker and read-only roles of xferity.role_model, and PUBLIC, hold by direct grant, in the rows of role_model_privileges().';

CREATE FUNCTION xferity.grant_role_model()
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    owner_name text;
    changes integer := 0;
    item record;
    target text;
    who text;
BEGIN
    SELECT m.role_name INTO owner_name FROM xferity.role_model AS m WHERE m.kind = 'owner';
    IF owner_name IS NULL THEN
        RAISE NOTICE 'xferity.role_model names no owner: no role model to grant '
            '(the DBA''s grant script, xferity-schema grants, records it)';
        RETURN 0;
    END IF;
    IF NOT pg_catalog.pg_has_role(current_user, owner_name, 'USAGE') THEN
        RAISE EXCEPTION 'xferity.grant_role_model() must run as the owner role %, not as %',
            owner_name, current_user
            USING ERRCODE = 'insufficient_privilege',
            HINT = format('SET ROLE %I first (the migrator is a member of it)', owner_name);
    END IF;
    -- Revoke first: revoking a table privilege also revokes it from every column.
    FOR item IN
        SELECT * FROM xferity.role_model_grants_held()
        EXCEPT
        SELECT * FROM xferity.role_model_privileges()
    LOOP
        target := CASE item.object_type
            WHEN 'schema' THEN 'SCHEMA xferity'
            WHEN 'sequence' THEN 'SEQUENCE ' || item.object_name
            WHEN 'function' THEN 'FUNCTION ' || item.object_name
            ELSE 'TABLE ' || item.object_name
        END;
        who := CASE WHEN item.grantee = 'PUBLIC' THEN 'PUBLIC' ELSE quote_ident(item.grantee) END;
        IF item.object_type = 'column' THEN
            EXECUTE format('REVOKE %s (%I) ON %s FROM %s',
                item.privilege, item.column_name, target, who);
        ELSE
            EXECUTE format('REVOKE %s ON %s FROM %s', item.privilege, target, who);
        END IF;
        changes := changes + 1;
    END LOOP;
    FOR item IN
        SELECT * FROM xferity.role_model_privileges()
        EXCEPT
        SELECT * FROM xferity.role_model_grants_held()
    LOOP
        target := CASE item.object_type
            WHEN 'schema' THEN 'SCHEMA xferity'
            WHEN 'sequence' THEN 'SEQUENCE ' || item.object_name
            WHEN 'function' THEN 'FUNCTION ' || item.object_name
            ELSE 'TABLE ' || item.object_name
        END;
        IF item.object_type = 'column' THEN
            EXECUTE format('GRANT %s (%I) ON %s TO %I',
                item.privilege, item.column_name, target, item.grantee);
        ELSE
            EXECUTE format('GRANT %s ON %s TO %I', item.privilege, target, item.grantee);
        END IF;
        changes := changes + 1;
    END LOOP;
    RETURN changes;
END;
$$;

COMMENT ON FUNCTION xferity.grant_role_model() IS
'[admin] Makes the object privileges of the app, worker and read-only roles of xferity.role_model, and of PUBLIC, in schema xferity exactly role_model_privileges(): revokes the rest, grants what is missing. Run it as the owner role after every migration run; returns the number of GRANT/REVOKE statements run (0: nothing changed). Without a recorded role model it does nothing.';

REVOKE EXECUTE ON FUNCTION xferity.role_model_privileges() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION xferity.role_model_grants_held() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION xferity.grant_role_model() FROM PUBLIC;

-- reset_all_data() keeps the role model, as it keeps the runner's bookkeeping.
CREATE OR REPLACE FUNCTION xferity.reset_all_data()
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    table_list text;
BEGIN
    SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ' ORDER BY c.relname)
    INTO table_list
    FROM pg_catalog.pg_class AS c
    INNER JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE
        n.nspname = 'xferity'
        AND c.relkind IN ('r', 'p')
        AND NOT c.relispartition
        AND c.relname NOT IN ('schema_migrations', 'schema_migration_log', 'role_model');
    IF table_list IS NOT NULL THEN
        EXECUTE 'TRUNCATE TABLE ' || table_list || ' RESTART IDENTITY CASCADE';
    END IF;
END;
$$;

-- The data class of every column of migrations 0002-0012, and the tags of
-- their functions: the original comments, each prefixed with its class or tag.

COMMENT ON COLUMN xferity.as2_mdns.mdn_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.as2_mdns.message_id IS
'[public] The AS2 message this MDN acknowledges.';
COMMENT ON COLUMN xferity.as2_mdns.mdn_message_id IS
'[public] Message-ID of the MDN itself, if it had one.';
COMMENT ON COLUMN xferity.as2_mdns.disposition IS
'[public] Disposition field as received, e.g. automatic-action/MDN-sent-automatically; processed.';
COMMENT ON COLUMN xferity.as2_mdns.outcome IS
'[public] Parsed disposition: processed, processed_with_warning, failed or error.';
COMMENT ON COLUMN xferity.as2_mdns.signed IS
'[public] Whether the MDN was signed.';
COMMENT ON COLUMN xferity.as2_mdns.signature_verified IS
'[public] Whether the MDN signature verified against the partner''s certificate; false when unsigned.';
COMMENT ON COLUMN xferity.as2_mdns.received_mic IS
'[public] Received-Content-MIC value (base64); NULL if the MDN carried none.';
COMMENT ON COLUMN xferity.as2_mdns.received_mic_algorithm IS
'[public] Algorithm of received_mic; set exactly when received_mic is.';
COMMENT ON COLUMN xferity.as2_mdns.received_at IS
'[public] When the MDN was received (outbound message) or issued (inbound message).';

COMMENT ON COLUMN xferity.as2_messages.message_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.as2_messages.as2_message_id IS
'[public] Message-ID header of the AS2 message, without angle brackets.';
COMMENT ON COLUMN xferity.as2_messages.direction IS
'[public] inbound (from a partner) or outbound (to one).';
COMMENT ON COLUMN xferity.as2_messages.partner_id IS
'[public] Partner id from the partner YAML files.';
COMMENT ON COLUMN xferity.as2_messages.as2_from IS
'[public] AS2-From header.';
COMMENT ON COLUMN xferity.as2_messages.as2_to IS
'[public] AS2-To header.';
COMMENT ON COLUMN xferity.as2_messages.filename IS
'[public] Payload file name (Content-Disposition filename); NULL if the message carried none.';
COMMENT ON COLUMN xferity.as2_messages.size_bytes IS
'[public] Payload size in bytes, before signing/encryption.';
COMMENT ON COLUMN xferity.as2_messages.content_sha256 IS
'[public] Lowercase hex SHA-256 of the payload.';
COMMENT ON COLUMN xferity.as2_messages.signed IS
'[public] Whether the message was S/MIME signed.';
COMMENT ON COLUMN xferity.as2_messages.encrypted IS
'[public] Whether the message was S/MIME encrypted.';
COMMENT ON COLUMN xferity.as2_messages.compressed IS
'[public] Whether the payload was compressed (RFC 5402).';
COMMENT ON COLUMN xferity.as2_messages.mic IS
'[public] Message integrity check (base64) computed over the payload; compared with the MDN''s Received-Content-MIC.';
COMMENT ON COLUMN xferity.as2_messages.mic_algorithm IS
'[public] Algorithm of mic: md5, sha1, sha-224, sha-256, sha-384 or sha-512; set exactly when mic is.';
COMMENT ON COLUMN xferity.as2_messages.status IS
'[public] queued, sent, received, awaiting_mdn, acknowledged (positive MDN), rejected (negative MDN) or failed.';
COMMENT ON COLUMN xferity.as2_messages.mdn_mode IS
'[public] Receipt requested: sync (same HTTP exchange), async (delivered to async_return_url) or none.';
COMMENT ON COLUMN xferity.as2_messages.async_return_url IS
'[public] Receipt-Delivery-Option URL of an async MDN; set exactly when mdn_mode = async.';
COMMENT ON COLUMN xferity.as2_messages.run_id IS
'[public] Flow run that sent or received the message; NULL once that run is deleted.';
COMMENT ON COLUMN xferity.as2_messages.created_at IS
'[public] When the message record was created.';
COMMENT ON COLUMN xferity.as2_messages.transmitted_at IS
'[public] When the message was sent (outbound) or received (inbound); NULL while queued.';
COMMENT ON COLUMN xferity.as2_messages.updated_at IS
'[public] When the row last changed (status updates).';

COMMENT ON COLUMN xferity.auth_sessions.session_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.auth_sessions.token_sha256 IS
'[secret] Lowercase hex SHA-256 of the session token; the token itself is only ever in the client''s cookie.';
COMMENT ON COLUMN xferity.auth_sessions.user_id IS
'[public] User the session belongs to.';
COMMENT ON COLUMN xferity.auth_sessions.created_at IS
'[public] Login time.';
COMMENT ON COLUMN xferity.auth_sessions.expires_at IS
'[public] Hard expiry; after it the session is refused and may be deleted.';
COMMENT ON COLUMN xferity.auth_sessions.last_seen_at IS
'[public] Last request made with the session.';
COMMENT ON COLUMN xferity.auth_sessions.revoked_at IS
'[public] When the session was revoked (logout, admin action); NULL while not revoked.';
COMMENT ON COLUMN xferity.auth_sessions.client_ip IS
'[personal] Client address at login.';
COMMENT ON COLUMN xferity.auth_sessions.user_agent IS
'[personal] User-Agent header at login.';

COMMENT ON COLUMN xferity.auth_users.user_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.auth_users.username IS
'[personal] Login name of a local account; unique; NULL for OIDC users.';
COMMENT ON COLUMN xferity.auth_users.oidc_issuer IS
'[public] OIDC issuer URL (https) of an OIDC user; NULL for local accounts.';
COMMENT ON COLUMN xferity.auth_users.oidc_subject IS
'[personal] OIDC sub claim; (oidc_issuer, oidc_subject) is unique.';
COMMENT ON COLUMN xferity.auth_users.display_name IS
'[personal] Name shown in the UI.';
COMMENT ON COLUMN xferity.auth_users.email IS
'[personal] Contact address, informational only.';
COMMENT ON COLUMN xferity.auth_users.password_hash IS
'[secret] PHC-format password hash (e.g. $argon2id$...) of a local account; never a password. NULL for OIDC users.';
COMMENT ON COLUMN xferity.auth_users.role IS
'[public] viewer (read only), operator (run and manage flows) or admin (also /metrics and user management).';
COMMENT ON COLUMN xferity.auth_users.disabled IS
'[public] A disabled user cannot log in and its sessions are refused.';
COMMENT ON COLUMN xferity.auth_users.created_at IS
'[public] When the user was created.';
COMMENT ON COLUMN xferity.auth_users.updated_at IS
'[public] When the user row last changed.';
COMMENT ON COLUMN xferity.auth_users.last_login_at IS
'[personal] Last successful login; NULL if the user never logged in.';

COMMENT ON COLUMN xferity.certificates.certificate_id IS
'[public] Surrogate key (asset_id of a certificate).';
COMMENT ON COLUMN xferity.certificates.name IS
'[public] Operator-chosen unique name (asset_name in posture findings).';
COMMENT ON COLUMN xferity.certificates.subject IS
'[public] Subject distinguished name (RFC 4514).';
COMMENT ON COLUMN xferity.certificates.issuer IS
'[public] Issuer distinguished name (RFC 4514).';
COMMENT ON COLUMN xferity.certificates.serial_number IS
'[public] Serial number, lowercase hex.';
COMMENT ON COLUMN xferity.certificates.fingerprint_sha256 IS
'[public] Lowercase hex SHA-256 of the DER encoding; unique.';
COMMENT ON COLUMN xferity.certificates.not_before IS
'[public] Start of validity.';
COMMENT ON COLUMN xferity.certificates.not_after IS
'[public] End of validity (expiry).';
COMMENT ON COLUMN xferity.certificates.public_pem IS
'[public] The certificate, PEM encoded.';
COMMENT ON COLUMN xferity.certificates.origin IS
'[public] imported (brought in by an operator) or generated (created by Xferity).';
COMMENT ON COLUMN xferity.certificates.private_key_ref IS
'[secret] Secret reference to the private key, e.g. local-vault:NAME; NULL when Xferity holds no private key. Never key material.';
COMMENT ON COLUMN xferity.certificates.created_at IS
'[public] When the certificate was added.';
COMMENT ON COLUMN xferity.certificates.updated_at IS
'[public] When the row last changed.';

COMMENT ON COLUMN xferity.crypto_asset_expiry.asset_type IS
'[public] certificate or pgp_key.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.asset_id IS
'[public] certificate_id or pgp_key_id.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.asset_name IS
'[public] Name of the asset.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.fingerprint IS
'[public] SHA-256 fingerprint (certificate) or OpenPGP fingerprint (key).';
COMMENT ON COLUMN xferity.crypto_asset_expiry.expires_at IS
'[public] not_after or PGP expiry.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.partner_ids IS
'[public] Partners bound to the asset, sorted; empty if unbound.';

COMMENT ON COLUMN xferity.flow_idempotency.idempotency_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.flow_idempotency.flow_name IS
'[public] Flow that processed the content.';
COMMENT ON COLUMN xferity.flow_idempotency.content_sha256 IS
'[public] Lowercase hex SHA-256 of the processed file content.';
COMMENT ON COLUMN xferity.flow_idempotency.processed_at IS
'[public] When the content was successfully processed.';
COMMENT ON COLUMN xferity.flow_idempotency.run_id IS
'[public] Run that processed it; set to NULL when that run is deleted.';
COMMENT ON COLUMN xferity.flow_idempotency.file_name IS
'[public] File name the content arrived under, for operators.';

COMMENT ON COLUMN xferity.flow_run_files.file_outcome_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.flow_run_files.run_id IS
'[public] Run that handled the file.';
COMMENT ON COLUMN xferity.flow_run_files.file_name IS
'[public] Base name of the file.';
COMMENT ON COLUMN xferity.flow_run_files.remote_path IS
'[public] Path on the remote endpoint (SFTP, FTPS, S3 key, ...); NULL for purely local steps.';
COMMENT ON COLUMN xferity.flow_run_files.local_path IS
'[public] Path on the Xferity host (staging or archive); NULL if never staged locally.';
COMMENT ON COLUMN xferity.flow_run_files.size_bytes IS
'[public] File size in bytes, when known.';
COMMENT ON COLUMN xferity.flow_run_files.content_sha256 IS
'[public] Lowercase hex SHA-256 of the file content; required for a successful transfer.';
COMMENT ON COLUMN xferity.flow_run_files.outcome IS
'[public] success, failure or skipped.';
COMMENT ON COLUMN xferity.flow_run_files.error_message IS
'[public] Why the file failed or was skipped; required when outcome is failure.';
COMMENT ON COLUMN xferity.flow_run_files.recorded_at IS
'[public] When the outcome was recorded.';

COMMENT ON COLUMN xferity.flow_runs.run_id IS
'[public] Run identifier (run_id in logs, audit records and metrics).';
COMMENT ON COLUMN xferity.flow_runs.flow_name IS
'[public] Name of the flow definition (YAML) that ran.';
COMMENT ON COLUMN xferity.flow_runs.correlation_id IS
'[public] Correlation id shared by every log line, audit event and job of this run.';
COMMENT ON COLUMN xferity.flow_runs.trigger_type IS
'[public] What started the run: schedule, manual, api, watch (file watch/poll), as2_inbound or resume.';
COMMENT ON COLUMN xferity.flow_runs.status IS
'[public] queued, running, committed, failed, retry, dead_letter or skipped.';
COMMENT ON COLUMN xferity.flow_runs.attempt IS
'[public] Attempt number of the current execution, starting at 1.';
COMMENT ON COLUMN xferity.flow_runs.retry_count IS
'[public] How many times the run was retried after a failure.';
COMMENT ON COLUMN xferity.flow_runs.queued_at IS
'[public] When the run was created (enqueued).';
COMMENT ON COLUMN xferity.flow_runs.started_at IS
'[public] When a worker started executing the run; NULL while queued.';
COMMENT ON COLUMN xferity.flow_runs.finished_at IS
'[public] When the run reached committed, failed, dead_letter or skipped; NULL while in progress.';
COMMENT ON COLUMN xferity.flow_runs.error_code IS
'[public] Machine-readable code of the last error; required when status is failed or dead_letter.';
COMMENT ON COLUMN xferity.flow_runs.error_message IS
'[public] Human-readable message of the last error.';

COMMENT ON COLUMN xferity.job_errors.id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.job_errors.job_id IS
'[public] The job whose attempt failed.';
COMMENT ON COLUMN xferity.job_errors.attempt IS
'[public] Which attempt failed (xferity.jobs.attempt at the time).';
COMMENT ON COLUMN xferity.job_errors.worker_id IS
'[public] Worker that held the lease of the failed attempt.';
COMMENT ON COLUMN xferity.job_errors.reason IS
'[public] error (transient, reported by fail_job), permanent (fail_job with permanent => true), or lease_expired (the worker died or overran its lease).';
COMMENT ON COLUMN xferity.job_errors.message IS
'[personal] Error text reported by the worker, or written by the reaper.';
COMMENT ON COLUMN xferity.job_errors.failed_at IS
'[public] When the failure was recorded.';
COMMENT ON COLUMN xferity.job_errors.retry_at IS
'[public] When the job became claimable again (its new run_at); NULL when this failure was final.';

COMMENT ON COLUMN xferity.jobs.id IS
'[public] Surrogate key; the id workers pass to the job functions.';
COMMENT ON COLUMN xferity.jobs.queue IS
'[public] Queue name (1-128 characters); workers may claim from a subset of queues. Also the payload of the xferity_jobs NOTIFY.';
COMMENT ON COLUMN xferity.jobs.kind IS
'[public] What the job does, e.g. flow_run or posture_snapshot; workers dispatch on it.';
COMMENT ON COLUMN xferity.jobs.payload IS
'[personal] Arguments of the job, interpreted by the handler of its kind.';
COMMENT ON COLUMN xferity.jobs.state IS
'[public] available (waiting for run_at or a worker), running (leased to locked_by), completed, or failed (final).';
COMMENT ON COLUMN xferity.jobs.priority IS
'[public] Higher runs first among due jobs; default 0.';
COMMENT ON COLUMN xferity.jobs.run_at IS
'[public] Earliest time the job may be claimed. A retry moves it to the backoff time; among jobs of equal priority the earliest run_at is claimed first.';
COMMENT ON COLUMN xferity.jobs.attempt IS
'[public] Number of times the job has been claimed; claim_job adds one. The running attempt is this number.';
COMMENT ON COLUMN xferity.jobs.max_attempts IS
'[public] Claims allowed before the job fails for good (Xferity worker.max_attempts, default 3).';
COMMENT ON COLUMN xferity.jobs.locked_by IS
'[public] worker_id that holds the lease while running, or that ran the latest attempt; NULL until the first claim.';
COMMENT ON COLUMN xferity.jobs.locked_at IS
'[public] When the latest attempt was claimed; NULL until the first claim.';
COMMENT ON COLUMN xferity.jobs.lease_expires_at IS
'[public] While running: the end of the lease. Past it, the holder can no longer complete, fail or heartbeat the job and reap_expired_jobs hands it back. NULL in every other state.';
COMMENT ON COLUMN xferity.jobs.dedupe_key IS
'[public] Optional caller key: while a job with this key is unfinished (available or running), enqueue_job with the same key returns that job instead of adding another.';
COMMENT ON COLUMN xferity.jobs.result IS
'[personal] Result document stored by complete_job; NULL if none was given.';
COMMENT ON COLUMN xferity.jobs.last_error IS
'[personal] Error of the latest failed attempt (all of them are in xferity.job_errors).';
COMMENT ON COLUMN xferity.jobs.created_at IS
'[public] When the job was enqueued.';
COMMENT ON COLUMN xferity.jobs.finished_at IS
'[public] When the job reached completed or failed; NULL while unfinished.';

COMMENT ON COLUMN xferity.live_workers.worker_id IS
'[public] The worker''s chosen identifier.';
COMMENT ON COLUMN xferity.live_workers.hostname IS
'[public] Host the worker runs on.';
COMMENT ON COLUMN xferity.live_workers.info IS
'[personal] Facts the worker reported at registration.';
COMMENT ON COLUMN xferity.live_workers.registered_at IS
'[public] When the worker (re-)registered.';
COMMENT ON COLUMN xferity.live_workers.last_seen_at IS
'[public] Its latest heartbeat.';
COMMENT ON COLUMN xferity.live_workers.running_jobs IS
'[public] Jobs it holds a lease on now.';

COMMENT ON COLUMN xferity.partner_crypto_bindings.binding_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.partner_id IS
'[public] Partner id as defined in the partner YAML files.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.role IS
'[public] signing, verification, encryption, decryption, tls_client or tls_server (TLS roles need a certificate).';
COMMENT ON COLUMN xferity.partner_crypto_bindings.asset_type IS
'[public] certificate or pgp_key.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.certificate_id IS
'[public] Bound certificate when asset_type = certificate.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.pgp_key_id IS
'[public] Bound PGP key when asset_type = pgp_key.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.asset_id IS
'[public] Id of the bound asset (certificate_id or pgp_key_id), derived.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.created_at IS
'[public] When the binding was made.';

COMMENT ON COLUMN xferity.pgp_keys.pgp_key_id IS
'[public] Surrogate key (asset_id of a PGP key).';
COMMENT ON COLUMN xferity.pgp_keys.name IS
'[public] Operator-chosen unique name (asset_name in posture findings).';
COMMENT ON COLUMN xferity.pgp_keys.fingerprint IS
'[public] Primary key fingerprint, uppercase hex (40 digits for v4, 64 for v5/v6); unique.';
COMMENT ON COLUMN xferity.pgp_keys.key_id IS
'[public] Long key id, 16 uppercase hex digits (for v4 keys the last 16 of the fingerprint).';
COMMENT ON COLUMN xferity.pgp_keys.user_ids IS
'[personal] User ID packets, e.g. {"Acme EDI <edi@acme.example>"}.';
COMMENT ON COLUMN xferity.pgp_keys.capabilities IS
'[public] Usable capabilities of the key and its subkeys: certify, sign, encrypt, authenticate.';
COMMENT ON COLUMN xferity.pgp_keys.key_created_at IS
'[public] Creation time recorded in the key.';
COMMENT ON COLUMN xferity.pgp_keys.expires_at IS
'[public] Expiry of the primary key; NULL if it never expires.';
COMMENT ON COLUMN xferity.pgp_keys.armored_public_key IS
'[public] The public key, ASCII armored.';
COMMENT ON COLUMN xferity.pgp_keys.private_key_ref IS
'[secret] Secret reference to the private key, e.g. local-vault:NAME; NULL for a partner''s public key. Never key material.';
COMMENT ON COLUMN xferity.pgp_keys.created_at IS
'[public] When the key was added.';
COMMENT ON COLUMN xferity.pgp_keys.updated_at IS
'[public] When the row last changed.';

COMMENT ON COLUMN xferity.posture_findings.finding_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.posture_findings.snapshot_id IS
'[public] Snapshot the finding belongs to.';
COMMENT ON COLUMN xferity.posture_findings.finding_key IS
'[public] Stable identity of the finding across snapshots (e.g. code|scope|partner_id|asset_type:asset_id); unique within a snapshot.';
COMMENT ON COLUMN xferity.posture_findings.domain IS
'[public] crypto, lifecycle, transport, auth, secrets or flow.';
COMMENT ON COLUMN xferity.posture_findings.scope IS
'[public] What the finding is about: global, partner, flow or asset.';
COMMENT ON COLUMN xferity.posture_findings.severity IS
'[public] error, warning or info.';
COMMENT ON COLUMN xferity.posture_findings.code IS
'[public] Check code in snake_case, e.g. certificate_expiring_soon.';
COMMENT ON COLUMN xferity.posture_findings.message IS
'[public] Human-readable description.';
COMMENT ON COLUMN xferity.posture_findings.suggestion IS
'[public] Suggested remediation, if any.';
COMMENT ON COLUMN xferity.posture_findings.partner_id IS
'[public] Partner concerned, if any.';
COMMENT ON COLUMN xferity.posture_findings.asset_type IS
'[public] certificate, pgp_key, ssh_key or vault_secret when the finding is about an asset.';
COMMENT ON COLUMN xferity.posture_findings.asset_id IS
'[public] Asset identifier as reported by the engine (text: file-backed assets have no numeric id).';
COMMENT ON COLUMN xferity.posture_findings.asset_name IS
'[public] Asset name as shown to operators.';
COMMENT ON COLUMN xferity.posture_findings.suppressed IS
'[public] Whether an active suppression hid the finding when the snapshot was taken.';
COMMENT ON COLUMN xferity.posture_findings.last_evaluated_at IS
'[public] When the engine last evaluated this check.';

COMMENT ON COLUMN xferity.posture_snapshots.snapshot_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.posture_snapshots.taken_at IS
'[public] When the report was evaluated.';
COMMENT ON COLUMN xferity.posture_snapshots.total_errors IS
'[public] Number of unsuppressed findings with severity error.';
COMMENT ON COLUMN xferity.posture_snapshots.total_warnings IS
'[public] Number of unsuppressed findings with severity warning.';
COMMENT ON COLUMN xferity.posture_snapshots.total_info IS
'[public] Number of unsuppressed findings with severity info.';
COMMENT ON COLUMN xferity.posture_snapshots.total_suppressed IS
'[public] Number of findings hidden by an active suppression.';
COMMENT ON COLUMN xferity.posture_snapshots.health_score IS
'[public] Overall health figure of the report, 0 (worst) to 100 (no findings).';
COMMENT ON COLUMN xferity.posture_snapshots.report IS
'[public] The full PostureReport as returned by the posture API (a JSON object with checks[] and totals).';

COMMENT ON COLUMN xferity.queue_depth.queue IS
'[public] Queue name.';
COMMENT ON COLUMN xferity.queue_depth.state IS
'[public] Job state.';
COMMENT ON COLUMN xferity.queue_depth.jobs IS
'[public] Jobs in this queue and state.';
COMMENT ON COLUMN xferity.queue_depth.due_jobs IS
'[public] Of those, jobs whose run_at has passed (for available: claimable now).';
COMMENT ON COLUMN xferity.queue_depth.oldest_due_age IS
'[public] For available and running jobs: now() minus the earliest run_at that has passed, i.e. how long the oldest due job has been waiting or in work. NULL for finished states or when nothing is due.';

COMMENT ON COLUMN xferity.regression_alerts.alert_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.regression_alerts.finding_key IS
'[public] Stable key of the regressed finding (posture_findings.finding_key).';
COMMENT ON COLUMN xferity.regression_alerts.code IS
'[public] Check code of the finding.';
COMMENT ON COLUMN xferity.regression_alerts.partner_id IS
'[public] Partner concerned, if any.';
COMMENT ON COLUMN xferity.regression_alerts.message IS
'[public] Finding message in the current snapshot.';
COMMENT ON COLUMN xferity.regression_alerts.previous_snapshot_id IS
'[public] Baseline snapshot; NULL once retention deleted it.';
COMMENT ON COLUMN xferity.regression_alerts.current_snapshot_id IS
'[public] Snapshot in which the regression was seen; NULL once retention deleted it.';
COMMENT ON COLUMN xferity.regression_alerts.previous_severity IS
'[public] Severity in the baseline snapshot; NULL if the finding was absent (new finding).';
COMMENT ON COLUMN xferity.regression_alerts.severity IS
'[public] Severity in the current snapshot: error, warning or info.';
COMMENT ON COLUMN xferity.regression_alerts.detected_at IS
'[public] When the regression was detected.';
COMMENT ON COLUMN xferity.regression_alerts.notified_at IS
'[public] When notification channels were told; NULL while not yet notified.';
COMMENT ON COLUMN xferity.regression_alerts.acknowledged_by IS
'[personal] User who acknowledged the alert (username or OIDC subject).';
COMMENT ON COLUMN xferity.regression_alerts.acknowledged_at IS
'[public] When the alert was acknowledged.';
COMMENT ON COLUMN xferity.regression_alerts.resolved_at IS
'[public] When the alert was resolved (finding gone or back to its previous severity); NULL while open.';

COMMENT ON COLUMN xferity.suppressions.suppression_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.suppressions.finding_code IS
'[public] Posture check code to suppress, e.g. sftp_host_key_not_pinned.';
COMMENT ON COLUMN xferity.suppressions.scope IS
'[public] Finding scope it applies to: global, partner, flow or asset. partner needs partner_id, asset needs an asset, global allows neither.';
COMMENT ON COLUMN xferity.suppressions.partner_id IS
'[public] Only findings of this partner; NULL matches any partner.';
COMMENT ON COLUMN xferity.suppressions.asset_type IS
'[public] Type of the asset in asset_id: certificate, pgp_key, ssh_key or vault_secret.';
COMMENT ON COLUMN xferity.suppressions.asset_id IS
'[public] Only findings about this asset; NULL matches any asset.';
COMMENT ON COLUMN xferity.suppressions.reason IS
'[public] Why the risk is accepted; required.';
COMMENT ON COLUMN xferity.suppressions.created_by IS
'[personal] User who created the suppression.';
COMMENT ON COLUMN xferity.suppressions.created_at IS
'[public] When the suppression was created; it is active from then.';
COMMENT ON COLUMN xferity.suppressions.expires_at IS
'[public] When the suppression lapses on its own; NULL means until revoked.';
COMMENT ON COLUMN xferity.suppressions.revoked_at IS
'[public] When the suppression was revoked; NULL while not revoked.';
COMMENT ON COLUMN xferity.suppressions.revoked_by IS
'[personal] User who revoked it.';

COMMENT ON COLUMN xferity.vault_secrets.secret_id IS
'[secret] Surrogate key.';
COMMENT ON COLUMN xferity.vault_secrets.name IS
'[secret] Secret name as used in local-vault:NAME references; unique.';
COMMENT ON COLUMN xferity.vault_secrets.ciphertext IS
'[secret] AES-256-GCM ciphertext of the value followed by the 16-byte authentication tag.';
COMMENT ON COLUMN xferity.vault_secrets.nonce IS
'[secret] 96-bit GCM nonce; never reused under the same key_version.';
COMMENT ON COLUMN xferity.vault_secrets.key_version IS
'[secret] Version of the master key that encrypted the value; rotation re-encrypts under a newer one.';
COMMENT ON COLUMN xferity.vault_secrets.algorithm IS
'[secret] Always AES-256-GCM.';
COMMENT ON COLUMN xferity.vault_secrets.created_at IS
'[secret] When the secret was first stored.';
COMMENT ON COLUMN xferity.vault_secrets.updated_at IS
'[secret] When the value was last replaced.';
COMMENT ON COLUMN xferity.vault_secrets.rotated_at IS
'[secret] When the value was last re-encrypted under a new key version; NULL if never.';

COMMENT ON COLUMN xferity.workers.id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.workers.worker_id IS
'[public] Identifier the worker chose, unique among workers (e.g. hostname:pid:random); the same text it passes as worker_id to the job functions.';
COMMENT ON COLUMN xferity.workers.hostname IS
'[public] Host the worker runs on.';
COMMENT ON COLUMN xferity.workers.info IS
'[personal] Free-form facts the worker reports: version, queues, max_concurrent_jobs, pid.';
COMMENT ON COLUMN xferity.workers.registered_at IS
'[public] When the worker (re-)registered.';
COMMENT ON COLUMN xferity.workers.last_seen_at IS
'[public] Latest register_worker or worker_heartbeat call.';

COMMENT ON COLUMN xferity.workflow_event_subscriptions.subscription_id IS
'[public] Subscription id.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.workflow_id IS
'[public] Waiting workflow instance.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.step_id IS
'[public] Waiting step (definition index).';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.execution_pointer_id IS
'[public] Waiting execution pointer.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.event_name IS
'[public] Event name awaited.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.event_key IS
'[public] Event key awaited.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.subscribe_as_of IS
'[public] Only events at or after this time satisfy the subscription.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.subscription_data IS
'[personal] Engine data attached to the subscription.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.external_token IS
'[secret] Lock token of the worker currently holding the subscription; NULL when free.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.external_worker_id IS
'[public] Worker holding the lock, for diagnostics.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.external_token_expiry IS
'[public] When the lock lapses and another worker may take it; set exactly when external_token is.';

COMMENT ON COLUMN xferity.workflow_events.event_id IS
'[public] Event id.';
COMMENT ON COLUMN xferity.workflow_events.event_name IS
'[public] Event name, e.g. as2.mdn_received.';
COMMENT ON COLUMN xferity.workflow_events.event_key IS
'[public] Event key that subscriptions match on, e.g. an AS2 message id.';
COMMENT ON COLUMN xferity.workflow_events.event_data IS
'[personal] Event payload, JSON (null if none).';
COMMENT ON COLUMN xferity.workflow_events.event_time IS
'[public] When the event happened.';
COMMENT ON COLUMN xferity.workflow_events.is_processed IS
'[public] Whether the event has been delivered to its subscribers.';

COMMENT ON COLUMN xferity.workflow_execution_errors.error_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.workflow_execution_errors.error_time IS
'[public] When the error occurred.';
COMMENT ON COLUMN xferity.workflow_execution_errors.workflow_id IS
'[public] Workflow instance that failed.';
COMMENT ON COLUMN xferity.workflow_execution_errors.execution_pointer_id IS
'[public] Pointer (step) that failed; NULL if the error was not step-specific or the pointer was deleted.';
COMMENT ON COLUMN xferity.workflow_execution_errors.message IS
'[personal] Error message.';

COMMENT ON COLUMN xferity.workflow_execution_pointers.pointer_id IS
'[public] Execution pointer id.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.workflow_id IS
'[public] Owning workflow instance.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.step_id IS
'[public] Index of the step in the workflow definition.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.step_name IS
'[public] Name of the step, if named.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.active IS
'[public] Whether the pointer is still to be executed.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.status IS
'[public] pending, pending_predecessor, running, sleeping, waiting_for_event, complete, failed, compensated or cancelled.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.sleep_until IS
'[public] Do not execute before this time (sleeping steps and retry back-off).';
COMMENT ON COLUMN xferity.workflow_execution_pointers.persistence_data IS
'[personal] Step-private state persisted between executions.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.started_at IS
'[public] When the step started.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.ended_at IS
'[public] When the step ended.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_name IS
'[public] Name of the event the step waits on.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_key IS
'[public] Key of the event the step waits on.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_published IS
'[public] Whether the awaited event has been delivered to the step.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_data IS
'[personal] Data of the delivered event.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.retry_count IS
'[public] How many times the step was retried.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.children IS
'[public] JSON array of child pointer ids (parallel and loop branches).';
COMMENT ON COLUMN xferity.workflow_execution_pointers.context_item IS
'[personal] Item of the enclosing foreach this branch handles.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.predecessor_id IS
'[public] Pointer that preceded this one; NULL once that pointer is deleted.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.outcome IS
'[public] Outcome value the step returned, used to choose the next step.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.scope IS
'[public] JSON array of enclosing container pointer ids, innermost first.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.extension_attributes IS
'[personal] JSON object of engine extension attributes.';

COMMENT ON COLUMN xferity.workflow_instances.workflow_id IS
'[public] Workflow instance id.';
COMMENT ON COLUMN xferity.workflow_instances.definition_id IS
'[public] Id of the workflow definition.';
COMMENT ON COLUMN xferity.workflow_instances.version IS
'[public] Version of the workflow definition.';
COMMENT ON COLUMN xferity.workflow_instances.description IS
'[public] Free-text description.';
COMMENT ON COLUMN xferity.workflow_instances.reference IS
'[public] Caller-supplied reference, e.g. the flow run id that started it.';
COMMENT ON COLUMN xferity.workflow_instances.status IS
'[public] runnable, suspended, complete or terminated.';
COMMENT ON COLUMN xferity.workflow_instances.data IS
'[personal] Workflow data, JSON.';
COMMENT ON COLUMN xferity.workflow_instances.next_execution IS
'[public] When the instance is next due for execution; NULL when nothing is scheduled.';
COMMENT ON COLUMN xferity.workflow_instances.created_at IS
'[public] When the instance was created.';
COMMENT ON COLUMN xferity.workflow_instances.completed_at IS
'[public] When the instance completed or was terminated; required for complete.';

COMMENT ON COLUMN xferity.workflow_scheduled_commands.command_id IS
'[public] Surrogate key.';
COMMENT ON COLUMN xferity.workflow_scheduled_commands.command_name IS
'[public] Command to run, e.g. ProcessWorkflow or ProcessEvent.';
COMMENT ON COLUMN xferity.workflow_scheduled_commands.data IS
'[public] Command argument, e.g. a workflow or event id.';
COMMENT ON COLUMN xferity.workflow_scheduled_commands.execute_time IS
'[public] When the command is due.';
COMMENT ON FUNCTION xferity.claim_job(text, text[], integer, interval) IS
'[worker] Leases up to max_jobs claimable jobs (available, run_at <= now(), attempts left) from the given queues (NULL: all) to worker_id, highest priority first, then earliest run_at, then id. Each returned job has attempt + 1, locked_by = worker_id and lease_expires_at = now() + lease (default 300s, Xferity job_execution_timeout). Never waits on another claimer (FOR UPDATE SKIP LOCKED); returns no rows when nothing is claimable.';
COMMENT ON FUNCTION xferity.complete_job(bigint, text, jsonb) IS
'[worker] Marks a job completed and stores its result. Only the holder of a live lease can: returns false, changing nothing, when worker_id does not hold the job or its lease has expired (the job may be running elsewhere).';
COMMENT ON FUNCTION xferity.complete_jobs(bigint[], text) IS
'[worker] Batch form of complete_job (no result documents): completes those of the given jobs on which worker_id holds a live lease and returns how many. A count short of the distinct ids means some leases were lost; those jobs are unchanged.';
COMMENT ON FUNCTION xferity.enqueue_job(text, jsonb, text, timestamp with time zone, integer, integer, text) IS
'[worker] Adds a job and returns its id. NULL arguments take the defaults. With a dedupe_key, returns the id of the unfinished (available or running) job holding that key instead of adding a second one; race-safe through the jobs_dedupe_key_idx unique index. Sends NOTIFY xferity_jobs (payload: queue) on commit when run_at <= now().';
COMMENT ON FUNCTION xferity.fail_job(bigint, text, text, boolean, interval, interval) IS
'[worker] Records a failed attempt (in xferity.job_errors) and returns the job''s new state: ''available'' when it will be retried, ''failed'' when the failure is final (permanent => true, or attempt >= max_attempts), or ''lease_lost'' when worker_id holds no live lease on the job, in which case nothing changes. A retry after attempt n runs at now() + d * (1 - 0.1 * random()) where d = least(backoff_cap, backoff_base * 2^(n-1)): the full delay minus up to 10% jitter. Defaults: base 5s, cap 60s (Xferity retry_backoff_base and retry_backoff_cap). Sends NOTIFY xferity_jobs only if the retry is due at once (zero backoff).';
COMMENT ON FUNCTION xferity.heartbeat_job(bigint, text, interval) IS
'[worker] Extends a live lease to now() + lease. Returns false when worker_id no longer holds a live lease on the job: the worker should abandon it, since it may already run elsewhere.';
COMMENT ON FUNCTION xferity.reap_expired_jobs() IS
'[worker] Hands back the jobs whose lease expired (worker died, lost its connection, or overran job_execution_timeout without heartbeat_job): each becomes available again at once, keeping its place in claim order, or failed when its attempts are used up. Records a lease_expired row in xferity.job_errors for every lost attempt, sends NOTIFY xferity_jobs per queue with jobs back, and returns how many jobs it reaped. Safe to call from every worker on every poll: it is cheap and never waits.';
COMMENT ON FUNCTION xferity.register_worker(text, text, jsonb) IS
'[worker] Registers (or re-registers) a worker process at start-up: its worker_id, host and free-form info. Marks it seen now.';
COMMENT ON FUNCTION xferity.reset_all_data() IS
'[admin] TEST/DEV TOOL - destroys all data. Empties every table of schema xferity (TRUNCATE ... RESTART IDENTITY CASCADE, table list read from the catalog) except the migration tracking tables schema_migrations and schema_migration_log and the role model (xferity.role_model).';
COMMENT ON FUNCTION xferity.worker_heartbeat(text) IS
'[worker] Marks a registered worker seen now; call it every poll (at least every 10 seconds). Returns false when the worker is not registered: call register_worker again.';
