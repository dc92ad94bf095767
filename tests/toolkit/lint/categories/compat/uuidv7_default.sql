-- Case: uuidv7() (18)
-- expect: pg13-compat
CREATE TABLE xferity.tokens_seen (id uuid PRIMARY KEY DEFAULT uuidv7(), seen_at timestamptz NOT NULL DEFAULT now());
