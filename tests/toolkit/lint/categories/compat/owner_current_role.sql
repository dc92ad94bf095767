-- Case: OWNER TO CURRENT_ROLE (14)
-- expect: pg13-compat
ALTER TABLE xferity.notes OWNER TO CURRENT_ROLE;
