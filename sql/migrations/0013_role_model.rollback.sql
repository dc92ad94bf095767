-- Rollback of 0013 role model: the columns' comments and the functions'
-- comments lose their class and tag, grant_role_model() and its helpers go,
-- reset_all_data() no longer spares xferity.role_model. Object privileges of
-- the runtime roles return to what the owner's default privileges give (as
-- after 0012 with this toolkit's grant script). xferity.role_model itself is
-- dropped only when empty: when the DBA's grant script filled it, it also
-- created it, and it stays for the next upgrade.

DO $rollback$
DECLARE
    runtime text;
    app_role text;
    readonly_role text;
BEGIN
    SELECT m.role_name INTO app_role FROM xferity.role_model AS m WHERE m.kind = 'app';
    SELECT m.role_name INTO readonly_role FROM xferity.role_model AS m WHERE m.kind = 'readonly';
    FOR runtime IN
        SELECT m.role_name FROM xferity.role_model AS m
        WHERE m.kind IN ('app', 'worker', 'readonly')
    LOOP
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA xferity FROM %I', runtime);
        EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA xferity FROM %I', runtime);
        EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA xferity FROM %I', runtime);
    END LOOP;
    IF app_role IS NOT NULL THEN
        EXECUTE format(
            'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA xferity TO %I', app_role
        );
        -- The role model's own table, as the grant script leaves it.
        EXECUTE format(
            'REVOKE INSERT, UPDATE, DELETE ON TABLE xferity.role_model FROM %I', app_role
        );
        EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA xferity TO %I', app_role);
        EXECUTE format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA xferity TO %I', app_role);
    END IF;
    IF readonly_role IS NOT NULL THEN
        EXECUTE format('GRANT SELECT ON TABLE xferity.role_model TO %I', readonly_role);
    END IF;
END
$rollback$;

DROP FUNCTION xferity.grant_role_model();

DROP FUNCTION xferity.role_model_grants_held();

DROP FUNCTION xferity.role_model_privileges();

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
        AND c.relname NOT IN ('schema_migrations', 'schema_migration_log');
    IF table_list IS NOT NULL THEN
        EXECUTE 'TRUNCATE TABLE ' || table_list || ' RESTART IDENTITY CASCADE';
    END IF;
END;
$$;

DO $drop_role_model$
BEGIN
    IF NOT EXISTS (SELECT FROM xferity.role_model) THEN
        DROP TABLE xferity.role_model;
    END IF;
END
$drop_role_model$;

COMMENT ON COLUMN xferity.as2_mdns.mdn_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.as2_mdns.message_id IS
'The AS2 message this MDN acknowledges.';
COMMENT ON COLUMN xferity.as2_mdns.mdn_message_id IS
'Message-ID of the MDN itself, if it had one.';
COMMENT ON COLUMN xferity.as2_mdns.disposition IS
'Disposition field as received, e.g. automatic-action/MDN-sent-automatically; processed.';
COMMENT ON COLUMN xferity.as2_mdns.outcome IS
'Parsed disposition: processed, processed_with_warning, failed or error.';
COMMENT ON COLUMN xferity.as2_mdns.signed IS
'Whether the MDN was signed.';
COMMENT ON COLUMN xferity.as2_mdns.signature_verified IS
'Whether the MDN signature verified against the partner''s certificate; false when unsigned.';
COMMENT ON COLUMN xferity.as2_mdns.received_mic IS
'Received-Content-MIC value (base64); NULL if the MDN carried none.';
COMMENT ON COLUMN xferity.as2_mdns.received_mic_algorithm IS
'Algorithm of received_mic; set exactly when received_mic is.';
COMMENT ON COLUMN xferity.as2_mdns.received_at IS
'When the MDN was received (outbound message) or issued (inbound message).';

