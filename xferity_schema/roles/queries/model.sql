-- The role model as rows of privileges.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: model
-- The role model: every privilege each runtime role must hold in schema xferity, one row each.
-- The generated grant script grants exactly these rows; `grants --check` compares them with the
-- live ACLs. Placeholders ({app} ...) are role names; the tracking tables and the job API
-- are the lists in xferity_schema.core.contract. All are composed as literals.
WITH roles AS (
    SELECT
        {app}::text AS app,
        {worker}::text AS worker,
        {readonly}::text AS readonly
),

-- The runner's bookkeeping: the application may read it (to check the schema version at
-- start-up) but never write it.
tracking_tables AS (
    SELECT unnest({tracking_tables}::text[]) AS relname
),

-- What a worker may call, and nothing more: the job API runs as SECURITY DEFINER.
job_api AS (
    SELECT unnest({job_api}::text[]) AS proname
),

-- Maintenance tools that no runtime role calls.
admin_functions AS (
    SELECT 'reset_all_data'::text AS proname
),

relations AS (
    SELECT
        c.oid,
        c.relname,
        c.relkind,
        format('%I.%I', n.nspname, c.relname) AS qualified,
        -- Whole relations the read-only role never sees.
        c.relname ~ '(secret|vault)' AS sensitive
    FROM pg_catalog.pg_class AS c
    INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
    WHERE n.nspname = 'xferity' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
),

relation_columns AS (
    SELECT
        r.oid,
        r.qualified,
        a.attname::text AS attname,
        -- Token hashes, password hashes, ciphertext, nonces and private-key references.
        a.attname ~ '(password|secret|token|ciphertext|nonce|private_key|vault_ref|_hash$)'
            AS sensitive
    FROM relations AS r
    INNER JOIN pg_catalog.pg_attribute AS a ON r.oid = a.attrelid
    WHERE r.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
),

functions AS (
    SELECT
        p.proname::text AS proname,
        format(
            '%I.%I(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)
        ) AS signature
    FROM pg_catalog.pg_proc AS p
    INNER JOIN pg_catalog.pg_namespace AS n ON p.pronamespace = n.oid
    WHERE n.nspname = 'xferity' AND p.prokind = 'f'
),

partly_sensitive AS (
    SELECT DISTINCT oid FROM relation_columns WHERE sensitive
)

-- Every runtime role resolves names in the schema.
SELECT
    g.grantee, 'schema' AS object_type, 'xferity' AS object_name,
    NULL::text AS column_name, 'USAGE' AS privilege
FROM roles, unnest(ARRAY[roles.app, roles.worker, roles.readonly]) AS g (grantee)

-- Application: DML on every table, read-only on the runner's bookkeeping.
UNION ALL
SELECT roles.app, 'table', r.qualified, NULL, p.privilege
FROM roles, relations AS r, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p (privilege)
WHERE
    r.relkind IN ('r', 'p')
    AND (r.relname NOT IN (SELECT t.relname FROM tracking_tables AS t) OR p.privilege = 'SELECT')

-- Application: read every view.
UNION ALL
SELECT roles.app, 'table', r.qualified, NULL, 'SELECT'
FROM roles, relations AS r
WHERE r.relkind IN ('v', 'm')

-- Application: sequences (identity columns need none, serial ones do).
UNION ALL
SELECT roles.app, 'sequence', r.qualified, NULL, 'USAGE'
FROM roles, relations AS r
WHERE r.relkind = 'S'

-- Application: the SQL API.
UNION ALL
SELECT roles.app, 'function', f.signature, NULL, 'EXECUTE'
FROM roles, functions AS f
WHERE f.proname NOT IN (SELECT a.proname FROM admin_functions AS a)

-- Worker: the job API only.
UNION ALL
SELECT roles.worker, 'function', f.signature, NULL, 'EXECUTE'
FROM roles, functions AS f
WHERE f.proname IN (SELECT j.proname FROM job_api AS j)

-- Read-only: whole relations with no sensitive column.
UNION ALL
SELECT roles.readonly, 'table', r.qualified, NULL, 'SELECT'
FROM roles, relations AS r
WHERE
    r.relkind IN ('r', 'p', 'v', 'm')
    AND NOT r.sensitive
    AND r.oid NOT IN (SELECT ps.oid FROM partly_sensitive AS ps)

-- Read-only: the other columns of relations that hold a sensitive one.
UNION ALL
SELECT roles.readonly, 'column', c.qualified, c.attname, 'SELECT'
FROM roles, relation_columns AS c
INNER JOIN relations AS r ON c.oid = r.oid
WHERE
    NOT c.sensitive AND NOT r.sensitive
    AND c.oid IN (SELECT ps.oid FROM partly_sensitive AS ps)
