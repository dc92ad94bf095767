-- Rollback of 0004 crypto inventory: drops the certificate and PGP key
-- inventory and the partner bindings. Key material itself lives in files
-- or the vault and is not touched.

DROP FUNCTION xferity.assets_expiring_within(integer);

DROP VIEW xferity.crypto_asset_expiry;

DROP TABLE xferity.partner_crypto_bindings;

DROP TABLE xferity.pgp_keys;

DROP TABLE xferity.certificates;
