-- What a PostgreSQL server has built in, read by scripts/gen_pg13_compat.py from a throwaway 13
-- and 18 to derive what is newer than 13 (xferity_schema/lint/data/newer_than_13.json).
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: server_version
SELECT current_setting('server_version') AS server_version;

-- name: functions
-- Built-in functions and aggregates: name, kind, how many arguments a call may pass.
SELECT
    p.proname::text AS name,
    p.prokind::text AS kind,
    p.pronargs AS nargs,
    p.pronargdefaults AS ndefaults,
    p.provariadic <> 0 AS is_variadic
FROM pg_proc AS p
WHERE p.pronamespace = 'pg_catalog'::regnamespace
ORDER BY p.proname, p.pronargs;

-- name: operators
SELECT
    o.oprname::text AS name,
    coalesce(format_type(nullif(o.oprleft, 0), NULL), '') AS left_type,
    coalesce(format_type(nullif(o.oprright, 0), NULL), '') AS right_type
FROM pg_operator AS o
WHERE o.oprnamespace = 'pg_catalog'::regnamespace
ORDER BY o.oprname, left_type, right_type;

-- name: opclasses
SELECT c.opcname::text AS name, a.amname::text AS access_method
FROM pg_opclass AS c
JOIN pg_am AS a ON c.opcmethod = a.oid
ORDER BY c.opcname, a.amname;

-- name: access_methods
SELECT amname::text AS name FROM pg_am ORDER BY amname;

-- name: types
SELECT typname::text AS name
FROM pg_type
WHERE typnamespace = 'pg_catalog'::regnamespace
ORDER BY typname;

-- name: relations
-- Catalog tables and views (pg_catalog and information_schema) with their columns.
SELECT
    n.nspname::text AS schema_name,
    c.relname::text AS name,
    ARRAY(
        SELECT a.attname::text
        FROM pg_attribute AS a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
    ) AS columns
FROM pg_class AS c
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v', 'm')
ORDER BY n.nspname, c.relname;

-- name: settings
SELECT name::text AS name FROM pg_settings ORDER BY name;

-- name: roles
SELECT rolname::text AS name FROM pg_roles WHERE rolname LIKE 'pg\_%' ORDER BY rolname;

-- name: keywords
SELECT word::text AS name, catcode::text AS category FROM pg_get_keywords() ORDER BY word;
