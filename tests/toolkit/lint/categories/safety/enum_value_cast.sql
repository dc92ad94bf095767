-- Case: an added enum value cast to its type in the same transaction
-- expect: enum-value-same-transaction
ALTER TYPE xferity.job_state ADD VALUE 'archived';
INSERT INTO xferity.jobs (name, state) VALUES ('old', 'archived'::xferity.job_state);
