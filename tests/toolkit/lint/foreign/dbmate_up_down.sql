-- migrate:up
CREATE TYPE job_status AS ENUM ('new', 'locked', 'done');
ALTER TYPE job_status ADD VALUE 'failed';
CREATE INDEX CONCURRENTLY jobs_status ON jobs (status);

-- migrate:down
DROP TYPE job_status;
