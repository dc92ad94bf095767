-- Every privilege the runtime roles effectively hold in schema xferity, however they hold
-- it: granted directly, granted to PUBLIC, or inherited through role membership.
WITH roles AS (
    SELECT r.rolname::text AS grantee, r.oid AS role_oid
    FROM pg_catalog.pg_roles AS r
    WHERE r.rolname = any({role_names}::text[])
),

relations AS (
    SELECT
        c.oid,
        c.relkind,
        format('%I.%I', n.nspname, c.relname) AS qualified,
        coalesce(c.relacl, pg_catalog.acldefault(
            CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner
        )) AS acl
    FROM pg_catalog.pg_class AS c
    INNER JOIN pg_catalog.pg_namespace AS n ON c.relnamespace = n.oid
    WHERE n.nspname = 'xferity' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
),

table_privileges AS (
    SELECT unnest(
        ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']
        || CASE
            WHEN current_setting('server_version_num')::int >= 170000 THEN ARRAY['MAINTAIN']
            ELSE ARRAY[]::text[]
        END
    ) AS privilege
),

held AS (
    SELECT
        r.grantee, r.role_oid, 'schema' AS object_type, 'xferity' AS object_name,
        NULL::text AS column_name, p.privilege,
        coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)) AS acl
    FROM roles AS r
    CROSS JOIN unnest(ARRAY['USAGE', 'CREATE']) AS p (privilege)
    INNER JOIN pg_catalog.pg_namespace AS n ON n.nspname = 'xferity'
    WHERE pg_catalog.has_schema_privilege(r.role_oid, n.oid, p.privilege)

    UNION ALL
    SELECT r.grantee, r.role_oid, 'table', rel.qualified, NULL, p.privilege, rel.acl
    FROM roles AS r, relations AS rel, table_privileges AS p
    WHERE
        rel.relkind <> 'S'
        AND pg_catalog.has_table_privilege(r.role_oid, rel.oid, p.privilege)

    UNION ALL
    SELECT r.grantee, r.role_oid, 'sequence', rel.qualified, NULL, p.privilege, rel.acl
    FROM roles AS r, relations AS rel, unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) AS p (privilege)
    WHERE
        rel.relkind = 'S'
        AND pg_catalog.has_sequence_privilege(r.role_oid, rel.oid, p.privilege)

    -- Column privileges matter only where the table-level one is absent.
    UNION ALL
    SELECT
        r.grantee, r.role_oid, 'column', rel.qualified, a.attname::text, p.privilege,
        coalesce(a.attacl, ARRAY[]::aclitem[])
    FROM roles AS r
    CROSS JOIN relations AS rel
    INNER JOIN pg_catalog.pg_attribute AS a
        ON rel.oid = a.attrelid AND a.attnum > 0 AND NOT a.attisdropped
    CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) AS p (privilege)
    WHERE
        rel.relkind <> 'S'
        AND pg_catalog.has_column_privilege(r.role_oid, rel.oid, a.attnum, p.privilege)
        AND NOT pg_catalog.has_table_privilege(r.role_oid, rel.oid, p.privilege)

    UNION ALL
    SELECT
        r.grantee, r.role_oid, 'function',
        format(
            '%I.%I(%s)', n.nspname, f.proname, pg_catalog.pg_get_function_identity_arguments(f.oid)
        ),
        NULL, 'EXECUTE', coalesce(f.proacl, pg_catalog.acldefault('f', f.proowner))
    FROM roles AS r
    CROSS JOIN pg_catalog.pg_proc AS f
    INNER JOIN pg_catalog.pg_namespace AS n ON f.pronamespace = n.oid
    WHERE n.nspname = 'xferity' AND pg_catalog.has_function_privilege(r.role_oid, f.oid, 'EXECUTE')
)

SELECT
    h.grantee,
    h.object_type,
    h.object_name,
    h.column_name,
    h.privilege,
    CASE
        WHEN EXISTS (
                SELECT FROM pg_catalog.aclexplode(h.acl) AS x
                WHERE x.grantee = h.role_oid AND x.privilege_type = h.privilege
            ) THEN 'direct grant'
        WHEN EXISTS (
                SELECT FROM pg_catalog.aclexplode(h.acl) AS x
                WHERE x.grantee = 0 AND x.privilege_type = h.privilege
            ) THEN 'PUBLIC'
        ELSE 'role membership'
    END AS held_via
FROM held AS h
