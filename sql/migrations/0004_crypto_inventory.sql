-- 0004 crypto inventory: X.509 certificates, OpenPGP keys and which partner
-- uses which of them for what.
--
-- Public material is stored as-is; private keys never are: a row may only
-- point at one through a secret reference (local-vault:NAME, vault:...,
-- env:..., file:...). Bindings reference assets by foreign key and
-- RESTRICT their deletion, so an asset a partner still uses cannot vanish.
-- xferity.assets_expiring_within() feeds the posture engine's expiry checks.

CREATE TABLE xferity.certificates (
    certificate_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    subject text NOT NULL,
    issuer text NOT NULL,
    serial_number text NOT NULL,
    fingerprint_sha256 text NOT NULL,
    not_before timestamptz NOT NULL,
    not_after timestamptz NOT NULL,
    public_pem text NOT NULL,
    origin text NOT NULL,
    private_key_ref text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT certificates_name_key UNIQUE (name),
    CONSTRAINT certificates_fingerprint_sha256_key UNIQUE (fingerprint_sha256),
    CONSTRAINT certificates_name_check CHECK (name <> ''),
    CONSTRAINT certificates_serial_number_check CHECK (serial_number ~ '^[0-9a-f]+$'),
    CONSTRAINT certificates_fingerprint_sha256_check CHECK (
        fingerprint_sha256 ~ '^[0-9a-f]{64}$'
    ),
    CONSTRAINT certificates_validity_check CHECK (not_after > not_before),
    CONSTRAINT certificates_public_pem_check CHECK (
        public_pem LIKE '-----BEGIN CERTIFICATE-----%'
    ),
    CONSTRAINT certificates_origin_check CHECK (origin IN ('imported', 'generated')),
    CONSTRAINT certificates_private_key_ref_check CHECK (
        private_key_ref ~ '^[a-z][a-z0-9-]*:[^[:space:]]+$'
        AND private_key_ref NOT LIKE '%-----BEGIN%'
    )
);

COMMENT ON TABLE xferity.certificates IS
'X.509 certificates known to Xferity (imported or generated), with expiry tracking. Holds public material only; a private key appears solely as a secret reference.';
COMMENT ON COLUMN xferity.certificates.certificate_id IS 'Surrogate key (asset_id of a certificate).';
COMMENT ON COLUMN xferity.certificates.name IS
'Operator-chosen unique name (asset_name in posture findings).';
COMMENT ON COLUMN xferity.certificates.subject IS 'Subject distinguished name (RFC 4514).';
COMMENT ON COLUMN xferity.certificates.issuer IS 'Issuer distinguished name (RFC 4514).';
COMMENT ON COLUMN xferity.certificates.serial_number IS 'Serial number, lowercase hex.';
COMMENT ON COLUMN xferity.certificates.fingerprint_sha256 IS
'Lowercase hex SHA-256 of the DER encoding; unique.';
COMMENT ON COLUMN xferity.certificates.not_before IS 'Start of validity.';
COMMENT ON COLUMN xferity.certificates.not_after IS 'End of validity (expiry).';
COMMENT ON COLUMN xferity.certificates.public_pem IS 'The certificate, PEM encoded.';
COMMENT ON COLUMN xferity.certificates.origin IS
'imported (brought in by an operator) or generated (created by Xferity).';
COMMENT ON COLUMN xferity.certificates.private_key_ref IS
'Secret reference to the private key, e.g. local-vault:NAME; NULL when Xferity holds no private key. Never key material.';
COMMENT ON COLUMN xferity.certificates.created_at IS 'When the certificate was added.';
COMMENT ON COLUMN xferity.certificates.updated_at IS 'When the row last changed.';

CREATE INDEX certificates_not_after_idx ON xferity.certificates (not_after);

