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
    obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc AS p
JOIN pg_namespace AS n ON p.pronamespace = n.oid
LEFT JOIN pg_aggregate AS agg ON p.oid = agg.aggfnoid
WHERE
    n.nspname = %(schema)s
    AND NOT EXISTS (
        SELECT FROM pg_depend AS d
        WHERE
            d.classid = 'pg_proc'::regclass
            AND d.objid = p.oid
            AND d.deptype = 'e'
    )
