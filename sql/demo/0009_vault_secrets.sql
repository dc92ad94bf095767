-- Demo data for 0009 vault secrets: the private keys and a partner password
-- referenced as local-vault:NAME by the demo inventory. The ciphertexts are
-- fixed random-looking bytes, not encryptions of anything.

INSERT INTO xferity.vault_secrets (
    name, ciphertext, nonce, key_version, algorithm, created_at, updated_at, rotated_at
)
VALUES
(
    'as2-signing-2025-key',
    decode(
        '082ff5139ff184ee2a3e5c03bbf020a2805be5bc647c7fa1a169a520e2e094fd'
        '43d91f8451058a706f7273f261f481de022104d97fb1d3916af0e397b20264ee',
        'hex'
    ),
    decode('676b8bb84ce7267dd520deca', 'hex'), 2, 'AES-256-GCM',
    '2025-06-01 09:00:00+00', '2025-06-01 09:00:00+00', NULL
),
(
    'xferity-pgp-2025-secret-key',
    decode(
        '2c4a30edfb077a4493405da5005d0e7346074fca4fad45e97944e9eaf125bb40'
        'c6cba14837cd12163779fa75709ed17117237870f44ea62ebdfb382db9c682d1',
        'hex'
    ),
    decode('0480a93d2e9b094b89e08e01', 'hex'), 2, 'AES-256-GCM',
    '2025-01-02 10:05:00+00', '2025-04-01 03:00:00+00', '2025-04-01 03:00:00+00'
),
(
    'umbrella-sftp-password',
    decode(
        '7e60f3ab1f8f95bb228afb7ed832ea53676999a3836c639028292ba1710d1506'
        '26c2c60e36ecbf8d7fecc6ee95afe97f',
        'hex'
    ),
    decode('8721d664ef60096aa559e1aa', 'hex'), 1, 'AES-256-GCM',
    '2024-11-04 08:30:00+00', '2024-11-04 08:30:00+00', NULL
);