COMMENT ON COLUMN xferity.as2_messages.message_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.as2_messages.as2_message_id IS
'Message-ID header of the AS2 message, without angle brackets.';
COMMENT ON COLUMN xferity.as2_messages.direction IS
'inbound (from a partner) or outbound (to one).';
COMMENT ON COLUMN xferity.as2_messages.partner_id IS
'Partner id from the partner YAML files.';
COMMENT ON COLUMN xferity.as2_messages.as2_from IS
'AS2-From header.';
COMMENT ON COLUMN xferity.as2_messages.as2_to IS
'AS2-To header.';
COMMENT ON COLUMN xferity.as2_messages.filename IS
'Payload file name (Content-Disposition filename); NULL if the message carried none.';
COMMENT ON COLUMN xferity.as2_messages.size_bytes IS
'Payload size in bytes, before signing/encryption.';
COMMENT ON COLUMN xferity.as2_messages.content_sha256 IS
'Lowercase hex SHA-256 of the payload.';
COMMENT ON COLUMN xferity.as2_messages.signed IS
'Whether the message was S/MIME signed.';
COMMENT ON COLUMN xferity.as2_messages.encrypted IS
'Whether the message was S/MIME encrypted.';
COMMENT ON COLUMN xferity.as2_messages.compressed IS
'Whether the payload was compressed (RFC 5402).';
COMMENT ON COLUMN xferity.as2_messages.mic IS
'Message integrity check (base64) computed over the payload; compared with the MDN''s Received-Content-MIC.';
COMMENT ON COLUMN xferity.as2_messages.mic_algorithm IS
'Algorithm of mic: md5, sha1, sha-224, sha-256, sha-384 or sha-512; set exactly when mic is.';
COMMENT ON COLUMN xferity.as2_messages.status IS
'queued, sent, received, awaiting_mdn, acknowledged (positive MDN), rejected (negative MDN) or failed.';
COMMENT ON COLUMN xferity.as2_messages.mdn_mode IS
'Receipt requested: sync (same HTTP exchange), async (delivered to async_return_url) or none.';
COMMENT ON COLUMN xferity.as2_messages.async_return_url IS
'Receipt-Delivery-Option URL of an async MDN; set exactly when mdn_mode = async.';
COMMENT ON COLUMN xferity.as2_messages.run_id IS
'Flow run that sent or received the message; NULL once that run is deleted.';
COMMENT ON COLUMN xferity.as2_messages.created_at IS
'When the message record was created.';
COMMENT ON COLUMN xferity.as2_messages.transmitted_at IS
'When the message was sent (outbound) or received (inbound); NULL while queued.';
COMMENT ON COLUMN xferity.as2_messages.updated_at IS
'When the row last changed (status updates).';

COMMENT ON COLUMN xferity.auth_sessions.session_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.auth_sessions.token_sha256 IS
'Lowercase hex SHA-256 of the session token; the token itself is only ever in the client''s cookie.';
COMMENT ON COLUMN xferity.auth_sessions.user_id IS
'User the session belongs to.';
COMMENT ON COLUMN xferity.auth_sessions.created_at IS
'Login time.';
COMMENT ON COLUMN xferity.auth_sessions.expires_at IS
'Hard expiry; after it the session is refused and may be deleted.';
COMMENT ON COLUMN xferity.auth_sessions.last_seen_at IS
'Last request made with the session.';
COMMENT ON COLUMN xferity.auth_sessions.revoked_at IS
'When the session was revoked (logout, admin action); NULL while not revoked.';
COMMENT ON COLUMN xferity.auth_sessions.client_ip IS
'Client address at login.';
COMMENT ON COLUMN xferity.auth_sessions.user_agent IS
'User-Agent header at login.';

COMMENT ON COLUMN xferity.auth_users.user_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.auth_users.username IS
'Login name of a local account; unique; NULL for OIDC users.';
COMMENT ON COLUMN xferity.auth_users.oidc_issuer IS
'OIDC issuer URL (https) of an OIDC user; NULL for local accounts.';
COMMENT ON COLUMN xferity.auth_users.oidc_subject IS
'OIDC sub claim; (oidc_issuer, oidc_subject) is unique.';
COMMENT ON COLUMN xferity.auth_users.display_name IS
'Name shown in the UI.';
COMMENT ON COLUMN xferity.auth_users.email IS
'Contact address, informational only.';
COMMENT ON COLUMN xferity.auth_users.password_hash IS
'PHC-format password hash (e.g. $argon2id$...) of a local account; never a password. NULL for OIDC users.';
COMMENT ON COLUMN xferity.auth_users.role IS
'viewer (read only), operator (run and manage flows) or admin (also /metrics and user management).';
COMMENT ON COLUMN xferity.auth_users.disabled IS
'A disabled user cannot log in and its sessions are refused.';
COMMENT ON COLUMN xferity.auth_users.created_at IS
'When the user was created.';
COMMENT ON COLUMN xferity.auth_users.updated_at IS
'When the user row last changed.';
COMMENT ON COLUMN xferity.auth_users.last_login_at IS
'Last successful login; NULL if the user never logged in.';

