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
    )
