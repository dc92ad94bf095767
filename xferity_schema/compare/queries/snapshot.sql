-- The schema snapshot: one query per kind of object in schema xferity, read in one
-- REPEATABLE READ transaction. `verify`, `diff` and `check-upgrade` compare these rows.
-- Each query starts at its `-- name:` line (loaded by xferity_schema.core.queries).

-- name: begin_snapshot
-- First statement of a schema snapshot's transaction: pg_get_*def() qualify every name that is
-- not in pg_catalog, so definitions read the same whatever the caller's search_path was.
SET LOCAL search_path = pg_catalog, pg_temp;

-- name: schema
-- The schema itself: its owner and comment (its grants come from grants.sql).
SELECT
    'schema' AS kind,
    quote_ident(n.nspname) AS name,
    pg_get_userbyid(n.nspowner) AS owner,
    obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_namespace AS n
WHERE n.nspname = %(schema)s;

-- name: extensions
-- Installed extensions and the schema each lives in; never their version, which depends on
-- the server's packages rather than on the migrations. plpgsql is always there.
SELECT
    'extension' AS kind,
    quote_ident(e.extname) AS name,
    n.nspname::text AS extension_schema
FROM pg_extension AS e
JOIN pg_namespace AS n ON e.extnamespace = n.oid
WHERE e.extname <> 'plpgsql';

-- name: types
-- Domains, enums, ranges and stand-alone composite types (not the row types of tables, nor
-- array types). Domain NOT NULL is compared through `definition`, never as a constraint row.
SELECT
    'type' AS kind,
    format('%%s.%%s', quote_ident(n.nspname), quote_ident(t.typname)) AS name,
    CASE t.typtype
        WHEN 'd' THEN 'domain'
        WHEN 'e' THEN 'enum'
        WHEN 'r' THEN 'range'
        ELSE 'composite'
    END AS type_kind,
    pg_get_userbyid(t.typowner) AS owner,
    CASE t.typtype
        WHEN 'd'
            THEN
                concat_ws(
                    ' ',
                    format_type(t.typbasetype, t.typtypmod),
                    CASE WHEN t.typnotnull THEN 'NOT NULL' END,
                    'DEFAULT ' || t.typdefault
                )
        WHEN 'r'
            THEN (
                SELECT format_type(r.rngsubtype, NULL)
                FROM pg_range AS r
                WHERE r.rngtypid = t.oid
            )
    END AS definition,
    CASE t.typtype
        WHEN 'd'
            THEN ARRAY(
                    SELECT
                        format('%%s %%s', quote_ident(con.conname), pg_get_constraintdef(con.oid))
                    FROM pg_constraint AS con
                    WHERE con.contypid = t.oid AND con.contype <> 'n'
                    ORDER BY con.conname
                )
        WHEN 'e'
            THEN ARRAY(
                    SELECT e.enumlabel::text
                    FROM pg_enum AS e
                    WHERE e.enumtypid = t.oid
                    ORDER BY e.enumsortorder
                )
        WHEN 'c'
            THEN ARRAY(
                    SELECT
                        format(
                            '%%s %%s', quote_ident(a.attname), format_type(a.atttypid, a.atttypmod)
                        )
                    FROM pg_attribute AS a
                    WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
                    ORDER BY a.attnum
                )
    END AS elements,
    obj_description(t.oid, 'pg_type') AS comment
FROM pg_type AS t
JOIN pg_namespace AS n ON t.typnamespace = n.oid
LEFT JOIN pg_class AS tc ON t.typrelid = tc.oid
WHERE
    n.nspname = %(schema)s
    AND (t.typtype IN ('d', 'e', 'r') OR (t.typtype = 'c' AND tc.relkind = 'c'))
    AND NOT EXISTS (
        SELECT FROM pg_depend AS d
        WHERE
            d.classid = 'pg_type'::regclass
            AND d.objid = t.oid
            AND d.deptype = 'e'
    );