COMMENT ON COLUMN xferity.certificates.certificate_id IS
'Surrogate key (asset_id of a certificate).';
COMMENT ON COLUMN xferity.certificates.name IS
'Operator-chosen unique name (asset_name in posture findings).';
COMMENT ON COLUMN xferity.certificates.subject IS
'Subject distinguished name (RFC 4514).';
COMMENT ON COLUMN xferity.certificates.issuer IS
'Issuer distinguished name (RFC 4514).';
COMMENT ON COLUMN xferity.certificates.serial_number IS
'Serial number, lowercase hex.';
COMMENT ON COLUMN xferity.certificates.fingerprint_sha256 IS
'Lowercase hex SHA-256 of the DER encoding; unique.';
COMMENT ON COLUMN xferity.certificates.not_before IS
'Start of validity.';
COMMENT ON COLUMN xferity.certificates.not_after IS
'End of validity (expiry).';
COMMENT ON COLUMN xferity.certificates.public_pem IS
'The certificate, PEM encoded.';
COMMENT ON COLUMN xferity.certificates.origin IS
'imported (brought in by an operator) or generated (created by Xferity).';
COMMENT ON COLUMN xferity.certificates.private_key_ref IS
'Secret reference to the private key, e.g. local-vault:NAME; NULL when Xferity holds no private key. Never key material.';
COMMENT ON COLUMN xferity.certificates.created_at IS
'When the certificate was added.';
COMMENT ON COLUMN xferity.certificates.updated_at IS
'When the row last changed.';

COMMENT ON COLUMN xferity.crypto_asset_expiry.asset_type IS
'certificate or pgp_key.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.asset_id IS
'certificate_id or pgp_key_id.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.asset_name IS
'Name of the asset.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.fingerprint IS
'SHA-256 fingerprint (certificate) or OpenPGP fingerprint (key).';
COMMENT ON COLUMN xferity.crypto_asset_expiry.expires_at IS
'not_after or PGP expiry.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.partner_ids IS
'Partners bound to the asset, sorted; empty if unbound.';

COMMENT ON COLUMN xferity.flow_idempotency.idempotency_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.flow_idempotency.flow_name IS
'Flow that processed the content.';
COMMENT ON COLUMN xferity.flow_idempotency.content_sha256 IS
'Lowercase hex SHA-256 of the processed file content.';
COMMENT ON COLUMN xferity.flow_idempotency.processed_at IS
'When the content was successfully processed.';
COMMENT ON COLUMN xferity.flow_idempotency.run_id IS
'Run that processed it; set to NULL when that run is deleted.';
COMMENT ON COLUMN xferity.flow_idempotency.file_name IS
'File name the content arrived under, for operators.';

COMMENT ON COLUMN xferity.flow_run_files.file_outcome_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.flow_run_files.run_id IS
'Run that handled the file.';
COMMENT ON COLUMN xferity.flow_run_files.file_name IS
'Base name of the file.';
COMMENT ON COLUMN xferity.flow_run_files.remote_path IS
'Path on the remote endpoint (SFTP, FTPS, S3 key, ...); NULL for purely local steps.';
COMMENT ON COLUMN xferity.flow_run_files.local_path IS
'Path on the Xferity host (staging or archive); NULL if never staged locally.';
COMMENT ON COLUMN xferity.flow_run_files.size_bytes IS
'File size in bytes, when known.';
COMMENT ON COLUMN xferity.flow_run_files.content_sha256 IS
'Lowercase hex SHA-256 of the file content; required for a successful transfer.';
COMMENT ON COLUMN xferity.flow_run_files.outcome IS
'success, failure or skipped.';
COMMENT ON COLUMN xferity.flow_run_files.error_message IS
'Why the file failed or was skipped; required when outcome is failure.';
COMMENT ON COLUMN xferity.flow_run_files.recorded_at IS
'When the outcome was recorded.';

COMMENT ON COLUMN xferity.flow_runs.run_id IS
'Run identifier (run_id in logs, audit records and metrics).';
COMMENT ON COLUMN xferity.flow_runs.flow_name IS
'Name of the flow definition (YAML) that ran.';
COMMENT ON COLUMN xferity.flow_runs.correlation_id IS
'Correlation id shared by every log line, audit event and job of this run.';
COMMENT ON COLUMN xferity.flow_runs.trigger_type IS
'What started the run: schedule, manual, api, watch (file watch/poll), as2_inbound or resume.';
COMMENT ON COLUMN xferity.flow_runs.status IS
'queued, running, committed, failed, retry, dead_letter or skipped.';
COMMENT ON COLUMN xferity.flow_runs.attempt IS
'Attempt number of the current execution, starting at 1.';
COMMENT ON COLUMN xferity.flow_runs.retry_count IS
'How many times the run was retried after a failure.';
COMMENT ON COLUMN xferity.flow_runs.queued_at IS
'When the run was created (enqueued).';
COMMENT ON COLUMN xferity.flow_runs.started_at IS
'When a worker started executing the run; NULL while queued.';
COMMENT ON COLUMN xferity.flow_runs.finished_at IS
'When the run reached committed, failed, dead_letter or skipped; NULL while in progress.';
COMMENT ON COLUMN xferity.flow_runs.error_code IS
'Machine-readable code of the last error; required when status is failed or dead_letter.';
COMMENT ON COLUMN xferity.flow_runs.error_message IS
'Human-readable message of the last error.';

