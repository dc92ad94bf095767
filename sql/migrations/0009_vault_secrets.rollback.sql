-- Rollback of 0009 vault secrets. Dropping the vault destroys every
-- local-vault secret for good, so this refuses to run while any secret is
-- stored: export or delete them deliberately first.

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM xferity.vault_secrets) THEN
        RAISE EXCEPTION 'xferity.vault_secrets still holds secrets; refusing to drop it'
            USING ERRCODE = 'object_in_use',
            HINT = 'Delete the secrets explicitly, then run the rollback again.';
    END IF;
END;
$$;

DROP TABLE xferity.vault_secrets;
