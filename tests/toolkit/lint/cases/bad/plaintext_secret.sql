-- A column that would hold a password in clear.

CREATE TABLE xferity.smtp_accounts (
    account_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    password text NOT NULL
);

COMMENT ON TABLE xferity.smtp_accounts IS 'Mail relays.';
COMMENT ON COLUMN xferity.smtp_accounts.account_id IS 'Surrogate key.';
COMMENT ON COLUMN xferity.smtp_accounts.password IS 'The relay password.';