CREATE TABLE xferity.pgp_keys (
    pgp_key_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    fingerprint text NOT NULL,
    key_id text NOT NULL,
    user_ids text[] NOT NULL DEFAULT '{}',
    capabilities text[] NOT NULL,
    key_created_at timestamptz NOT NULL,
    expires_at timestamptz,
    armored_public_key text NOT NULL,
    private_key_ref text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pgp_keys_name_key UNIQUE (name),
    CONSTRAINT pgp_keys_fingerprint_key UNIQUE (fingerprint),
    CONSTRAINT pgp_keys_name_check CHECK (name <> ''),
    CONSTRAINT pgp_keys_fingerprint_check CHECK (
        fingerprint ~ '^([0-9A-F]{40}|[0-9A-F]{64})$'
    ),
    CONSTRAINT pgp_keys_key_id_check CHECK (
        key_id ~ '^[0-9A-F]{16}$'
        AND (length(fingerprint) <> 40 OR key_id = right(fingerprint, 16))
    ),
    CONSTRAINT pgp_keys_user_ids_check CHECK (array_position(user_ids, NULL) IS NULL),
    CONSTRAINT pgp_keys_capabilities_check CHECK (
        cardinality(capabilities) > 0
        AND capabilities <@ ARRAY['certify', 'sign', 'encrypt', 'authenticate']::text[]
    ),
    CONSTRAINT pgp_keys_validity_check CHECK (expires_at > key_created_at),
    CONSTRAINT pgp_keys_armored_public_key_check CHECK (
        armored_public_key LIKE '-----BEGIN PGP PUBLIC KEY BLOCK-----%'
    ),
    CONSTRAINT pgp_keys_private_key_ref_check CHECK (
        private_key_ref ~ '^[a-z][a-z0-9-]*:[^[:space:]]+$'
        AND private_key_ref NOT LIKE '%-----BEGIN%'
    )
);

COMMENT ON TABLE xferity.pgp_keys IS
'OpenPGP keys known to Xferity. Holds public material only; a private key appears solely as a secret reference.';
COMMENT ON COLUMN xferity.pgp_keys.pgp_key_id IS 'Surrogate key (asset_id of a PGP key).';
COMMENT ON COLUMN xferity.pgp_keys.name IS
'Operator-chosen unique name (asset_name in posture findings).';
COMMENT ON COLUMN xferity.pgp_keys.fingerprint IS
'Primary key fingerprint, uppercase hex (40 digits for v4, 64 for v5/v6); unique.';
COMMENT ON COLUMN xferity.pgp_keys.key_id IS
'Long key id, 16 uppercase hex digits (for v4 keys the last 16 of the fingerprint).';
COMMENT ON COLUMN xferity.pgp_keys.user_ids IS 'User ID packets, e.g. {"Acme EDI <edi@acme.example>"}.';
COMMENT ON COLUMN xferity.pgp_keys.capabilities IS
'Usable capabilities of the key and its subkeys: certify, sign, encrypt, authenticate.';
COMMENT ON COLUMN xferity.pgp_keys.key_created_at IS 'Creation time recorded in the key.';
COMMENT ON COLUMN xferity.pgp_keys.expires_at IS 'Expiry of the primary key; NULL if it never expires.';
COMMENT ON COLUMN xferity.pgp_keys.armored_public_key IS 'The public key, ASCII armored.';
COMMENT ON COLUMN xferity.pgp_keys.private_key_ref IS
'Secret reference to the private key, e.g. local-vault:NAME; NULL for a partner''s public key. Never key material.';
COMMENT ON COLUMN xferity.pgp_keys.created_at IS 'When the key was added.';
COMMENT ON COLUMN xferity.pgp_keys.updated_at IS 'When the row last changed.';

CREATE INDEX pgp_keys_expires_at_idx ON xferity.pgp_keys (expires_at);

CREATE TABLE xferity.partner_crypto_bindings (
    binding_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id text NOT NULL,
    role text NOT NULL,
    asset_type text NOT NULL,
    certificate_id bigint REFERENCES xferity.certificates (certificate_id) ON DELETE RESTRICT,
    pgp_key_id bigint REFERENCES xferity.pgp_keys (pgp_key_id) ON DELETE RESTRICT,
    asset_id bigint NOT NULL GENERATED ALWAYS AS (coalesce(certificate_id, pgp_key_id)) STORED,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT partner_crypto_bindings_partner_id_check CHECK (partner_id <> ''),
    CONSTRAINT partner_crypto_bindings_role_check CHECK (
        role IN (
            'signing', 'verification', 'encryption', 'decryption', 'tls_client', 'tls_server'
        )
    ),
    CONSTRAINT partner_crypto_bindings_asset_type_check CHECK (
        (asset_type = 'certificate' AND certificate_id IS NOT NULL AND pgp_key_id IS NULL)
        OR (asset_type = 'pgp_key' AND pgp_key_id IS NOT NULL AND certificate_id IS NULL)
    ),
    CONSTRAINT partner_crypto_bindings_tls_check CHECK (
        role NOT IN ('tls_client', 'tls_server') OR asset_type = 'certificate'
    ),
    CONSTRAINT partner_crypto_bindings_key UNIQUE (partner_id, role, asset_type, asset_id)
);