COMMENT ON COLUMN xferity.job_errors.id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.job_errors.job_id IS
'The job whose attempt failed.';
COMMENT ON COLUMN xferity.job_errors.attempt IS
'Which attempt failed (xferity.jobs.attempt at the time).';
COMMENT ON COLUMN xferity.job_errors.worker_id IS
'Worker that held the lease of the failed attempt.';
COMMENT ON COLUMN xferity.job_errors.reason IS
'error (transient, reported by fail_job), permanent (fail_job with permanent => true), or lease_expired (the worker died or overran its lease).';
COMMENT ON COLUMN xferity.job_errors.message IS
'Error text reported by the worker, or written by the reaper.';
COMMENT ON COLUMN xferity.job_errors.failed_at IS
'When the failure was recorded.';
COMMENT ON COLUMN xferity.job_errors.retry_at IS
'When the job became claimable again (its new run_at); NULL when this failure was final.';

COMMENT ON COLUMN xferity.jobs.id IS
'Surrogate key; the id workers pass to the job functions.';
COMMENT ON COLUMN xferity.jobs.queue IS
'Queue name (1-128 characters); workers may claim from a subset of queues. Also the payload of the xferity_jobs NOTIFY.';
COMMENT ON COLUMN xferity.jobs.kind IS
'What the job does, e.g. flow_run or posture_snapshot; workers dispatch on it.';
COMMENT ON COLUMN xferity.jobs.payload IS
'Arguments of the job, interpreted by the handler of its kind.';
COMMENT ON COLUMN xferity.jobs.state IS
'available (waiting for run_at or a worker), running (leased to locked_by), completed, or failed (final).';
COMMENT ON COLUMN xferity.jobs.priority IS
'Higher runs first among due jobs; default 0.';
COMMENT ON COLUMN xferity.jobs.run_at IS
'Earliest time the job may be claimed. A retry moves it to the backoff time; among jobs of equal priority the earliest run_at is claimed first.';
COMMENT ON COLUMN xferity.jobs.attempt IS
'Number of times the job has been claimed; claim_job adds one. The running attempt is this number.';
COMMENT ON COLUMN xferity.jobs.max_attempts IS
'Claims allowed before the job fails for good (Xferity worker.max_attempts, default 3).';
COMMENT ON COLUMN xferity.jobs.locked_by IS
'worker_id that holds the lease while running, or that ran the latest attempt; NULL until the first claim.';
COMMENT ON COLUMN xferity.jobs.locked_at IS
'When the latest attempt was claimed; NULL until the first claim.';
COMMENT ON COLUMN xferity.jobs.lease_expires_at IS
'While running: the end of the lease. Past it, the holder can no longer complete, fail or heartbeat the job and reap_expired_jobs hands it back. NULL in every other state.';
COMMENT ON COLUMN xferity.jobs.dedupe_key IS
'Optional caller key: while a job with this key is unfinished (available or running), enqueue_job with the same key returns that job instead of adding another.';
COMMENT ON COLUMN xferity.jobs.result IS
'Result document stored by complete_job; NULL if none was given.';
COMMENT ON COLUMN xferity.jobs.last_error IS
'Error of the latest failed attempt (all of them are in xferity.job_errors).';
COMMENT ON COLUMN xferity.jobs.created_at IS
'When the job was enqueued.';
COMMENT ON COLUMN xferity.jobs.finished_at IS
'When the job reached completed or failed; NULL while unfinished.';

COMMENT ON COLUMN xferity.live_workers.worker_id IS
'The worker''s chosen identifier.';
COMMENT ON COLUMN xferity.live_workers.hostname IS
'Host the worker runs on.';
COMMENT ON COLUMN xferity.live_workers.info IS
'Facts the worker reported at registration.';
COMMENT ON COLUMN xferity.live_workers.registered_at IS
'When the worker (re-)registered.';
COMMENT ON COLUMN xferity.live_workers.last_seen_at IS
'Its latest heartbeat.';
COMMENT ON COLUMN xferity.live_workers.running_jobs IS
'Jobs it holds a lease on now.';

