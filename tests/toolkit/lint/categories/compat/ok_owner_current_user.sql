-- Case: OWNER TO CURRENT_USER (13 has it)
-- expect: none
ALTER TABLE xferity.notes OWNER TO CURRENT_USER;
