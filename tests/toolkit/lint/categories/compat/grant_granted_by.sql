-- Case: GRANT ... GRANTED BY on an object (14)
-- expect: pg13-compat
GRANT SELECT ON xferity.notes TO PUBLIC GRANTED BY CURRENT_USER;