COMMENT ON COLUMN xferity.partner_crypto_bindings.binding_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.partner_id IS
'Partner id as defined in the partner YAML files.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.role IS
'signing, verification, encryption, decryption, tls_client or tls_server (TLS roles need a certificate).';
COMMENT ON COLUMN xferity.partner_crypto_bindings.asset_type IS
'certificate or pgp_key.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.certificate_id IS
'Bound certificate when asset_type = certificate.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.pgp_key_id IS
'Bound PGP key when asset_type = pgp_key.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.asset_id IS
'Id of the bound asset (certificate_id or pgp_key_id), derived.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.created_at IS
'When the binding was made.';

COMMENT ON COLUMN xferity.pgp_keys.pgp_key_id IS
'Surrogate key (asset_id of a PGP key).';
COMMENT ON COLUMN xferity.pgp_keys.name IS
'Operator-chosen unique name (asset_name in posture findings).';
COMMENT ON COLUMN xferity.pgp_keys.fingerprint IS
'Primary key fingerprint, uppercase hex (40 digits for v4, 64 for v5/v6); unique.';
COMMENT ON COLUMN xferity.pgp_keys.key_id IS
'Long key id, 16 uppercase hex digits (for v4 keys the last 16 of the fingerprint).';
COMMENT ON COLUMN xferity.pgp_keys.user_ids IS
'User ID packets, e.g. {"Acme EDI <edi@acme.example>"}.';
COMMENT ON COLUMN xferity.pgp_keys.capabilities IS
'Usable capabilities of the key and its subkeys: certify, sign, encrypt, authenticate.';
COMMENT ON COLUMN xferity.pgp_keys.key_created_at IS
'Creation time recorded in the key.';
COMMENT ON COLUMN xferity.pgp_keys.expires_at IS
'Expiry of the primary key; NULL if it never expires.';
COMMENT ON COLUMN xferity.pgp_keys.armored_public_key IS
'The public key, ASCII armored.';
COMMENT ON COLUMN xferity.pgp_keys.private_key_ref IS
'Secret reference to the private key, e.g. local-vault:NAME; NULL for a partner''s public key. Never key material.';
COMMENT ON COLUMN xferity.pgp_keys.created_at IS
'When the key was added.';
COMMENT ON COLUMN xferity.pgp_keys.updated_at IS
'When the row last changed.';

COMMENT ON COLUMN xferity.posture_findings.finding_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.posture_findings.snapshot_id IS
'Snapshot the finding belongs to.';
COMMENT ON COLUMN xferity.posture_findings.finding_key IS
'Stable identity of the finding across snapshots (e.g. code|scope|partner_id|asset_type:asset_id); unique within a snapshot.';
COMMENT ON COLUMN xferity.posture_findings.domain IS
'crypto, lifecycle, transport, auth, secrets or flow.';
COMMENT ON COLUMN xferity.posture_findings.scope IS
'What the finding is about: global, partner, flow or asset.';
COMMENT ON COLUMN xferity.posture_findings.severity IS
'error, warning or info.';
COMMENT ON COLUMN xferity.posture_findings.code IS
'Check code in snake_case, e.g. certificate_expiring_soon.';
COMMENT ON COLUMN xferity.posture_findings.message IS
'Human-readable description.';
COMMENT ON COLUMN xferity.posture_findings.suggestion IS
'Suggested remediation, if any.';
COMMENT ON COLUMN xferity.posture_findings.partner_id IS
'Partner concerned, if any.';
COMMENT ON COLUMN xferity.posture_findings.asset_type IS
'certificate, pgp_key, ssh_key or vault_secret when the finding is about an asset.';
COMMENT ON COLUMN xferity.posture_findings.asset_id IS
'Asset identifier as reported by the engine (text: file-backed assets have no numeric id).';
COMMENT ON COLUMN xferity.posture_findings.asset_name IS
'Asset name as shown to operators.';
COMMENT ON COLUMN xferity.posture_findings.suppressed IS
'Whether an active suppression hid the finding when the snapshot was taken.';
COMMENT ON COLUMN xferity.posture_findings.last_evaluated_at IS
'When the engine last evaluated this check.';

COMMENT ON COLUMN xferity.posture_snapshots.snapshot_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.posture_snapshots.taken_at IS
'When the report was evaluated.';
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

