-- 0009 vault secrets: the local encrypted vault behind local-vault:NAME
-- references.
--
-- Xferity encrypts each secret with AES-256-GCM under a master key that
-- never reaches the database; rows hold only ciphertext, nonce and the
-- master key version. Nothing here can reveal a value: no plaintext column,
-- no decrypt function. The (key_version, nonce) pair is unique because
-- reusing a GCM nonce under one key breaks both confidentiality and
-- integrity.

CREATE TABLE xferity.vault_secrets (
    secret_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    ciphertext bytea NOT NULL,
    nonce bytea NOT NULL,
    key_version integer NOT NULL,
    algorithm text NOT NULL DEFAULT 'AES-256-GCM',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    rotated_at timestamptz,
    CONSTRAINT vault_secrets_name_key UNIQUE (name),
    -- Also serves key rotation, which walks the rows of an old key_version.
    CONSTRAINT vault_secrets_key_version_nonce_key UNIQUE (key_version, nonce),
    CONSTRAINT vault_secrets_name_check CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._/-]*$'),
    -- GCM appends a 16-byte authentication tag to every ciphertext.
    CONSTRAINT vault_secrets_ciphertext_check CHECK (octet_length(ciphertext) > 16),
    CONSTRAINT vault_secrets_nonce_check CHECK (octet_length(nonce) = 12),
    CONSTRAINT vault_secrets_key_version_check CHECK (key_version >= 1),
    CONSTRAINT vault_secrets_algorithm_check CHECK (algorithm = 'AES-256-GCM'),
    CONSTRAINT vault_secrets_updated_at_check CHECK (updated_at >= created_at),
    CONSTRAINT vault_secrets_rotated_at_check CHECK (rotated_at >= created_at)
);

COMMENT ON TABLE xferity.vault_secrets IS
'Local encrypted vault (local-vault:NAME). Values are AES-256-GCM ciphertext under an external master key; the schema stores no plaintext and offers no way to decrypt.';
COMMENT ON COLUMN xferity.vault_secrets.secret_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.vault_secrets.name IS
'Secret name as used in local-vault:NAME references; unique.';
COMMENT ON COLUMN xferity.vault_secrets.ciphertext IS
'AES-256-GCM ciphertext of the value followed by the 16-byte authentication tag.';
COMMENT ON COLUMN xferity.vault_secrets.nonce IS
'96-bit GCM nonce; never reused under the same key_version.';
COMMENT ON COLUMN xferity.vault_secrets.key_version IS
'Version of the master key that encrypted the value; rotation re-encrypts under a newer one.';
COMMENT ON COLUMN xferity.vault_secrets.algorithm IS 'Always AES-256-GCM.';
COMMENT ON COLUMN xferity.vault_secrets.created_at IS 'When the secret was first stored.';
COMMENT ON COLUMN xferity.vault_secrets.updated_at IS 'When the value was last replaced.';
COMMENT ON COLUMN xferity.vault_secrets.rotated_at IS
'When the value was last re-encrypted under a new key version; NULL if never.';