-- name: tables
-- Tables (plain, partitioned, foreign) of the schema, minus extension members.
SELECT
    'table' AS kind,
    format('%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname)) AS name,
    CASE c.relkind
        WHEN 'p' THEN 'partitioned table'
        WHEN 'f' THEN 'foreign table'
        ELSE 'table'
    END AS table_kind,
    pg_get_userbyid(c.relowner) AS owner,
    CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'permanent' END AS persistence,
    ARRAY(SELECT o.opt FROM unnest(c.reloptions) AS o (opt) ORDER BY o.opt) AS storage_options,
    c.relrowsecurity AS row_security,
    c.relforcerowsecurity AS force_row_security,
    CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
    pg_get_expr(c.relpartbound, c.oid) AS partition_bound,
    ARRAY(
        SELECT format('%%s.%%s', quote_ident(pn.nspname), quote_ident(pc.relname)) AS parent
        FROM pg_inherits AS i
        JOIN pg_class AS pc ON i.inhparent = pc.oid
        JOIN pg_namespace AS pn ON pc.relnamespace = pn.oid
        WHERE i.inhrelid = c.oid
        ORDER BY parent
    ) AS inherits_from,
    obj_description(c.oid, 'pg_class') AS comment
FROM pg_class AS c
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    n.nspname = %(schema)s
    AND c.relkind IN ('r', 'p', 'f')
    AND NOT EXISTS (
        SELECT FROM pg_depend AS d
        WHERE
            d.classid = 'pg_class'::regclass
            AND d.objid = c.oid
            AND d.deptype = 'e'
    );

-- name: columns
-- Columns of tables and views, keyed by name (never by attnum, which depends on history).
-- `position` (1, 2, ... among live columns) is informational: the reference docs list columns
-- in it, comparisons ignore it (see UNCOMPARED_ATTRIBUTES).
SELECT
    'column' AS kind,
    format(
        '%%s.%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname), quote_ident(a.attname)
    ) AS name,
    format_type(a.atttypid, a.atttypmod) AS type,
    a.attnotnull AS not_null,
    pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
    CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity,
    CASE a.attgenerated WHEN 's' THEN 'stored' WHEN 'v' THEN 'virtual' END AS generated,
    CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
    (
        SELECT count(*)
        FROM pg_attribute AS earlier
        WHERE
            earlier.attrelid = a.attrelid
            AND earlier.attnum > 0
            AND earlier.attnum <= a.attnum
            AND NOT earlier.attisdropped
    )::text AS position,
    col_description(c.oid, a.attnum) AS comment
FROM pg_attribute AS a
JOIN pg_class AS c ON a.attrelid = c.oid
JOIN pg_namespace AS n ON c.relnamespace = n.oid
JOIN pg_type AS t ON a.atttypid = t.oid
LEFT JOIN pg_attrdef AS ad ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
LEFT JOIN pg_collation AS co ON a.attcollation = co.oid
WHERE
    n.nspname = %(schema)s
    AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
    AND a.attnum > 0
    AND NOT a.attisdropped
    AND NOT EXISTS (
        SELECT FROM pg_depend AS d
        WHERE
            d.classid = 'pg_class'::regclass
            AND d.objid = c.oid
            AND d.deptype = 'e'
    );

-- name: constraints
-- Table constraints. PostgreSQL 18 also catalogues NOT NULL as constraints (contype 'n');
-- nullness is compared on the column instead, so those rows are left out.
SELECT
    'constraint' AS kind,
    format(
        '%%s.%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname), quote_ident(con.conname)
    ) AS name,
    CASE con.contype
        WHEN 'p' THEN 'primary key'
        WHEN 'u' THEN 'unique'
        WHEN 'f' THEN 'foreign key'
        WHEN 'c' THEN 'check'
        WHEN 'x' THEN 'exclusion'
        WHEN 't' THEN 'constraint trigger'
        ELSE con.contype::text
    END AS constraint_type,
    pg_get_constraintdef(con.oid) AS definition,
    -- The constrained columns and, for a foreign key, what it references, in key order.
    ARRAY(
        SELECT a.attname::text
        FROM unnest(con.conkey) WITH ORDINALITY AS k (attnum, ord)
        JOIN pg_attribute AS a ON k.attnum = a.attnum AND con.conrelid = a.attrelid
        ORDER BY k.ord
    ) AS columns,
    CASE
        WHEN con.contype = 'f'
            THEN
                format(
                    '%%s.%%s', quote_ident(rn.nspname), quote_ident(rc.relname)
                )
    END AS referenced_table,
    ARRAY(
        SELECT a.attname::text
        FROM unnest(con.confkey) WITH ORDINALITY AS k (attnum, ord)
        JOIN pg_attribute AS a ON k.attnum = a.attnum AND con.confrelid = a.attrelid
        ORDER BY k.ord
    ) AS referenced_columns,
    con.convalidated AS validated,
    obj_description(con.oid, 'pg_constraint') AS comment
FROM pg_constraint AS con
JOIN pg_class AS c ON con.conrelid = c.oid
JOIN pg_namespace AS n ON c.relnamespace = n.oid
LEFT JOIN pg_class AS rc ON con.confrelid = rc.oid
LEFT JOIN pg_namespace AS rn ON rc.relnamespace = rn.oid
WHERE
    n.nspname = %(schema)s
    AND con.contype <> 'n';

-- name: indexes
-- Indexes, including those behind primary keys and unique constraints. An INVALID index (a
-- failed CREATE INDEX CONCURRENTLY) is a difference of its own.
SELECT
    'index' AS kind,
    format('%%s.%%s', quote_ident(n.nspname), quote_ident(i.relname)) AS name,
    format('%%s.%%s', quote_ident(tn.nspname), quote_ident(t.relname)) AS table_name,
    pg_get_indexdef(i.oid) AS definition,
    x.indisvalid AS valid,
    x.indisclustered AS clustered,
    obj_description(i.oid, 'pg_class') AS comment
FROM pg_index AS x
JOIN pg_class AS i ON x.indexrelid = i.oid
JOIN pg_namespace AS n ON i.relnamespace = n.oid
JOIN pg_class AS t ON x.indrelid = t.oid
JOIN pg_namespace AS tn ON t.relnamespace = tn.oid
WHERE n.nspname = %(schema)s;

-- name: sequences
-- Sequences and their options (never their current value, which is data), and the column
-- that owns them (identity and serial columns).
SELECT
    'sequence' AS kind,
    format('%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname)) AS name,
    pg_get_userbyid(c.relowner) AS owner,
    format_type(s.seqtypid, NULL) AS data_type,
    s.seqstart::text AS start_value,
    s.seqincrement::text AS increment,
    s.seqmin::text AS min_value,
    s.seqmax::text AS max_value,
    s.seqcache::text AS cache,
    s.seqcycle AS cycle,
    (
        SELECT
            format(
                '%%s.%%s.%%s',
                quote_ident(tn.nspname),
                quote_ident(t.relname),
                quote_ident(a.attname)
            )
        FROM pg_depend AS d
        JOIN pg_class AS t ON d.refobjid = t.oid
        JOIN pg_namespace AS tn ON t.relnamespace = tn.oid
        JOIN pg_attribute AS a ON d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
        WHERE
            d.classid = 'pg_class'::regclass
            AND d.objid = c.oid
            AND d.refclassid = 'pg_class'::regclass
            AND d.deptype IN ('a', 'i')
        ORDER BY d.refobjid, d.refobjsubid
        LIMIT 1
    ) AS owned_by,
    obj_description(c.oid, 'pg_class') AS comment
FROM pg_sequence AS s
JOIN pg_class AS c ON s.seqrelid = c.oid
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    n.nspname = %(schema)s
    AND NOT EXISTS (
        SELECT FROM pg_depend AS d
        WHERE
            d.classid = 'pg_class'::regclass
            AND d.objid = c.oid
            AND d.deptype = 'e'
    );

-- name: views
-- Views and materialized views: the deparsed query, options and comment.
SELECT
    'view' AS kind,
    format('%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname)) AS name,
    CASE c.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END AS view_kind,
    pg_get_userbyid(c.relowner) AS owner,
    pg_get_viewdef(c.oid, TRUE) AS definition,
    ARRAY(SELECT o.opt FROM unnest(c.reloptions) AS o (opt) ORDER BY o.opt) AS view_options,
    obj_description(c.oid, 'pg_class') AS comment
FROM pg_class AS c
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    n.nspname = %(schema)s
    AND c.relkind IN ('v', 'm')
    AND NOT EXISTS (
        SELECT FROM pg_depend AS d
        WHERE
            d.classid = 'pg_class'::regclass
            AND d.objid = c.oid
            AND d.deptype = 'e'
    );

-- name: functions
-- Functions and procedures, keyed by name and argument types; the definition is
-- pg_get_functiondef() (header and body). Aggregates have no functiondef: their parts instead.
SELECT
    'function' AS kind,
    format(
        '%%s.%%s(%%s)',
        quote_ident(n.nspname),
        quote_ident(p.proname),
        pg_get_function_identity_arguments(p.oid)
    ) AS name,
    CASE p.prokind
        WHEN 'p' THEN 'procedure'
        WHEN 'a' THEN 'aggregate'
        WHEN 'w' THEN 'window function'
        ELSE 'function'
    END AS function_kind,
    pg_get_userbyid(p.proowner) AS owner,
    CASE
        WHEN p.prokind = 'a'
            THEN
                format(
                    'AGGREGATE (SFUNC = %%s, STYPE = %%s, FINALFUNC = %%s, INITCOND = %%L)',
                    agg.aggtransfn,
                    format_type(agg.aggtranstype, NULL),
                    agg.aggfinalfn,
                    agg.agginitval
                )
        ELSE pg_get_functiondef(p.oid)
    END AS definition,
    pg_get_function_arguments(p.oid) AS arguments,
    pg_get_function_result(p.oid) AS result,
    l.lanname::text AS language,
    p.prosecdef AS security_definer,
    -- The body as written (informational: `definition` compares it, layout aside).
    CASE WHEN p.prokind <> 'a' THEN p.prosrc END AS body,
    obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc AS p
JOIN pg_namespace AS n ON p.pronamespace = n.oid
JOIN pg_language AS l ON p.prolang = l.oid
LEFT JOIN pg_aggregate AS agg ON p.oid = agg.aggfnoid
WHERE
    n.nspname = %(schema)s
    AND NOT EXISTS (
        SELECT FROM pg_depend AS d
        WHERE
            d.classid = 'pg_proc'::regclass
            AND d.objid = p.oid
            AND d.deptype = 'e'
    );

-- name: triggers
-- User triggers. Internal ones (foreign keys) are left out, and so are the clones a
-- partitioned table's trigger gets on each partition: PostgreSQL 14 hides those, 15+ shows them.
SELECT
    'trigger' AS kind,
    format(
        '%%s.%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname), quote_ident(t.tgname)
    ) AS name,
    pg_get_triggerdef(t.oid) AS definition,
    CASE t.tgenabled
        WHEN 'O' THEN 'enabled'
        WHEN 'D' THEN 'disabled'
        WHEN 'R' THEN 'replica only'
        WHEN 'A' THEN 'always'
    END AS enabled,
    obj_description(t.oid, 'pg_trigger') AS comment
FROM pg_trigger AS t
JOIN pg_class AS c ON t.tgrelid = c.oid
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE
    n.nspname = %(schema)s
    AND NOT t.tgisinternal
    AND t.tgparentid = 0;

-- name: policies
-- Row-level security policies.
SELECT
    'policy' AS kind,
    format(
        '%%s.%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname), quote_ident(pol.polname)
    ) AS name,
    CASE pol.polcmd
        WHEN 'r' THEN 'SELECT'
        WHEN 'a' THEN 'INSERT'
        WHEN 'w' THEN 'UPDATE'
        WHEN 'd' THEN 'DELETE'
        ELSE 'ALL'
    END AS command,
    pol.polpermissive AS permissive,
    ARRAY(
        SELECT CASE WHEN r.oid = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r.oid) END AS role_name
        FROM unnest(pol.polroles) AS r (oid)
        ORDER BY role_name
    ) AS roles,
    pg_get_expr(pol.polqual, pol.polrelid) AS using_expr,
    pg_get_expr(pol.polwithcheck, pol.polrelid) AS check_expr,
    obj_description(pol.oid, 'pg_policy') AS comment
FROM pg_policy AS pol
JOIN pg_class AS c ON pol.polrelid = c.oid
JOIN pg_namespace AS n ON c.relnamespace = n.oid
WHERE n.nspname = %(schema)s;

-- name: statistics
-- Extended statistics objects (CREATE STATISTICS).
SELECT
    'statistics' AS kind,
    format('%%s.%%s', quote_ident(n.nspname), quote_ident(s.stxname)) AS name,
    pg_get_statisticsobjdef(s.oid) AS definition,
    obj_description(s.oid, 'pg_statistic_ext') AS comment
FROM pg_statistic_ext AS s
JOIN pg_namespace AS n ON s.stxnamespace = n.oid
WHERE n.nspname = %(schema)s;

-- name: grants
-- Every privilege on the schema and its objects, one row per grantee and privilege. A NULL ACL
-- means the built-in default, so acldefault() spells it out (e.g. PUBLIC's EXECUTE on
-- functions). `kind` and `name` match the keys of the other catalog queries.
WITH
schema_acl AS (
    SELECT
        'schema' AS kind,
        quote_ident(n.nspname) AS name,
        n.nspowner AS owner_oid,
        coalesce(n.nspacl, acldefault('n', n.nspowner)) AS acl
    FROM pg_namespace AS n
    WHERE n.nspname = %(schema)s
),

relation_acl AS (
    SELECT
        CASE
            WHEN c.relkind = 'S' THEN 'sequence'
            WHEN c.relkind IN ('v', 'm') THEN 'view'
            ELSE 'table'
        END AS kind,
        format('%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname)) AS name,
        c.relowner AS owner_oid,
        coalesce(
            c.relacl,
            acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)
        ) AS acl
    FROM pg_class AS c
    JOIN pg_namespace AS n ON c.relnamespace = n.oid
    WHERE
        n.nspname = %(schema)s
        AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
),

column_acl AS (
    SELECT
        'column' AS kind,
        format(
            '%%s.%%s.%%s', quote_ident(n.nspname), quote_ident(c.relname), quote_ident(a.attname)
        ) AS name,
        c.relowner AS owner_oid,
        a.attacl AS acl
    FROM pg_attribute AS a
    JOIN pg_class AS c ON a.attrelid = c.oid
    JOIN pg_namespace AS n ON c.relnamespace = n.oid
    WHERE
        n.nspname = %(schema)s
        AND a.attacl IS NOT NULL
        AND a.attnum > 0
        AND NOT a.attisdropped
),

function_acl AS (
    SELECT
        'function' AS kind,
        format(
            '%%s.%%s(%%s)',
            quote_ident(n.nspname),
            quote_ident(p.proname),
            pg_get_function_identity_arguments(p.oid)
        ) AS name,
        p.proowner AS owner_oid,
        coalesce(p.proacl, acldefault('f', p.proowner)) AS acl
    FROM pg_proc AS p
    JOIN pg_namespace AS n ON p.pronamespace = n.oid
    WHERE n.nspname = %(schema)s
),

type_acl AS (
    SELECT
        'type' AS kind,
        format('%%s.%%s', quote_ident(n.nspname), quote_ident(t.typname)) AS name,
        t.typowner AS owner_oid,
        coalesce(t.typacl, acldefault('T', t.typowner)) AS acl
    FROM pg_type AS t
    JOIN pg_namespace AS n ON t.typnamespace = n.oid
    LEFT JOIN pg_class AS tc ON t.typrelid = tc.oid
    WHERE
        n.nspname = %(schema)s
        AND (t.typtype IN ('d', 'e', 'r') OR (t.typtype = 'c' AND tc.relkind = 'c'))
),

all_acl AS (
    SELECT * FROM schema_acl
    UNION ALL
    SELECT * FROM relation_acl
    UNION ALL
    SELECT * FROM column_acl
    UNION ALL
    SELECT * FROM function_acl
    UNION ALL
    SELECT * FROM type_acl
)

SELECT
    o.kind,
    o.name,
    CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(g.grantee) END AS grantee,
    g.privilege_type,
    g.is_grantable,
    g.grantee = o.owner_oid AS grantee_is_owner
FROM all_acl AS o
CROSS JOIN LATERAL aclexplode(o.acl) AS g;

-- name: default_privileges
-- ALTER DEFAULT PRIVILEGES entries of this database that reach the schema: global ones and
-- those for the schema. One row per grantee and privilege (NULLs for an empty list).
SELECT
    pg_get_userbyid(d.defaclrole) AS for_role,
    n.nspname::text AS in_schema,
    CASE d.defaclobjtype
        WHEN 'r' THEN 'tables'
        WHEN 'S' THEN 'sequences'
        WHEN 'f' THEN 'functions'
        WHEN 'T' THEN 'types'
        WHEN 'n' THEN 'schemas'
        WHEN 'L' THEN 'large objects'
        ELSE d.defaclobjtype::text
    END AS object_type,
    CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(g.grantee) END AS grantee,
    g.privilege_type,
    g.is_grantable,
    g.grantee = d.defaclrole AS grantee_is_owner
FROM pg_default_acl AS d
LEFT JOIN pg_namespace AS n ON d.defaclnamespace = n.oid
LEFT JOIN LATERAL aclexplode(d.defaclacl) AS g ON TRUE
WHERE d.defaclnamespace = 0 OR n.nspname = %(schema)s;