COMMENT ON COLUMN xferity.queue_depth.queue IS
'Queue name.';
COMMENT ON COLUMN xferity.queue_depth.state IS
'Job state.';
COMMENT ON COLUMN xferity.queue_depth.jobs IS
'Jobs in this queue and state.';
COMMENT ON COLUMN xferity.queue_depth.due_jobs IS
'Of those, jobs whose run_at has passed (for available: claimable now).';
COMMENT ON COLUMN xferity.queue_depth.oldest_due_age IS
'For available and running jobs: now() minus the earliest run_at that has passed, i.e. how long the oldest due job has been waiting or in work. NULL for finished states or when nothing is due.';

COMMENT ON COLUMN xferity.regression_alerts.alert_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.regression_alerts.finding_key IS
'Stable key of the regressed finding (posture_findings.finding_key).';
COMMENT ON COLUMN xferity.regression_alerts.code IS
'Check code of the finding.';
COMMENT ON COLUMN xferity.regression_alerts.partner_id IS
'Partner concerned, if any.';
COMMENT ON COLUMN xferity.regression_alerts.message IS
'Finding message in the current snapshot.';
COMMENT ON COLUMN xferity.regression_alerts.previous_snapshot_id IS
'Baseline snapshot; NULL once retention deleted it.';
COMMENT ON COLUMN xferity.regression_alerts.current_snapshot_id IS
'Snapshot in which the regression was seen; NULL once retention deleted it.';
COMMENT ON COLUMN xferity.regression_alerts.previous_severity IS
'Severity in the baseline snapshot; NULL if the finding was absent (new finding).';
COMMENT ON COLUMN xferity.regression_alerts.severity IS
'Severity in the current snapshot: error, warning or info.';
COMMENT ON COLUMN xferity.regression_alerts.detected_at IS
'When the regression was detected.';
COMMENT ON COLUMN xferity.regression_alerts.notified_at IS
'When notification channels were told; NULL while not yet notified.';
COMMENT ON COLUMN xferity.regression_alerts.acknowledged_by IS
'User who acknowledged the alert (username or OIDC subject).';
COMMENT ON COLUMN xferity.regression_alerts.acknowledged_at IS
'When the alert was acknowledged.';
COMMENT ON COLUMN xferity.regression_alerts.resolved_at IS
'When the alert was resolved (finding gone or back to its previous severity); NULL while open.';

COMMENT ON COLUMN xferity.suppressions.suppression_id IS
'Surrogate key.';
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
COMMENT ON COLUMN xferity.suppressions.reason IS
'Why the risk is accepted; required.';
COMMENT ON COLUMN xferity.suppressions.created_by IS
'User who created the suppression.';
COMMENT ON COLUMN xferity.suppressions.created_at IS
'When the suppression was created; it is active from then.';
COMMENT ON COLUMN xferity.suppressions.expires_at IS
'When the suppression lapses on its own; NULL means until revoked.';
COMMENT ON COLUMN xferity.suppressions.revoked_at IS
'When the suppression was revoked; NULL while not revoked.';
COMMENT ON COLUMN xferity.suppressions.revoked_by IS
'User who revoked it.';

COMMENT ON COLUMN xferity.vault_secrets.secret_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.vault_secrets.name IS
'Secret name as used in local-vault:NAME references; unique.';
COMMENT ON COLUMN xferity.vault_secrets.ciphertext IS
'AES-256-GCM ciphertext of the value followed by the 16-byte authentication tag.';
COMMENT ON COLUMN xferity.vault_secrets.nonce IS
'96-bit GCM nonce; never reused under the same key_version.';
COMMENT ON COLUMN xferity.vault_secrets.key_version IS
'Version of the master key that encrypted the value; rotation re-encrypts under a newer one.';
COMMENT ON COLUMN xferity.vault_secrets.algorithm IS
'Always AES-256-GCM.';
COMMENT ON COLUMN xferity.vault_secrets.created_at IS
'When the secret was first stored.';
COMMENT ON COLUMN xferity.vault_secrets.updated_at IS
'When the value was last replaced.';
COMMENT ON COLUMN xferity.vault_secrets.rotated_at IS
'When the value was last re-encrypted under a new key version; NULL if never.';

COMMENT ON COLUMN xferity.workers.id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.workers.worker_id IS
'Identifier the worker chose, unique among workers (e.g. hostname:pid:random); the same text it passes as worker_id to the job functions.';
COMMENT ON COLUMN xferity.workers.hostname IS
'Host the worker runs on.';
COMMENT ON COLUMN xferity.workers.info IS
'Free-form facts the worker reports: version, queues, max_concurrent_jobs, pid.';
COMMENT ON COLUMN xferity.workers.registered_at IS
'When the worker (re-)registered.';
COMMENT ON COLUMN xferity.workers.last_seen_at IS
'Latest register_worker or worker_heartbeat call.';

