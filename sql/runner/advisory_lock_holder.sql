-- Who holds the migration lock, for the "waiting" progress line.
SELECT a.pid, a.application_name, a.client_addr::text, now() - a.backend_start AS held_for
FROM pg_locks AS l
JOIN pg_stat_activity AS a ON l.pid = a.pid
WHERE l.locktype = 'advisory'
    AND l.granted
    AND l.database = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
    AND ((l.classid::bigint << 32) | l.objid::bigint) = %(lock_key)s
ORDER BY a.backend_start
LIMIT 1
