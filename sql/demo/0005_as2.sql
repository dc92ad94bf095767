-- Demo data for 0005 AS2: an inbound purchase order from Initech with a
-- sync MDN, an outbound acknowledgement with an async MDN, one still
-- awaiting its receipt and one rejected by the partner.

INSERT INTO xferity.as2_messages (
    as2_message_id, direction, partner_id, as2_from, as2_to, filename, size_bytes,
    content_sha256, signed, encrypted, compressed, mic, mic_algorithm, status, mdn_mode,
    async_return_url, run_id, created_at, transmitted_at, updated_at
)
VALUES
(
    '20250602083012.4411@as2.initech.example', 'inbound', 'initech',
    'INITECH-AS2', 'EXAMPLECORP',
    'PO-88231.edi', 9314, 'bc5a8661ca50a28a15e86394e27dea9c67cf51634e530c0888e1d5d322042baf',
    TRUE, TRUE, FALSE, 'Hs7Q3rZ2cJ5v0y9mYb8XkqL1u4NwTa6eRdPf2gVhC0s=', 'sha-256', 'received',
    'sync', NULL, '0b6f3c1e-7a41-4c2e-9d55-1f2a3b4c5d03',
    '2025-06-02 08:30:12+00', '2025-06-02 08:30:12+00', '2025-06-02 08:30:14+00'
),
(
    '20250602084500.17@mft.example.com', 'outbound', 'initech', 'EXAMPLECORP', 'INITECH-AS2',
    'POACK-88231.edi', 2048, '90af8ed4b57652bdeb355fccf2dea4bbb44cbc8e397c0db74da9ad7d69162fbd',
    TRUE, TRUE, TRUE, 'kP2mV9xR4tQ7sW1yZ3nB6cD8fG0hJ5lA2eU4iO7rT1w=', 'sha-256', 'acknowledged',
    'async', 'https://mft.example.com/as2/mdn', NULL,
    '2025-06-02 08:45:00+00', '2025-06-02 08:45:01+00', '2025-06-02 08:46:30+00'
),
(
    '20250602100500.18@mft.example.com', 'outbound', 'initech', 'EXAMPLECORP', 'INITECH-AS2',
    'INVOIC-55012.edi', 15872, '7aa2433d5babc2d7af0d64e840e73846e450efc6e8d6698d631d151c8c79103b',
    TRUE, TRUE, FALSE, 'Zx8cV7bN6mQ5wE4rT3yU2iO1pA0sD9fG8hJ7kL6zX5c=', 'sha-256', 'awaiting_mdn',
    'async', 'https://mft.example.com/as2/mdn', NULL,
    '2025-06-02 10:05:00+00', '2025-06-02 10:05:02+00', '2025-06-02 10:05:02+00'
),
(
    '20250601160000.9@mft.example.com', 'outbound', 'initech', 'EXAMPLECORP', 'INITECH-AS2',
    'ORDRSP-77310.edi', 4410, 'bdbbe903bcbe00c1e64d1614c71290da51c2246500c1351d5a5955859d1e5b2e',
    TRUE, FALSE, FALSE, 'Qw1eR2tY3uI4oP5aS6dF7gH8jK9lZ0xC1vB2nM3qW4e=', 'sha-256', 'rejected',
    'sync', NULL, NULL,
    '2025-06-01 16:00:00+00', '2025-06-01 16:00:01+00', '2025-06-01 16:00:02+00'
);

INSERT INTO xferity.as2_mdns (
    message_id, mdn_message_id, disposition, outcome, signed, signature_verified,
    received_mic, received_mic_algorithm, received_at
)
VALUES
(
    (
        SELECT m.message_id FROM xferity.as2_messages AS m
        WHERE m.as2_message_id = '20250602083012.4411@as2.initech.example'
    ),
    '20250602083014.1@mft.example.com',
    'automatic-action/MDN-sent-automatically; processed', 'processed', TRUE, TRUE,
    'Hs7Q3rZ2cJ5v0y9mYb8XkqL1u4NwTa6eRdPf2gVhC0s=', 'sha-256', '2025-06-02 08:30:14+00'
),
(
    (
        SELECT m.message_id FROM xferity.as2_messages AS m
        WHERE m.as2_message_id = '20250602084500.17@mft.example.com'
    ),
    'MDN-20250602084629-5521@as2.initech.example',
    'automatic-action/MDN-sent-automatically; processed', 'processed', TRUE, TRUE,
    'kP2mV9xR4tQ7sW1yZ3nB6cD8fG0hJ5lA2eU4iO7rT1w=', 'sha-256', '2025-06-02 08:46:29+00'
),
(
    (
        SELECT m.message_id FROM xferity.as2_messages AS m
        WHERE m.as2_message_id = '20250601160000.9@mft.example.com'
    ),
    'MDN-20250601160002-4410@as2.initech.example',
    'automatic-action/MDN-sent-automatically; processed/error: authentication-failed',
    'error', TRUE, TRUE, NULL, NULL, '2025-06-01 16:00:02+00'
);