COMMENT ON COLUMN xferity.workflow_event_subscriptions.subscription_id IS
'Subscription id.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.workflow_id IS
'Waiting workflow instance.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.step_id IS
'Waiting step (definition index).';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.execution_pointer_id IS
'Waiting execution pointer.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.event_name IS
'Event name awaited.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.event_key IS
'Event key awaited.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.subscribe_as_of IS
'Only events at or after this time satisfy the subscription.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.subscription_data IS
'Engine data attached to the subscription.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.external_token IS
'Lock token of the worker currently holding the subscription; NULL when free.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.external_worker_id IS
'Worker holding the lock, for diagnostics.';
COMMENT ON COLUMN xferity.workflow_event_subscriptions.external_token_expiry IS
'When the lock lapses and another worker may take it; set exactly when external_token is.';

COMMENT ON COLUMN xferity.workflow_events.event_id IS
'Event id.';
COMMENT ON COLUMN xferity.workflow_events.event_name IS
'Event name, e.g. as2.mdn_received.';
COMMENT ON COLUMN xferity.workflow_events.event_key IS
'Event key that subscriptions match on, e.g. an AS2 message id.';
COMMENT ON COLUMN xferity.workflow_events.event_data IS
'Event payload, JSON (null if none).';
COMMENT ON COLUMN xferity.workflow_events.event_time IS
'When the event happened.';
COMMENT ON COLUMN xferity.workflow_events.is_processed IS
'Whether the event has been delivered to its subscribers.';

COMMENT ON COLUMN xferity.workflow_execution_errors.error_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.workflow_execution_errors.error_time IS
'When the error occurred.';
COMMENT ON COLUMN xferity.workflow_execution_errors.workflow_id IS
'Workflow instance that failed.';
COMMENT ON COLUMN xferity.workflow_execution_errors.execution_pointer_id IS
'Pointer (step) that failed; NULL if the error was not step-specific or the pointer was deleted.';
COMMENT ON COLUMN xferity.workflow_execution_errors.message IS
'Error message.';

COMMENT ON COLUMN xferity.workflow_execution_pointers.pointer_id IS
'Execution pointer id.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.workflow_id IS
'Owning workflow instance.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.step_id IS
'Index of the step in the workflow definition.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.step_name IS
'Name of the step, if named.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.active IS
'Whether the pointer is still to be executed.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.status IS
'pending, pending_predecessor, running, sleeping, waiting_for_event, complete, failed, compensated or cancelled.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.sleep_until IS
'Do not execute before this time (sleeping steps and retry back-off).';
COMMENT ON COLUMN xferity.workflow_execution_pointers.persistence_data IS
'Step-private state persisted between executions.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.started_at IS
'When the step started.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.ended_at IS
'When the step ended.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_name IS
'Name of the event the step waits on.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_key IS
'Key of the event the step waits on.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_published IS
'Whether the awaited event has been delivered to the step.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.event_data IS
'Data of the delivered event.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.retry_count IS
'How many times the step was retried.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.children IS
'JSON array of child pointer ids (parallel and loop branches).';
COMMENT ON COLUMN xferity.workflow_execution_pointers.context_item IS
'Item of the enclosing foreach this branch handles.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.predecessor_id IS
'Pointer that preceded this one; NULL once that pointer is deleted.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.outcome IS
'Outcome value the step returned, used to choose the next step.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.scope IS
'JSON array of enclosing container pointer ids, innermost first.';
COMMENT ON COLUMN xferity.workflow_execution_pointers.extension_attributes IS
'JSON object of engine extension attributes.';

COMMENT ON COLUMN xferity.workflow_instances.workflow_id IS
'Workflow instance id.';
COMMENT ON COLUMN xferity.workflow_instances.definition_id IS
'Id of the workflow definition.';
COMMENT ON COLUMN xferity.workflow_instances.version IS
'Version of the workflow definition.';
COMMENT ON COLUMN xferity.workflow_instances.description IS
'Free-text description.';
COMMENT ON COLUMN xferity.workflow_instances.reference IS
'Caller-supplied reference, e.g. the flow run id that started it.';
COMMENT ON COLUMN xferity.workflow_instances.status IS
'runnable, suspended, complete or terminated.';
COMMENT ON COLUMN xferity.workflow_instances.data IS
'Workflow data, JSON.';
COMMENT ON COLUMN xferity.workflow_instances.next_execution IS
'When the instance is next due for execution; NULL when nothing is scheduled.';
COMMENT ON COLUMN xferity.workflow_instances.created_at IS
'When the instance was created.';
COMMENT ON COLUMN xferity.workflow_instances.completed_at IS
'When the instance completed or was terminated; required for complete.';

