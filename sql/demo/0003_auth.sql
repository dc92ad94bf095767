-- Demo data for 0003 auth: two local accounts, an OIDC viewer, a disabled
-- account, and sessions that are live, expired and revoked. Password hashes
-- are syntactically valid placeholders, not hashes of real passwords.

INSERT INTO xferity.auth_users (
    username, oidc_issuer, oidc_subject, display_name, email, password_hash, role, disabled,
    created_at, updated_at, last_login_at
)
VALUES
(
    'admin', NULL, NULL, 'Xferity Administrator', 'mft-admins@example.com',
    '$argon2id$v=19$m=65536,t=3,p=4$ZGVtby1zYWx0LWFkbWlu$ZGVtb2hhc2hkZW1vaGFzaGRlbW9oYXNo',
    'admin', FALSE,
    '2025-05-01 09:00:00+00', '2025-05-01 09:00:00+00', '2025-06-02 07:55:12+00'
),
(
    'jane.ops', NULL, NULL, 'Jane Doe (Operations)', 'jane.doe@example.com',
    '$argon2id$v=19$m=65536,t=3,p=4$ZGVtby1zYWx0LWphbmU$ZGVtb2hhc2hqYW5laGFzaGphbmVoYXNo',
    'operator', FALSE,
    '2025-05-03 10:12:00+00', '2025-05-03 10:12:00+00', '2025-06-02 08:40:03+00'
),
(
    NULL, 'https://login.example.com/realms/xferity', '5f0c2a9e-3d2b-4b8e-9a41-7c6d1e2f3a4b',
    'Audit Viewer', 'auditor@example.com', NULL, 'viewer', FALSE,
    '2025-05-20 14:00:00+00', '2025-05-20 14:00:00+00', '2025-06-01 16:20:45+00'
),
(
    'bob.legacy', NULL, NULL, 'Bob (left the company)', 'bob@example.com',
    '$argon2id$v=19$m=65536,t=3,p=4$ZGVtby1zYWx0LWJvYg$ZGVtb2hhc2hib2JoYXNoYm9iaGFzaGJvYg',
    'operator', TRUE,
    '2024-11-04 08:30:00+00', '2025-05-15 12:00:00+00', '2025-04-28 17:02:11+00'
);

INSERT INTO xferity.auth_sessions (
    token_sha256, user_id, created_at, expires_at, last_seen_at, revoked_at, client_ip, user_agent
)
VALUES
(
    '8e3f34c0659b7f97fd7e37abe01ab83b50c266d6130c820f78ea6cb4e24a19de',
    (SELECT u.user_id FROM xferity.auth_users AS u WHERE u.username = 'admin'),
    '2025-06-02 07:55:12+00', '2035-06-02 07:55:12+00', '2025-06-02 08:41:00+00', NULL,
    '10.20.0.15', 'Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0'
),
(
    '3e041589ec3e3b1bfba171dec21d103886d320ddd35a88f4a7f34e0382063de9',
    (SELECT u.user_id FROM xferity.auth_users AS u WHERE u.username = 'jane.ops'),
    '2025-06-02 08:40:03+00', '2025-06-02 20:40:03+00', '2025-06-02 09:12:44+00', NULL,
    '10.20.0.31', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125.0'
),
(
    'ab9d4837ace4d41e11b82f2c4aa590ae8d2b580a22adb7771d2095d8da64dfa9',
    (
        SELECT u.user_id FROM xferity.auth_users AS u
        WHERE u.oidc_subject = '5f0c2a9e-3d2b-4b8e-9a41-7c6d1e2f3a4b'
    ),
    '2025-06-01 16:20:45+00', '2025-06-02 00:20:45+00', '2025-06-01 17:03:09+00', NULL,
    '2001:db8:40::7',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1'
),
(
    '2039ff9ce2c7fe292410134f20c41d2a0f243a7fb48d88e18c77d27e705e4644',
    (SELECT u.user_id FROM xferity.auth_users AS u WHERE u.username = 'bob.legacy'),
    '2025-04-28 17:02:11+00', '2025-04-29 05:02:11+00', '2025-04-28 17:30:00+00',
    '2025-05-15 12:00:00+00', '192.0.2.44', 'curl/8.5.0'
);
