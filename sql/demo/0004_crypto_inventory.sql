-- Demo data for 0004 crypto inventory: Xferity's own AS2 signing
-- certificate, a partner's AS2 certificate close to expiry, an FTPS server
-- certificate, two PGP keys and the partner bindings that use them. The PEM
-- and armored bodies are shortened placeholders.

INSERT INTO xferity.certificates (
    name, subject, issuer, serial_number, fingerprint_sha256, not_before, not_after,
    public_pem, origin, private_key_ref, created_at, updated_at
)
VALUES
(
    'as2-signing-2025', 'CN=mft.example.com,O=Example Corp,C=DE',
    'CN=mft.example.com,O=Example Corp,C=DE', '5a1f0c33d2e94b71',
    '0c938897e7a0f957e5741a427e95b55138c3e30f51e43a1a80a495503f6360e4',
    '2025-06-01 00:00:00+00', '2026-06-01 00:00:00+00',
    '-----BEGIN CERTIFICATE-----
MIIDdemoAS2signing2025ExampleCorpSelfSignedPlaceholderOnly
-----END CERTIFICATE-----',
    'generated', 'local-vault:as2-signing-2025-key',
    '2025-06-01 09:00:00+00', '2025-06-01 09:00:00+00'
),
(
    'initech-as2-2024', 'CN=as2.initech.example,O=Initech,C=US',
    'CN=Initech Issuing CA 2,O=Initech,C=US', '0e77ab1c44f0912d3c',
    'c6995953160c5f8c17d6845323519172e1c5944fc2ff58a6a26a88e52471e203',
    '2024-07-01 00:00:00+00', '2025-07-01 00:00:00+00',
    '-----BEGIN CERTIFICATE-----
MIIDdemoInitechAS2PartnerCertificatePlaceholderOnly
-----END CERTIFICATE-----',
    'imported', NULL,
    '2024-07-03 11:20:00+00', '2024-07-03 11:20:00+00'
),
(
    'globex-ftps-server', 'CN=ftps.globex.example,O=Globex Bank,C=GB',
    'CN=GlobalTrust TLS RSA CA G2,O=GlobalTrust,C=US', '03a9d5e21c77f0b6a1',
    'd64dd31b45c1b8af99a54a0cde8a8ccc7cf07fca746f5aed000a4bc03fae2dcb',
    '2025-01-15 00:00:00+00', '2027-01-15 23:59:59+00',
    '-----BEGIN CERTIFICATE-----
MIIDdemoGlobexFTPSServerCertificatePlaceholderOnly
-----END CERTIFICATE-----',
    'imported', NULL,
    '2025-01-20 08:45:00+00', '2025-01-20 08:45:00+00'
);

INSERT INTO xferity.pgp_keys (
    name, fingerprint, key_id, user_ids, capabilities, key_created_at, expires_at,
    armored_public_key, private_key_ref, created_at, updated_at
)
VALUES
(
    'umbrella-lab-results', '47EAB401BB85F9D66C31594B5F798C1B3086E3D3', '5F798C1B3086E3D3',
    '{"Umbrella Pharma Lab Results <lab-results@umbrella.example>"}',
    '{certify,sign,encrypt}', '2023-09-10 12:00:00+00', '2025-06-20 12:00:00+00',
    '-----BEGIN PGP PUBLIC KEY BLOCK-----

mQINBdemoUmbrellaLabResultsPlaceholderOnly
-----END PGP PUBLIC KEY BLOCK-----',
    NULL, '2023-09-12 09:30:00+00', '2023-09-12 09:30:00+00'
),
(
    'xferity-pgp-2025', '2347D7A1874FB4D1C7FAB41E38C0DDC7D98F5429', '38C0DDC7D98F5429',
    '{"Example Corp MFT <mft@example.com>"}',
    '{certify,sign,encrypt}', '2025-01-02 10:00:00+00', NULL,
    '-----BEGIN PGP PUBLIC KEY BLOCK-----

mQINBdemoExampleCorpMFTPlaceholderOnly
-----END PGP PUBLIC KEY BLOCK-----',
    'local-vault:xferity-pgp-2025-secret-key', '2025-01-02 10:05:00+00', '2025-01-02 10:05:00+00'
);

INSERT INTO xferity.partner_crypto_bindings (
    partner_id, role, asset_type, certificate_id, pgp_key_id, created_at
)
VALUES
(
    'initech', 'signing', 'certificate',
    (SELECT c.certificate_id FROM xferity.certificates AS c WHERE c.name = 'as2-signing-2025'),
    NULL, '2025-06-01 09:10:00+00'
),
(
    'initech', 'verification', 'certificate',
    (SELECT c.certificate_id FROM xferity.certificates AS c WHERE c.name = 'initech-as2-2024'),
    NULL, '2024-07-03 11:25:00+00'
),
(
    'initech', 'encryption', 'certificate',
    (SELECT c.certificate_id FROM xferity.certificates AS c WHERE c.name = 'initech-as2-2024'),
    NULL, '2024-07-03 11:25:00+00'
),
(
    'globex-bank', 'tls_server', 'certificate',
    (SELECT c.certificate_id FROM xferity.certificates AS c WHERE c.name = 'globex-ftps-server'),
    NULL, '2025-01-20 08:50:00+00'
),
(
    'umbrella-pharma', 'encryption', 'pgp_key', NULL,
    (SELECT k.pgp_key_id FROM xferity.pgp_keys AS k WHERE k.name = 'umbrella-lab-results'),
    '2023-09-12 09:35:00+00'
),
(
    'umbrella-pharma', 'decryption', 'pgp_key', NULL,
    (SELECT k.pgp_key_id FROM xferity.pgp_keys AS k WHERE k.name = 'xferity-pgp-2025'),
    '2025-01-02 10:10:00+00'
);
