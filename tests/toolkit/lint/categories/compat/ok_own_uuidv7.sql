-- Case: the set defines its own uuidv7() function
-- expect: none
CREATE FUNCTION xferity.uuidv7() RETURNS uuid LANGUAGE sql AS $$ SELECT gen_random_uuid() $$;
SET LOCAL search_path = xferity, pg_catalog;
CREATE TABLE xferity.tokens_seen (id uuid PRIMARY KEY DEFAULT uuidv7());
