-- 0004 vault: secrets live only as ciphertext in the vault table, or as hashes and references.

CREATE TABLE xferity.vault_entries (
    entry_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    secret bytea NOT NULL
);

COMMENT ON TABLE xferity.vault_entries IS 'Encrypted secrets (the vault table may hold them).';
COMMENT ON COLUMN xferity.vault_entries.entry_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.vault_entries.secret IS 'AES-256-GCM ciphertext of the value.';

ALTER TABLE xferity.partners
    ADD COLUMN password_vault_ref text,
    ADD COLUMN client_secret_ciphertext bytea,
    ADD COLUMN has_password boolean NOT NULL DEFAULT FALSE;

COMMENT ON COLUMN xferity.partners.password_vault_ref IS 'local-vault:NAME of the password.';
COMMENT ON COLUMN xferity.partners.client_secret_ciphertext IS 'Encrypted OAuth client secret.';
COMMENT ON COLUMN xferity.partners.has_password IS 'Whether the partner uses a password.';
