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
    )