COMMENT ON COLUMN xferity.workflow_scheduled_commands.command_id IS
'Surrogate key.';
COMMENT ON COLUMN xferity.workflow_scheduled_commands.command_name IS
'Command to run, e.g. ProcessWorkflow or ProcessEvent.';
COMMENT ON COLUMN xferity.workflow_scheduled_commands.data IS
'Command argument, e.g. a workflow or event id.';
COMMENT ON COLUMN xferity.workflow_scheduled_commands.execute_time IS
'When the command is due.';
COMMENT ON FUNCTION xferity.claim_job(text, text[], integer, interval) IS
'Leases up to max_jobs claimable jobs (available, run_at <= now(), attempts left) from the given queues (NULL: all) to worker_id, highest priority first, then earliest run_at, then id. Each returned job has attempt + 1, locked_by = worker_id and lease_expires_at = now() + lease (default 300s, Xferity job_execution_timeout). Never waits on another claimer (FOR UPDATE SKIP LOCKED); returns no rows when nothing is claimable.';
COMMENT ON FUNCTION xferity.complete_job(bigint, text, jsonb) IS
'Marks a job completed and stores its result. Only the holder of a live lease can: returns false, changing nothing, when worker_id does not hold the job or its lease has expired (the job may be running elsewhere).';
COMMENT ON FUNCTION xferity.complete_jobs(bigint[], text) IS
'Batch form of complete_job (no result documents): completes those of the given jobs on which worker_id holds a live lease and returns how many. A count short of the distinct ids means some leases were lost; those jobs are unchanged.';
COMMENT ON FUNCTION xferity.enqueue_job(text, jsonb, text, timestamp with time zone, integer, integer, text) IS
'Adds a job and returns its id. NULL arguments take the defaults. With a dedupe_key, returns the id of the unfinished (available or running) job holding that key instead of adding a second one; race-safe through the jobs_dedupe_key_idx unique index. Sends NOTIFY xferity_jobs (payload: queue) on commit when run_at <= now().';
COMMENT ON FUNCTION xferity.fail_job(bigint, text, text, boolean, interval, interval) IS
'Records a failed attempt (in xferity.job_errors) and returns the job''s new state: ''available'' when it will be retried, ''failed'' when the failure is final (permanent => true, or attempt >= max_attempts), or ''lease_lost'' when worker_id holds no live lease on the job, in which case nothing changes. A retry after attempt n runs at now() + d * (1 - 0.1 * random()) where d = least(backoff_cap, backoff_base * 2^(n-1)): the full delay minus up to 10% jitter. Defaults: base 5s, cap 60s (Xferity retry_backoff_base and retry_backoff_cap). Sends NOTIFY xferity_jobs only if the retry is due at once (zero backoff).';
COMMENT ON FUNCTION xferity.heartbeat_job(bigint, text, interval) IS
'Extends a live lease to now() + lease. Returns false when worker_id no longer holds a live lease on the job: the worker should abandon it, since it may already run elsewhere.';
COMMENT ON FUNCTION xferity.reap_expired_jobs() IS
'Hands back the jobs whose lease expired (worker died, lost its connection, or overran job_execution_timeout without heartbeat_job): each becomes available again at once, keeping its place in claim order, or failed when its attempts are used up. Records a lease_expired row in xferity.job_errors for every lost attempt, sends NOTIFY xferity_jobs per queue with jobs back, and returns how many jobs it reaped. Safe to call from every worker on every poll: it is cheap and never waits.';
COMMENT ON FUNCTION xferity.register_worker(text, text, jsonb) IS
'Registers (or re-registers) a worker process at start-up: its worker_id, host and free-form info. Marks it seen now.';
COMMENT ON FUNCTION xferity.reset_all_data() IS
'TEST/DEV TOOL - destroys all data. Empties every table of schema xferity (TRUNCATE ... RESTART IDENTITY CASCADE, table list read from the catalog) except the migration tracking tables schema_migrations and schema_migration_log.';
COMMENT ON FUNCTION xferity.worker_heartbeat(text) IS
'Marks a registered worker seen now; call it every poll (at least every 10 seconds). Returns false when the worker is not registered: call register_worker again.';
