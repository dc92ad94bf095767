-- Case: gen_random_uuid() is built in since 13
-- expect: none
CREATE TABLE xferity.tokens_seen (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), seen_at timestamptz NOT NULL DEFAULT now());
