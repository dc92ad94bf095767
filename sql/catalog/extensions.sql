-- Installed extensions and the schema each lives in; never their version, which depends on
-- the server's packages rather than on the migrations. plpgsql is always there.
SELECT
    'extension' AS kind,
    quote_ident(e.extname) AS name,
    n.nspname::text AS extension_schema
FROM pg_extension AS e
JOIN pg_namespace AS n ON e.extnamespace = n.oid
WHERE e.extname <> 'plpgsql'