COMMENT ON TABLE xferity.partner_crypto_bindings IS
'Which certificate or PGP key a partner uses for which role. Exactly one of certificate_id / pgp_key_id is set, matching asset_type. A bound asset cannot be deleted (ON DELETE RESTRICT): unbind it first.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.binding_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.partner_id IS
'Partner id as defined in the partner YAML files.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.role IS
'signing, verification, encryption, decryption, tls_client or tls_server (TLS roles need a certificate).';
COMMENT ON COLUMN xferity.partner_crypto_bindings.asset_type IS 'certificate or pgp_key.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.certificate_id IS
'Bound certificate when asset_type = certificate.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.pgp_key_id IS
'Bound PGP key when asset_type = pgp_key.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.asset_id IS
'Id of the bound asset (certificate_id or pgp_key_id), derived.';
COMMENT ON COLUMN xferity.partner_crypto_bindings.created_at IS 'When the binding was made.';

CREATE INDEX partner_crypto_bindings_certificate_id_idx
ON xferity.partner_crypto_bindings (certificate_id);

CREATE INDEX partner_crypto_bindings_pgp_key_id_idx
ON xferity.partner_crypto_bindings (pgp_key_id);

CREATE VIEW xferity.crypto_asset_expiry AS
SELECT
    'certificate'::text AS asset_type,
    c.certificate_id AS asset_id,
    c.name AS asset_name,
    c.fingerprint_sha256 AS fingerprint,
    c.not_after AS expires_at,
    coalesce(
        (
            SELECT array_agg(DISTINCT b.partner_id ORDER BY b.partner_id)
            FROM xferity.partner_crypto_bindings AS b
            WHERE b.certificate_id = c.certificate_id
        ),
        '{}'
    ) AS partner_ids
FROM xferity.certificates AS c
UNION ALL
SELECT
    'pgp_key'::text AS asset_type,
    k.pgp_key_id AS asset_id,
    k.name AS asset_name,
    k.fingerprint,
    k.expires_at,
    coalesce(
        (
            SELECT array_agg(DISTINCT b.partner_id ORDER BY b.partner_id)
            FROM xferity.partner_crypto_bindings AS b
            WHERE b.pgp_key_id = k.pgp_key_id
        ),
        '{}'
    ) AS partner_ids
FROM xferity.pgp_keys AS k
WHERE k.expires_at IS NOT NULL;

COMMENT ON VIEW xferity.crypto_asset_expiry IS
'Every certificate and every expiring PGP key with its expiry and the partners bound to it.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.asset_type IS 'certificate or pgp_key.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.asset_id IS 'certificate_id or pgp_key_id.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.asset_name IS 'Name of the asset.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.fingerprint IS
'SHA-256 fingerprint (certificate) or OpenPGP fingerprint (key).';
COMMENT ON COLUMN xferity.crypto_asset_expiry.expires_at IS 'not_after or PGP expiry.';
COMMENT ON COLUMN xferity.crypto_asset_expiry.partner_ids IS
'Partners bound to the asset, sorted; empty if unbound.';

CREATE FUNCTION xferity.assets_expiring_within(days integer)
RETURNS TABLE (
    asset_type text,
    asset_id bigint,
    asset_name text,
    fingerprint text,
    expires_at timestamptz,
    expired boolean,
    partner_ids text[]
)
LANGUAGE plpgsql
STABLE
AS $$
BEGIN
    IF days IS NULL OR days < 0 THEN
        RAISE EXCEPTION 'days must be a non-negative integer, got %', days
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT
        e.asset_type,
        e.asset_id,
        e.asset_name,
        e.fingerprint,
        e.expires_at,
        e.expires_at <= now(),
        e.partner_ids
    FROM xferity.crypto_asset_expiry AS e
    WHERE e.expires_at <= now() + make_interval(days => assets_expiring_within.days)
    ORDER BY e.expires_at, e.asset_type, e.asset_id;
END;
$$;

COMMENT ON FUNCTION xferity.assets_expiring_within(integer) IS
'Certificates and PGP keys whose expiry falls within the next days days, soonest first; already expired assets are included with expired = true. Raises 22023 for a negative or NULL days. The posture engine''s default window is 30.';
