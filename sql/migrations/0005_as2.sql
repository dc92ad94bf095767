-- 0005 AS2: persisted AS2 messages (inbound and outbound) and their MDNs.
--
-- AS2 records are the evidence of a B2B exchange (non-repudiation): they
-- outlive the flow-run history, so deleting a run only unlinks its
-- messages. A message id is unique per direction because a partner's
-- Message-ID and our own can collide. One MDN per message: a resent MDN
-- replaces the stored one.

CREATE TABLE xferity.as2_messages (
    message_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    as2_message_id text NOT NULL,
    direction text NOT NULL,
    partner_id text NOT NULL,
    as2_from text NOT NULL,
    as2_to text NOT NULL,
    filename text,
    size_bytes bigint NOT NULL,
    content_sha256 text NOT NULL,
    signed boolean NOT NULL,
    encrypted boolean NOT NULL,
    compressed boolean NOT NULL,
    mic text,
    mic_algorithm text,
    status text NOT NULL,
    mdn_mode text NOT NULL,
    async_return_url text,
    run_id uuid REFERENCES xferity.flow_runs (run_id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    transmitted_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT as2_messages_as2_message_id_direction_key UNIQUE (as2_message_id, direction),
    CONSTRAINT as2_messages_as2_message_id_check CHECK (as2_message_id <> ''),
    CONSTRAINT as2_messages_direction_check CHECK (direction IN ('inbound', 'outbound')),
    CONSTRAINT as2_messages_partner_id_check CHECK (partner_id <> ''),
    CONSTRAINT as2_messages_as2_from_check CHECK (as2_from <> ''),
    CONSTRAINT as2_messages_as2_to_check CHECK (as2_to <> ''),
    CONSTRAINT as2_messages_size_bytes_check CHECK (size_bytes >= 0),
    CONSTRAINT as2_messages_content_sha256_check CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT as2_messages_mic_algorithm_check CHECK (
        mic_algorithm IN ('md5', 'sha1', 'sha-224', 'sha-256', 'sha-384', 'sha-512')
    ),
    CONSTRAINT as2_messages_mic_pair_check CHECK ((mic IS NULL) = (mic_algorithm IS NULL)),
    CONSTRAINT as2_messages_status_check CHECK (
        status IN (
            'queued',
            'sent',
            'received',
            'awaiting_mdn',
            'acknowledged',
            'rejected',
            'failed'
        )
    ),
    CONSTRAINT as2_messages_mdn_mode_check CHECK (mdn_mode IN ('sync', 'async', 'none')),
    CONSTRAINT as2_messages_async_return_url_check CHECK (async_return_url ~ '^https?://'),
    CONSTRAINT as2_messages_async_mdn_check CHECK (
        (mdn_mode = 'async') = (async_return_url IS NOT NULL)
    )
);

COMMENT ON TABLE xferity.as2_messages IS
'AS2 messages sent (outbound) or received (inbound). Unique per (as2_message_id, direction). Kept when the originating flow run is deleted (run_id becomes NULL).';
COMMENT ON COLUMN xferity.as2_messages.message_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.as2_messages.as2_message_id IS
'Message-ID header of the AS2 message, without angle brackets.';
COMMENT ON COLUMN xferity.as2_messages.direction IS 'inbound (from a partner) or outbound (to one).';
COMMENT ON COLUMN xferity.as2_messages.partner_id IS 'Partner id from the partner YAML files.';
COMMENT ON COLUMN xferity.as2_messages.as2_from IS 'AS2-From header.';
COMMENT ON COLUMN xferity.as2_messages.as2_to IS 'AS2-To header.';
COMMENT ON COLUMN xferity.as2_messages.filename IS
'Payload file name (Content-Disposition filename); NULL if the message carried none.';
COMMENT ON COLUMN xferity.as2_messages.size_bytes IS 'Payload size in bytes, before signing/encryption.';
COMMENT ON COLUMN xferity.as2_messages.content_sha256 IS
'Lowercase hex SHA-256 of the payload.';
COMMENT ON COLUMN xferity.as2_messages.signed IS 'Whether the message was S/MIME signed.';
COMMENT ON COLUMN xferity.as2_messages.encrypted IS 'Whether the message was S/MIME encrypted.';
COMMENT ON COLUMN xferity.as2_messages.compressed IS 'Whether the payload was compressed (RFC 5402).';
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
COMMENT ON COLUMN xferity.as2_messages.created_at IS 'When the message record was created.';
COMMENT ON COLUMN xferity.as2_messages.transmitted_at IS
'When the message was sent (outbound) or received (inbound); NULL while queued.';
COMMENT ON COLUMN xferity.as2_messages.updated_at IS 'When the row last changed (status updates).';

CREATE INDEX as2_messages_run_id_idx ON xferity.as2_messages (run_id);

CREATE INDEX as2_messages_partner_id_created_at_idx
ON xferity.as2_messages (partner_id, created_at DESC);

-- Messages still waiting for a receipt are polled for MDN timeouts.
CREATE INDEX as2_messages_awaiting_mdn_idx
ON xferity.as2_messages (created_at)
WHERE status = 'awaiting_mdn';

CREATE TABLE xferity.as2_mdns (
    mdn_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id bigint NOT NULL REFERENCES xferity.as2_messages (message_id) ON DELETE CASCADE,
    mdn_message_id text,
    disposition text NOT NULL,
    outcome text NOT NULL,
    signed boolean NOT NULL,
    signature_verified boolean NOT NULL,
    received_mic text,
    received_mic_algorithm text,
    received_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT as2_mdns_message_id_key UNIQUE (message_id),
    CONSTRAINT as2_mdns_disposition_check CHECK (disposition <> ''),
    CONSTRAINT as2_mdns_outcome_check CHECK (
        outcome IN ('processed', 'processed_with_warning', 'failed', 'error')
    ),
    CONSTRAINT as2_mdns_signature_verified_check CHECK (signed OR NOT signature_verified),
    CONSTRAINT as2_mdns_received_mic_algorithm_check CHECK (
        received_mic_algorithm IN ('md5', 'sha1', 'sha-224', 'sha-256', 'sha-384', 'sha-512')
    ),
    CONSTRAINT as2_mdns_received_mic_pair_check CHECK (
        (received_mic IS NULL) = (received_mic_algorithm IS NULL)
    )
);

COMMENT ON TABLE xferity.as2_mdns IS
'The MDN (receipt) of an AS2 message: received from the partner for outbound messages, issued by Xferity for inbound ones. At most one per message; deleted with the message.';
COMMENT ON COLUMN xferity.as2_mdns.mdn_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.as2_mdns.message_id IS 'The AS2 message this MDN acknowledges.';
COMMENT ON COLUMN xferity.as2_mdns.mdn_message_id IS 'Message-ID of the MDN itself, if it had one.';
COMMENT ON COLUMN xferity.as2_mdns.disposition IS
'Disposition field as received, e.g. automatic-action/MDN-sent-automatically; processed.';
COMMENT ON COLUMN xferity.as2_mdns.outcome IS
'Parsed disposition: processed, processed_with_warning, failed or error.';
COMMENT ON COLUMN xferity.as2_mdns.signed IS 'Whether the MDN was signed.';
COMMENT ON COLUMN xferity.as2_mdns.signature_verified IS
'Whether the MDN signature verified against the partner''s certificate; false when unsigned.';
COMMENT ON COLUMN xferity.as2_mdns.received_mic IS
'Received-Content-MIC value (base64); NULL if the MDN carried none.';
COMMENT ON COLUMN xferity.as2_mdns.received_mic_algorithm IS
'Algorithm of received_mic; set exactly when received_mic is.';
COMMENT ON COLUMN xferity.as2_mdns.received_at IS
'When the MDN was received (outbound message) or issued (inbound message).';
